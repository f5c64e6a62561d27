package dev.guardsynth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/bench startup}: how long guardsynth takes to start, from the checkout (before:
 * scripts/guardsynth) and from the unpacked release archive (after: bin/guardsynth), each beside a
 * bare {@code java -version} of the same Java in the same run, interleaved so that the load of the
 * machine weighs on all alike. Medians of N runs (wall clock, the process started to its exit):
 *
 * <ul>
 *   <li>{@code --help};
 *   <li>{@code run --dry-run} of the demo;
 *   <li>the first teacher request of a {@code run}: from the process started to the request's
 *       arrival at a local OpenAI-compatible server (the run is then killed).
 * </ul>
 *
 * Arguments: {@code JAVA_HOME REPS NAME=LAUNCHER=DEMO_CONFIG...}.
 */
public final class StartupBench {
  private StartupBench() {}

  record Launcher(String name, String command, String demo) {}

  public static void main(String[] args) throws Exception {
    String java = Path.of(args[0], "bin", "java").toString();
    int reps = Integer.parseInt(args[1]);
    List<Launcher> launchers = new ArrayList<>();
    for (String spec : Arrays.copyOfRange(args, 2, args.length)) {
      String[] p = spec.split("=", 3);
      launchers.add(new Launcher(p[0], p[1], p[2]));
    }
    Path work = Files.createTempDirectory("guardsynth-startup");
    Map<String, List<Long>> times = new LinkedHashMap<>();
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(new QuestionBankResponder()).requireKey("sk-bench")) {
      Map<Launcher, Path> configs = new LinkedHashMap<>();
      for (Launcher l : launchers) {
        Path config = work.resolve(l.name()).resolve("guardsynth.yaml");
        Files.createDirectories(config.getParent());
        run(work, List.of(l.command(), "init", config.toString()), true);
        configs.put(l, config);
      }
      for (int rep = 0; rep < reps; rep++) {
        for (Launcher l : launchers) {
          add(times, l.name() + ": java -version", run(work, List.of(java, "-version"), true));
          add(times, l.name() + ": --help", run(work, List.of(l.command(), "--help"), true));
          add(times, l.name() + ": java -version (2)", run(work, List.of(java, "-version"), true));
          add(
              times,
              l.name() + ": run --dry-run (demo)",
              run(work, List.of(l.command(), "run", "--dry-run", "--config", l.demo()), true));
          add(
              times,
              l.name() + ": run, first teacher request",
              firstRequest(work, server, l, configs.get(l), rep));
        }
      }
    } finally {
      deleteTree(work);
    }
    System.out.printf("%-48s %10s   (median of %d, ms; all in one run)%n", "", "median", reps);
    for (var e : times.entrySet()) {
      System.out.printf("%-48s %10d   %s%n", e.getKey(), median(e.getValue()), e.getValue());
    }
    for (Launcher l : launchers) {
      long bare =
          median(
              concat(
                  times.get(l.name() + ": java -version"),
                  times.get(l.name() + ": java -version (2)")));
      System.out.printf(
          "%s: --help = %.1f x java -version; dry run = %.1f x; first request = %.1f x%n",
          l.name(),
          median(times.get(l.name() + ": --help")) / (double) bare,
          median(times.get(l.name() + ": run --dry-run (demo)")) / (double) bare,
          median(times.get(l.name() + ": run, first teacher request")) / (double) bare);
    }
  }

  /** Runs a command to its end; returns its wall time in ms. */
  private static long run(Path dir, List<String> command, boolean mustSucceed)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    long start = System.nanoTime();
    Process p = pb.start();
    int code = p.waitFor();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (mustSucceed && code != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + code);
    }
    return ms;
  }

  /** Starts a run against the server; returns ms from the start to its first request's arrival. */
  private static long firstRequest(
      Path dir, FakeOpenAiServer server, Launcher l, Path config, int rep)
      throws IOException, InterruptedException {
    int before = server.received().size();
    ProcessBuilder pb =
        new ProcessBuilder(
                l.command(),
                "run",
                "--config",
                config.toString(),
                "--base-url",
                server.baseUrl(),
                "--api-key-env",
                "BENCH_KEY",
                "--run-name",
                "bench-" + rep)
            .directory(dir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("BENCH_KEY", "sk-bench");
    long start = System.nanoTime();
    Process p = pb.start();
    try {
      long deadline = start + TimeUnit.SECONDS.toNanos(120);
      while (server.received().size() <= before) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(l.name() + ": the run sent no request");
        }
        Thread.sleep(2);
      }
      return TimeUnit.NANOSECONDS.toMillis(server.received().get(before).atNanos() - start);
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
    }
  }

  private static void add(Map<String, List<Long>> times, String key, long ms) {
    times.computeIfAbsent(key, k -> new ArrayList<>()).add(ms);
  }

  private static List<Long> concat(List<Long> a, List<Long> b) {
    List<Long> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static void deleteTree(Path root) throws IOException {
    try (var files = Files.walk(root)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
