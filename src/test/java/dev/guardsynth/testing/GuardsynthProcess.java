package dev.guardsynth.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs {@code dev.guardsynth.cli.Main} in a child JVM on the test classpath, so tests can send it
 * real signals (SIGINT, SIGKILL) and read everything it prints, logs included. Its stdout and
 * stderr go to files in a folder the test owns.
 */
public final class GuardsynthProcess {
  private final Process process;
  private final Path out;
  private final Path err;

  private GuardsynthProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts {@code guardsynth args...} with {@code env} added to this JVM's environment. */
  public static GuardsynthProcess start(Path logs, Map<String, String> env, String... args)
      throws IOException {
    return start(null, logs, env, args);
  }

  /**
   * Starts {@code guardsynth args...} in the working folder {@code workingDir} (this JVM's own when
   * null), with {@code env} added to this JVM's environment.
   */
  public static GuardsynthProcess start(
      Path workingDir, Path logs, Map<String, String> env, String... args) throws IOException {
    Files.createDirectories(logs);
    Path out = Files.createTempFile(logs, "stdout-", ".txt");
    Path err = Files.createTempFile(logs, "stderr-", ".txt");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xshare:auto");
    command.add("-XX:TieredStopAtLevel=1"); // starts faster; these runs are short
    command.add("-cp");
    // Absolute, so that the child finds its classes from any working folder.
    command.add(
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(entry -> Path.of(entry).toAbsolutePath().toString())
            .collect(Collectors.joining(File.pathSeparator)));
    command.add("dev.guardsynth.cli.Main");
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    if (workingDir != null) {
      builder.directory(workingDir.toFile());
    }
    builder.environment().putAll(env);
    return new GuardsynthProcess(builder.start(), out, err);
  }

  /**
   * Complete lines in a file another process is appending to. Counts newline bytes rather than
   * decoding: a read can land in the middle of a multi-byte UTF-8 character the writer has not
   * finished, which a strict decoder rejects.
   */
  public static int completeLines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    int lines = 0;
    for (byte b : Files.readAllBytes(file)) {
      if (b == '\n') {
        lines++;
      }
    }
    return lines;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /**
   * SIGKILL without spawning {@code kill}: {@link Process#destroyForcibly()} sends it directly on
   * Unix, so the kill lands within microseconds of the call. Waits for the process to be gone.
   */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Sends a signal by name ({@code INT}, {@code TERM}, {@code KILL}) with the kill command. */
  public void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + pid() + " failed");
    }
  }

  /**
   * Sends Ctrl-C's SIGINT, or SIGTERM when this child ignores SIGINT: a background job of a
   * non-interactive shell starts with SIGINT ignored, and the JVM then never sees it. Both reach
   * the same shutdown hook. Returns the signal's name.
   */
  public String interrupt() throws IOException, InterruptedException {
    String signal = ignoresSigint() ? "TERM" : "INT";
    signal(signal);
    return signal;
  }

  /** Whether SIGINT is ignored in the child, from Linux's /proc; false where that is unknown. */
  private boolean ignoresSigint() throws IOException {
    Path status = Path.of("/proc", Long.toString(pid()), "status");
    if (!Files.exists(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
        return (mask & (1L << (2 - 1))) != 0; // SIGINT is signal 2
      }
    }
    return false;
  }

  /** Waits for the exit code; fails the test after {@code seconds}. */
  public int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("guardsynth did not exit within " + seconds + " s; " + err());
    }
    return process.exitValue();
  }

  public String out() throws IOException {
    return Files.readString(out);
  }

  public String err() {
    try {
      return Files.readString(err);
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }
}
