package dev.guardsynth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Json;
import dev.guardsynth.teacher.TeacherRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code scripts/bench teacher}: runs the real CLI in a child JVM against a local OpenAI-compatible
 * server with a set latency and fault rates, and prints what the teacher layer achieves: requests
 * per second against the ceiling {@code min(concurrency / latency, rpm / 60)}, the busiest
 * 60-second window the server saw, retries, prompts answered, failed and lost, and requests sent
 * again after a kill or Ctrl-C and a resume. Not a unit test: it takes minutes.
 *
 * <pre>
 * TeacherBench [throughput|rpm|faults|kill|endpoints|all] [--prompts N] [--work DIR]
 * </pre>
 */
public final class TeacherBench {
  private static final String KEY_VAR = "BENCH_TEACHER_KEY";
  private static final String KEY = "sk-bench-local";
  private static final Map<String, String> ENV = Map.of(KEY_VAR, KEY);

  private final Path work;
  private final int prompts;

  private TeacherBench(Path work, int prompts) {
    this.work = work;
    this.prompts = prompts;
  }

  /** Latency and fault rates of the local server; a fraction of requests gets each fault. */
  record Faults(
      long latencyMillis,
      double rateLimited,
      double serverError,
      double hang,
      double malformed,
      long hangMillis) {
    static Faults none(long latencyMillis) {
      return new Faults(latencyMillis, 0, 0, 0, 0, 0);
    }
  }

  /** A bank-of-questions server that waits {@code latency} and fails as {@code faults} says. */
  static FakeOpenAiServer server(Faults faults, long seed) throws IOException {
    QuestionBankResponder bank = new QuestionBankResponder();
    Random random = new Random(seed);
    return FakeOpenAiServer.start(
            body -> {
              double roll;
              synchronized (random) {
                roll = random.nextDouble();
              }
              Thread.sleep(faults.latencyMillis());
              double edge = faults.rateLimited();
              if (roll < edge) {
                return FakeOpenAiServer.Reply.status(429, "rate limited")
                    .withHeader("Retry-After", "1");
              }
              if (roll < (edge += faults.serverError())) {
                return FakeOpenAiServer.Reply.status(500, "server error");
              }
              if (roll < (edge += faults.hang())) {
                return bank.respond(body).delayed(faults.hangMillis());
              }
              if (roll < (edge += faults.malformed())) {
                return FakeOpenAiServer.Reply.raw(200, "{\"choices\": [ {\"message\": trunc");
              }
              return bank.respond(body);
            })
        .requireKey(KEY);
  }

  /** A config for {@link #prompts} prompts: 10 categories × 2 labels × calls × languages. */
  Path config(String name, String teacherExtra) throws IOException {
    boolean twoLanguages = prompts > 1000;
    int perLabel = prompts / (20 * (twoLanguages ? 2 : 1));
    Path dir = Files.createDirectories(work.resolve(name));
    return TestProject.writeConfig(
        dir,
        "name: "
            + name
            + "\n"
            + "rules: "
            + (twoLanguages ? TestProject.rules("ko", "en") : TestProject.rules("ko"))
            + "\n"
            + "targets: {unsafe: "
            + perLabel
            + ", safe: "
            + perLabel
            + ", per_call: 1, max_rounds: 1, min_fill: 0}\n"
            // Generation only, so every request the server sees is one prompt.
            + "label: {judge: false, respond: false}\n"
            + "teacher:\n"
            + "  model: bench-model\n"
            + "  api_key_env: "
            + KEY_VAR
            + "\n"
            + "  prices: {bench-model: {input: 0.15, output: 0.6}}\n"
            + teacherExtra);
  }

