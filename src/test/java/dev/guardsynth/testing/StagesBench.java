package dev.guardsynth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code scripts/bench stages}: issue #10's scenarios at full size, through the real CLI in a child
 * JVM against a local server with 20% 429 (Retry-After 1), 5% 500, 2% hangs past the 2 s timeout
 * and 2% malformed bodies: standalone {@code generate} over 2,000 prompts with {@code
 * failure_tolerance: 0.01}, then without it and again (how many answered requests the second run
 * paid for again), then {@code run} over 2,000 generation prompts with labeling on. Prints figures;
 * asserts nothing.
 *
 * <pre>
 * StagesBench [faults|rounds] [--prompts N] [--work DIR]
 * </pre>
 */
public final class StagesBench {
  private static final String KEY_VAR = "BENCH_TEACHER_KEY";
  private static final Map<String, String> ENV = Map.of(KEY_VAR, "sk-bench-local");

  private final Path work;
  private final int prompts;

  private StagesBench(Path work, int prompts) {
    this.work = work;
    this.prompts = prompts;
  }

  /**
   * The faults of issue #10 in front of a teacher with a latency. {@code sign}: see {@link
   * #signed}; the run keeps the bank's own questions, since signed ones would be near-duplicates of
   * each other and dedup would leave little for the label stage to be measured on.
   */
  private static FakeOpenAiServer server(String salt, boolean sign) throws IOException {
    LimitedTeacher bank = LimitedTeacher.perPrompt();
    return FakeOpenAiServer.start(
        new FaultyResponder(
            body -> {
              Thread.sleep(50); // a real model's latency, so requests overlap
              return sign ? signed(body, bank.respond(body)) : bank.respond(body);
            },
            FaultyResponder.issue10(1, 10_000),
            salt));
  }

  private static final String[] SYLLABLES = {
    "가", "나", "다", "라", "마", "바", "사", "아", "자", "차", "카", "타", "파", "하", "고", "노", "도", "로", "모",
    "보"
  };