  GuardsynthProcess start(Path config, FakeOpenAiServer server, String... more) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of("run", "--config", config.toString(), "--base-url", server.baseUrl()));
    args.addAll(List.of(more));
    return GuardsynthProcess.start(
        config.getParent().resolve("logs"), ENV, args.toArray(String[]::new));
  }

  /** Requests per second between the first and last arrival at the server. */
  static double perSecond(List<FakeOpenAiServer.Received> received) {
    if (received.size() < 2) {
      return 0;
    }
    long span = received.get(received.size() - 1).atNanos() - received.get(0).atNanos();
    return (received.size() - 1) / (span / 1e9);
  }

  /** The most requests that arrived in any 60-second window (half-open, sliding). */
  static int busiestMinute(List<FakeOpenAiServer.Received> received) {
    List<Long> times = received.stream().map(FakeOpenAiServer.Received::atNanos).sorted().toList();
    int max = 0;
    for (int lo = 0, hi = 0; hi < times.size(); hi++) {
      while (times.get(hi) - times.get(lo) >= 60_000_000_000L) {
        lo++;
      }
      max = Math.max(max, hi - lo + 1);
    }
    return max;
  }

  /** The most requests that arrived in any one-second window, to show bunching. */
  static int busiestSecond(List<FakeOpenAiServer.Received> received) {
    List<Long> times = received.stream().map(FakeOpenAiServer.Received::atNanos).sorted().toList();
    int max = 0;
    for (int lo = 0, hi = 0; hi < times.size(); hi++) {
      while (times.get(hi) - times.get(lo) >= 1_000_000_000L) {
        lo++;
      }
      max = Math.max(max, hi - lo + 1);
    }
    return max;
  }

  static Set<String> journalKeys(Path journal) throws IOException {
    Set<String> keys = new HashSet<>();
    if (!Files.exists(journal)) {
      return keys;
    }
    for (String line : Files.readAllLines(journal)) {
      try {
        keys.add(Json.MAPPER.readTree(line).get("key").asText());
      } catch (IOException cutShort) {
        // The kill cut this line short; its request counts as not answered.
      }
    }
    return keys;
  }

  static JsonNode runJson(Path config, String name) throws IOException {
    return Json.MAPPER.readTree(
        config.getParent().resolve("output/" + name + "/run.json").toFile());
  }

  void throughput() throws Exception {
    int concurrency = 32;
    long latency = 200;
    try (FakeOpenAiServer server = server(Faults.none(latency), 1)) {
      Path config = config("throughput", "  concurrency: " + concurrency + "\n");
      long t0 = System.nanoTime();
      int code = start(config, server).waitFor(600);
      double wall = (System.nanoTime() - t0) / 1e9;
      double ceiling = concurrency / (latency / 1000.0);
      double rps = perSecond(server.received());
      System.out.printf(
          Locale.ROOT,
          "throughput: %d prompts, latency %d ms, concurrency %d, no rpm limit: %.1f req/s"
              + " against a ceiling of %.1f (%.1f%%); exit %d; %.1f s wall clock incl. JVM start%n",
          server.requests().size(),
          latency,
          concurrency,
          rps,
          ceiling,
          100 * rps / ceiling,
          code,
          wall);
    }
  }

  void rpm() throws Exception {
    int concurrency = 32;
    long latency = 200;
    int limit = 600;
    try (FakeOpenAiServer server = server(Faults.none(latency), 2)) {
      Path config =
          config(
              "rpm", "  concurrency: " + concurrency + "\n  requests_per_minute: " + limit + "\n");
      int code = start(config, server).waitFor(1800);
      double ceiling = Math.min(concurrency / (latency / 1000.0), limit / 60.0);
      double rps = perSecond(server.received());
      List<FakeOpenAiServer.Received> received = server.received();
      double minutes =
          (received.get(received.size() - 1).atNanos() - received.get(0).atNanos()) / 60e9;
      System.out.printf(
          Locale.ROOT,
          "rpm: %d prompts over %.1f min, requests_per_minute %d, concurrency %d: %.2f req/s"
              + " against a ceiling of %.2f (%.1f%%); busiest 60 s window at the server: %d"
              + " requests (limit %d); busiest second: %d; exit %d%n",
          received.size(),
          minutes,
          limit,
          concurrency,
          rps,
          ceiling,
          100 * rps / ceiling,
          busiestMinute(received),
          limit,
          busiestSecond(received),
          code);
    }
  }

  static final Faults FAULTS = new Faults(50, 0.20, 0.05, 0.02, 0.02, 10_000);

  void faults() throws Exception {
    try (FakeOpenAiServer server = server(FAULTS, 3)) {
      Path config =
          config(
              "faults",
              "  concurrency: 32\n  timeout_seconds: 2\n  max_retries: 4\n"
                  + "  failure_tolerance: 0.01\n");
      long t0 = System.nanoTime();
      GuardsynthProcess run = start(config, server);
      int code = run.waitFor(1800);
      double wall = (System.nanoTime() - t0) / 1e9;
      Path dir = config.getParent().resolve("output/faults");
      Set<String> answered = journalKeys(dir.resolve("responses.jsonl"));
      int failed =
          Files.exists(dir.resolve("failures.jsonl"))
              ? Files.readAllLines(dir.resolve("failures.jsonl")).size()
              : 0;
      int planned = Files.readAllLines(dir.resolve("prompts.jsonl")).size();
      JsonNode usage = runJson(config, "faults").get("usage");
      long statuses429 = server.received().stream().filter(r -> r.status() == 429).count();
      System.out.printf(
          Locale.ROOT,
          "faults: %d prompts with %.0f%% 429 (Retry-After 1), %.0f%% 500, %.0f%% hangs (%d ms,"
              + " timeout 2 s), %.0f%% malformed: %d answered, %d failed (listed in"
              + " failures.jsonl), %d lost; %d retries (%d 429s seen); %d requests sent; exit %d;"
              + " %.1f s%n",
          planned,
          100 * FAULTS.rateLimited(),
          100 * FAULTS.serverError(),
          100 * FAULTS.hang(),
          FAULTS.hangMillis(),
          100 * FAULTS.malformed(),
          answered.size(),
          failed,
          planned - answered.size() - failed,
          usage.get("retries").asLong(),
          statuses429,
          server.requests().size(),
          code,
          wall);
      if (code != 0) {
        System.out.println("faults: stderr tail: " + tail(run.err()));
      }
    }
  }

  void kill() throws Exception {
    Random random = new Random();
    for (String signal : List.of("KILL", "INT")) {
      try (FakeOpenAiServer server = server(FAULTS, 4)) {
        String name = "kill-" + signal.toLowerCase(Locale.ROOT);
        Path config =
            config(name, "  concurrency: 32\n  timeout_seconds: 2\n  failure_tolerance: 1.0\n");
        Path journal = config.getParent().resolve("output/" + name + "/responses.jsonl");
        GuardsynthProcess first = start(config, server);
        int target = 100 + random.nextInt(prompts / 2);
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (GuardsynthProcess.completeLines(journal) < target && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        String sent = signal;
        if (signal.equals("INT")) {
          sent = first.interrupt(); // TERM if this shell started us with SIGINT ignored
        } else {
          first.signal(signal);
        }
        int firstCode = first.waitFor(120);
        Set<String> atStop = journalKeys(journal);
        int sentBefore = server.requests().size();
        GuardsynthProcess second = start(config, server);
        int secondCode = second.waitFor(1800);
        List<String> resent =
            server.requests().subList(sentBefore, server.requests().size()).stream()
                .map(FakeOpenAiServer::journalKey)
                .toList();
        long repeated = resent.stream().filter(atStop::contains).count();
        System.out.printf(
            Locale.ROOT,
            "kill: SIG%s after %d journalled replies: exit %d%s; resume sent %d requests (retries"
                + " included), of which %d had a reply in the journal; resume exit %d; %d of %d"
                + " prompts answered%n",
            sent,
            atStop.size(),
            firstCode,
            signal.equals("INT")
                ? (first.err().contains("resume with:") ? ", printed 'resume with: ...'" : "")
                : "",
            resent.size(),
            repeated,
            secondCode,
            journalKeys(journal).size(),
            prompts);
      }
    }
  }

  /** Lines in a file, without parsing them: cheap enough to poll. */
  /**
   * Requests per second through one runner with one, two, and a dead plus a live endpoint. Each
   * server serves at most {@code slots} requests at once, each taking {@code latency}, as a GPU
   * server with a fixed batch does, so one endpoint tops out at {@code slots / latency}. In
   * process, generation-sized requests, run concurrency 16.
   */
  void endpoints() throws Exception {
    int slots = 4;
    long latency = 50;
    int n = Math.min(prompts, 800);
    System.out.printf(
        Locale.ROOT,
        "endpoints: %d requests, each server %d at once x %d ms (ceiling %.0f req/s per server)%n",
        n,
        slots,
        latency,
        slots * 1000.0 / latency);
    try (FakeOpenAiServer a = capped(slots, latency);
        FakeOpenAiServer b = capped(slots, latency)) {
      // JIT and connection set-up first, so the first measured run is not the slow one.
      endpointRun(null, "['" + a.baseUrl() + "', '" + b.baseUrl() + "']", 200);
      endpointRun("1 endpoint", "'" + a.baseUrl() + "'", n);
      endpointRun("2 endpoints", "['" + a.baseUrl() + "', '" + b.baseUrl() + "']", n);
      endpointRun("dead + live", "[http://127.0.0.1:9/v1, '" + a.baseUrl() + "']", n);
    }
  }

  private static FakeOpenAiServer capped(int slots, long latencyMillis) throws IOException {
    java.util.concurrent.Semaphore busy = new java.util.concurrent.Semaphore(slots, true);
    return FakeOpenAiServer.start(body -> {
      busy.acquire();
      try {
        Thread.sleep(latencyMillis);
        return FakeOpenAiServer.Reply.content("1. q" + body.path("seed").asInt() + "?");
      } finally {
        busy.release();
      }
    });
  }

  private static void endpointRun(String label, String baseUrl, int n) throws Exception {
    dev.guardsynth.config.TeacherConfig config =
        dev.guardsynth.config.ConfigLoader.YAML.readValue(
            "{base_url: " + baseUrl + ", model: m, concurrency: 16, max_retries: 2}",
            dev.guardsynth.config.TeacherConfig.class);
    List<TeacherRequest> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      requests.add(new TeacherRequest("m", List.of(ChatMessage.user("p" + i)), 0.9, 64, i));
    }
    try (dev.guardsynth.teacher.Teacher teacher =
        dev.guardsynth.teacher.Teachers.open(config, Map.of("OPENAI_API_KEY", KEY), null)) {
      long start = System.nanoTime();
      dev.guardsynth.teacher.RequestRunner.Result result =
          dev.guardsynth.teacher.RequestRunner.builder(teacher, config)
              .retryBaseDelay(java.time.Duration.ZERO)
              .build()
              .run(requests, (i, answer) -> {});
      double seconds = (System.nanoTime() - start) / 1e9;
      if (label == null) {
        return;
      }
      System.out.printf(
          Locale.ROOT,
          "  %-12s %6.1f req/s  (%d answered, %d failed, %d retries, %.2f s)%n",
          label,
          n / seconds,
          result.sent(),
          result.failed(),
          result.retries(),
          seconds);
    }
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    return String.join(" | ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
  }

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parse("teacher", "all", args);
    Path work = a.work();
    int prompts = a.prompts();
    TeacherBench bench = new TeacherBench(work, prompts);
    switch (a.what()) {
      case "throughput" -> bench.throughput();
      case "rpm" -> new TeacherBench(work, Math.min(prompts, 1000)).rpm();
      case "faults" -> bench.faults();
      case "kill" -> bench.kill();
      case "endpoints" -> bench.endpoints();
      case "all" -> {
        bench.throughput();
        bench.faults();
        bench.kill();
        new TeacherBench(work, Math.min(prompts, 1000)).rpm();
      }
      default -> {
        System.err.println(
            "usage: scripts/bench teacher [throughput|rpm|faults|kill|endpoints|all] [--prompts N]");
        System.exit(2);
      }
    }
  }
}