  /**
   * The limited teacher's pools overlap across prompts, so with one question per call about one in
   * ten prompts would only repeat an earlier prompt's question, which generate drops as an exact
   * duplicate. Here each generation reply is signed with a nickname drawn from its prompt (20^4
   * names), so "candidates from N prompts" measures what the fault handling kept, not the bank.
   */
  private static FakeOpenAiServer.Reply signed(JsonNode request, FakeOpenAiServer.Reply reply) {
    JsonNode messages = request.path("messages");
    String system = messages.get(0).path("content").asText();
    if (reply.body() == null
        || GuardTaskResponder.isJudge(system)
        || GuardTaskResponder.isRespond(system)) {
      return reply;
    }
    String prompt = messages.get(messages.size() - 1).path("content").asText();
    int h = prompt.hashCode() & Integer.MAX_VALUE;
    StringBuilder nickname = new StringBuilder();
    for (int i = 0; i < 4; i++, h /= SYLLABLES.length) {
      nickname.append(SYLLABLES[h % SYLLABLES.length]);
    }
    String text = reply.body().substring(1);
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n")) {
      out.append(line).append(line.isBlank() ? "" : " (닉네임 " + nickname + ")").append('\n');
    }
    return FakeOpenAiServer.Reply.content(out.toString());
  }

  /** 10 categories × 2 labels × (prompts / 20) calls of one question, in Korean. */
  private Path config(String name, String extra) throws IOException {
    Path dir = Files.createDirectories(work.resolve(name));
    return TestProject.writeConfig(
        dir,
        "name: "
            + name
            + "\nrules: "
            + TestProject.rules("ko")
            + "\ntargets: {unsafe: "
            + prompts / 20
            + ", safe: "
            + prompts / 20
            + ", per_call: 1, max_rounds: 1, min_fill: 0}\n"
            + "teacher:\n  model: bench-model\n  api_key_env: "
            + KEY_VAR
            + "\n  concurrency: 32\n  timeout_seconds: 2\n"
            + extra);
  }

  private static GuardsynthProcess start(Path config, String... args) throws IOException {
    return GuardsynthProcess.start(config.getParent().resolve("logs"), ENV, args);
  }

  void faults() throws Exception {
    try (FakeOpenAiServer server = server("bench-generate", true)) {
      Path config = config("tolerant", "  failure_tolerance: 0.01\n");
      Path prompts = config.getParent().resolve("prompts.jsonl");
      start(config, "plan", "--config", config.toString(), "-o", prompts.toString()).waitFor(120);
      Path out = config.getParent().resolve("out/candidates.jsonl");
      long t0 = System.nanoTime();
      GuardsynthProcess gen =
          start(
              config,
              "generate",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl(),
              "--in",
              prompts.toString(),
              "-o",
              out.toString());
      int code = gen.waitFor(1800);
      Set<String> withCandidates = new HashSet<>();
      if (Files.exists(out)) {
        for (String line : Files.readAllLines(out)) {
          withCandidates.add(Json.MAPPER.readTree(line).at("/source/prompt_id").asText());
        }
      }
      System.out.printf(
          Locale.ROOT,
          "generate, failure_tolerance 0.01: %d prompts, exit %d; %d answered (journal), %d listed"
              + " in failures.jsonl; candidates from %d prompts; %d requests sent, %.1f s%n",
          Files.readAllLines(prompts).size(),
          code,
          TeacherBench.journalKeys(out.resolveSibling("responses.jsonl")).size(),
          GuardsynthProcess.completeLines(out.resolveSibling("failures.jsonl")),
          withCandidates.size(),
          server.requests().size(),
          (System.nanoTime() - t0) / 1e9);
    }
    try (FakeOpenAiServer server = server("bench-strict", true)) {
      Path config = config("strict", "  max_retries: 1\n");
      Path prompts = config.getParent().resolve("prompts.jsonl");
      start(config, "plan", "--config", config.toString(), "-o", prompts.toString()).waitFor(120);
      Path out = config.getParent().resolve("out/candidates.jsonl");
      String[] args = {
        "generate",
        "--config",
        config.toString(),
        "--base-url",
        server.baseUrl(),
        "--in",
        prompts.toString(),
        "-o",
        out.toString()
      };
      int first = start(config, args).waitFor(1800);
      Set<String> journalled = TeacherBench.journalKeys(out.resolveSibling("responses.jsonl"));
      long failed = GuardsynthProcess.completeLines(out.resolveSibling("failures.jsonl"));
      int before = server.requests().size();
      int second = start(config, args).waitFor(1800);
      List<String> resent = new ArrayList<>();
      server
          .requests()
          .subList(before, server.requests().size())
          .forEach(b -> resent.add(FakeOpenAiServer.journalKey(b)));
      System.out.printf(
          Locale.ROOT,
          "generate, no tolerance (max_retries 1): exit %d with %d answered and %d failed; the same"
              + " command again sent %d requests (%d distinct), %d of them already answered; exit"
              + " %d%n",
          first,
          journalled.size(),
          failed,
          resent.size(),
          new HashSet<>(resent).size(),
          resent.stream().filter(journalled::contains).count(),
          second);
    }
    try (FakeOpenAiServer server = server("bench-run", false)) {
      Path config = config("run", "  failure_tolerance: 0.01\n");
      long t0 = System.nanoTime();
      GuardsynthProcess run =
          start(config, "run", "--config", config.toString(), "--base-url", server.baseUrl());
      int code = run.waitFor(3600);
      Path dir = config.getParent().resolve("output/run");
      long generateFailed = 0;
      long labelFailed = 0;
      if (Files.exists(dir.resolve("failures.jsonl"))) {
        for (String line : Files.readAllLines(dir.resolve("failures.jsonl"))) {
          if (Json.MAPPER.readTree(line).get("stage").asText().equals("generate")) {
            generateFailed++;
          } else {
            labelFailed++;
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "run, failure_tolerance 0.01: exit %d; %d generation prompts, %d failed; %d labeled, %d"
              + " label requests failed; %d requests sent; %.1f s%n",
          code,
          GuardsynthProcess.completeLines(dir.resolve("prompts.jsonl")),
          generateFailed,
          GuardsynthProcess.completeLines(dir.resolve("labeled.jsonl")),
          labelFailed,
          server.requests().size(),
          (System.nanoTime() - t0) / 1e9);
      if (code != 0) {
        String[] err = run.err().split("\n");
        System.out.println("run: stderr tail: " + err[err.length - 1]);
      }
    }
  }

  /**
   * Issue #11's two limited teachers (12 questions per distinct prompt; 12 per cell) under the
   * demo's setup with targets of 30 per category × label, the Korean rule set and 10 per call:
   * fill, rounds, and generation requests per exported question.
   */
  void rounds() throws Exception {
    for (String mode : List.of("per-prompt", "per-cell")) {
      LimitedTeacher teacher =
          mode.equals("per-prompt") ? LimitedTeacher.perPrompt() : LimitedTeacher.perCell();
      try (FakeOpenAiServer server = FakeOpenAiServer.start(teacher)) {
        Path dir = Files.createDirectories(work.resolve("rounds-" + mode));
        Path config =
            TestProject.writeConfig(
                dir,
                "name: r\nrules: "
                    + TestProject.rules("ko")
                    + "\nfilters: "
                    + TestProject.ROOT.resolve("rules/filters.yaml")
                    + "\ntargets: {unsafe: 30, safe: 30, per_call: 10}\n"
                    + "teacher: {model: m, api_key_env: "
                    + KEY_VAR
                    + ", concurrency: 16}\n");
        long t0 = System.nanoTime();
        int code =
            start(config, "run", "--config", config.toString(), "--base-url", server.baseUrl())
                .waitFor(1800);
        JsonNode runJson = Json.MAPPER.readTree(dir.resolve("output/r/run.json").toFile());
        double minFill = 1;
        double sumFill = 0;
        int cells = 0;
        for (JsonNode c : runJson.get("cells")) {
          minFill = Math.min(minFill, c.get("fill").asDouble());
          sumFill += c.get("fill").asDouble();
          cells++;
        }
        long prompts = GuardsynthProcess.completeLines(dir.resolve("output/r/prompts.jsonl"));
        long exported = runJson.get("exported").asLong();
        System.out.printf(
            Locale.ROOT,
            "rounds, %s teacher: exit %d; %d round(s); fill %.1f%% on average, %.1f%% in the"
                + " worst of %d cells; %d generation requests for %d exported questions (%.2f"
                + " per question, %.1f per cell); %d requests in all; %.1f s%n",
            mode,
            code,
            runJson.get("rounds_run").asInt(),
            100 * sumFill / cells,
            100 * minFill,
            cells,
            prompts,
            exported,
            exported == 0 ? 0.0 : (double) prompts / exported,
            (double) prompts / cells,
            server.requests().size(),
            (System.nanoTime() - t0) / 1e9);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    BenchArgs a = BenchArgs.parse("stages", "faults", args);
    StagesBench bench = new StagesBench(a.work(), a.prompts());
    switch (a.what()) {
      case "faults" -> bench.faults();
      case "rounds" -> bench.rounds();
      default -> {
        System.err.println("usage: scripts/bench stages [faults|rounds] [--prompts N]");
        System.exit(2);
      }
    }
  }
}
