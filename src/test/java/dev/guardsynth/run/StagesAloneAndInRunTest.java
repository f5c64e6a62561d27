package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.generate.QuestionGenerator;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.FaultyResponder;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10: the stage commands and {@code run} share one implementation per stage, so a teacher
 * that fails now and then is handled the same way by both (journal, failures.jsonl, tolerance), and
 * the stages chained by hand give the dataset {@code run} gives. The faults are issue #10's rates
 * (20% 429, 5% 500, 2% hangs past the timeout, 2% malformed) with no waiting, over fewer prompts
 * than the issue's 2,000; {@code scripts/bench stages} runs that many.
 */
class StagesAloneAndInRunTest {
  private static final Map<String, String> ENV = Map.of("K", "k");

  @TempDir Path dir;

  private Path config(String name, String targets, String rules, String extra) throws Exception {
    Path sub = Files.createDirectories(dir.resolve(name));
    return TestProject.writeConfig(
        sub,
        "name: t\n"
            + "rules: "
            + rules
            + "\n"
            + "targets: "
            + targets
            + "\n"
            + "teacher:\n"
            + "  model: m\n"
            + "  api_key_env: K\n"
            + "  concurrency: 16\n"
            + "  timeout_seconds: 2\n"
            + extra);
  }

  /** A server with issue #10's faults: no Retry-After wait, hangs just past the 2 s timeout. */
  private static FakeOpenAiServer faultyServer(String salt) throws Exception {
    return FakeOpenAiServer.start(
        new FaultyResponder(new QuestionBankResponder(), FaultyResponder.issue10(0, 2_300), salt));
  }

  private static List<JsonNode> lines(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        out.add(Json.MAPPER.readTree(line));
      }
    }
    return out;
  }

  private static Set<String> field(List<JsonNode> records, String name) {
    Set<String> out = new HashSet<>();
    records.forEach(r -> out.add(r.path(name).asText()));
    return out;
  }

  private static List<PromptSpec> plan(Path config, Path prompts) throws Exception {
    CliResult plan = CliResult.run("plan", "--config", config.toString(), "-o", prompts.toString());
    assertEquals(0, plan.exitCode(), plan.err());
    List<PromptSpec> out = new ArrayList<>();
    for (String line : Files.readAllLines(prompts)) {
      out.add(Json.LENIENT.readValue(line, PromptSpec.class));
    }
    return out;
  }

  /** The journal key of each prompt's generation request under {@code config}. */
  private static Map<String, String> promptKeys(Path config, List<PromptSpec> prompts) {
    TeacherConfig teacher = ConfigLoader.load(config, ENV).teacher();
    Map<String, String> keys = new TreeMap<>();
    prompts.forEach(p -> keys.put(p.id(), QuestionGenerator.request(p, teacher).key()));
    return keys;
  }

  private static CliResult generate(Path config, Path prompts, Path out, String url) {
    return CliResult.run(
        ENV,
        "generate",
        "--config",
        config.toString(),
        "--in",
        prompts.toString(),
        "-o",
        out.toString(),
        "--base-url",
        url,
        "--retry-delay",
        "0");
  }

  /** Acceptance 2, with the tolerance: exit 0, and every prompt answered or listed. */
  @Test
  void generateAloneFinishesWithinTheToleranceAndListsEveryFailedPrompt() throws Exception {
    Path config =
        config(
            "tolerant",
            "{unsafe: 10, safe: 10, per_call: 1, max_rounds: 1, min_fill: 0}",
            TestProject.rules("ko"),
            // 8 attempts: a loaded machine can answer past the timeout, which shifts the server's
            // fault sequence; 8 faults in a row (0.29^8, about 5e-5 a request) stay out of reach
            // of the 0.01 tolerance, while every fault kind is still met and retried.
            "  max_retries: 7\n  failure_tolerance: 0.01\n");
    List<PromptSpec> prompts = plan(config, dir.resolve("prompts.jsonl"));
    assertEquals(200, prompts.size());
    Path out = dir.resolve("tolerant/out/candidates.jsonl");
    try (FakeOpenAiServer server = faultyServer("generate-tolerant")) {
      CliResult result = generate(config, dir.resolve("prompts.jsonl"), out, server.baseUrl());
      assertEquals(0, result.exitCode(), result.err());
      assertTrue(server.requests().size() > 240, "the faults were retried: " + server.requests());
    }
    Set<String> journalled = field(lines(out.resolveSibling("responses.jsonl")), "key");
    List<JsonNode> failures = lines(out.resolveSibling("failures.jsonl"));
    assertTrue(failures.size() <= 2, "within 0.01 of 200: " + failures);
    Map<String, String> keys = promptKeys(config, prompts);
    for (JsonNode f : failures) {
      assertEquals("generate", f.get("stage").asText());
      assertEquals(keys.get(f.get("id").asText()), f.get("key").asText());
      assertFalse(f.get("message").asText().isBlank());
    }
    Set<String> failedKeys = field(failures, "key");
    keys.forEach((id, key) ->
        assertTrue(
            journalled.contains(key) ^ failedKeys.contains(key),
            "prompt " + id + " is either answered or listed as failed"));
    Set<String> withCandidates = new HashSet<>();
    lines(out).forEach(c -> withCandidates.add(c.at("/source/prompt_id").asText()));
    // The bank refuses one prompt of its own accord; every other answered prompt has questions.
    assertTrue(withCandidates.size() >= 200 - failures.size() - 1, "" + withCandidates.size());
  }

  /**
   * Acceptance 2, without the tolerance: exit 1, nothing written, and the re-run repays nothing.
   */
  @Test
  void generateAloneFailsWithoutTheToleranceAndTheSameCommandRepaysNoAnsweredRequest()
      throws Exception {
    Path config =
        config(
            "strict",
            "{unsafe: 10, safe: 10, per_call: 1, max_rounds: 1, min_fill: 0}",
            TestProject.rules("ko"),
            "  max_retries: 1\n");
    List<PromptSpec> prompts = plan(config, dir.resolve("prompts.jsonl"));
    Path out = dir.resolve("strict/out/candidates.jsonl");
    Path journal = out.resolveSibling("responses.jsonl");
    try (FakeOpenAiServer server = faultyServer("generate-strict")) {
      CliResult failed = generate(config, dir.resolve("prompts.jsonl"), out, server.baseUrl());
      assertEquals(1, failed.exitCode(), failed.err());
      assertTrue(failed.err().contains("requests failed for good"), failed.err());
      assertFalse(Files.exists(out), "no candidates file that looks complete");
      List<JsonNode> failures = lines(out.resolveSibling("failures.jsonl"));
      assertTrue(failures.size() > 2, "max_retries 1 leaves some prompts failed: " + failures);
      Set<String> journalled = field(lines(journal), "key");
      assertEquals(prompts.size(), journalled.size() + failures.size());

      int before = server.requests().size();
      CliResult again = generate(config, dir.resolve("prompts.jsonl"), out, server.baseUrl());
      Set<String> resent = new HashSet<>();
      for (JsonNode body : server.requests().subList(before, server.requests().size())) {
        String key = FakeOpenAiServer.journalKey(body);
        assertFalse(journalled.contains(key), "an answered request was paid for again");
        resent.add(key);
      }
      assertEquals(field(failures, "key"), resent, "exactly the failed prompts were sent again");
      assertTrue(again.exitCode() == 0 || again.exitCode() == 1, again.err());
    }
  }

  /** Acceptance 1: run, generate and label under faults, exits 0 and accounts for every request. */
  @Test
  void runWithFaultsFinishesWithinTheToleranceAndAccountsForEveryRequest() throws Exception {
    Path config =
        config(
            "run",
            "{unsafe: 5, safe: 5, per_call: 1, max_rounds: 1, min_fill: 0}",
            TestProject.rules("ko"),
            // One question per label request: the faults are spread over as many requests as
            // before batching, which the 0.01 tolerance is sized for.
            // 8 attempts, as in the generate test above: the tolerance allows one failure here.
            "  max_retries: 7\n  failure_tolerance: 0.01\n"
                + "label: {batch_size: 1, respond_batch_size: 1}\n");
    Path run = dir.resolve("run/output/t");
    try (FakeOpenAiServer server = faultyServer("run")) {
      CliResult result =
          CliResult.run(
              ENV,
              "run",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl(),
              "--retry-delay",
              "0");
      assertEquals(0, result.exitCode(), result.err());
    }
    List<PromptSpec> prompts = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("prompts.jsonl"))) {
      prompts.add(Json.LENIENT.readValue(line, PromptSpec.class));
    }
    Set<String> journalled = field(lines(run.resolve("responses.jsonl")), "key");
    List<JsonNode> failures = lines(run.resolve("failures.jsonl"));
    Set<String> failedKeys = field(failures, "key");
    promptKeys(config, prompts)
        .forEach((id, key) ->
            assertTrue(
                journalled.contains(key) ^ failedKeys.contains(key),
                "prompt " + id + " is either answered or listed as failed"));
    // Every kept question was labeled or rejected; those rejected because a request failed are
    // exactly the label stage's lines in failures.jsonl.
    Set<String> kept = field(lines(run.resolve("kept.jsonl")), "id");
    Set<String> labeled = field(lines(run.resolve("labeled.jsonl")), "id");
    List<JsonNode> labelRejected = lines(run.resolve("label_rejected.jsonl"));
    Set<String> accounted = new HashSet<>(labeled);
    accounted.addAll(field(labelRejected, "id"));
    assertEquals(kept, accounted);
    Set<String> requestFailed = new HashSet<>();
    labelRejected.stream()
        .filter(r -> r.get("reason").asText().equals("request_failed"))
        .forEach(r -> requestFailed.add(r.get("id").asText()));
    Set<String> labelFailures = new HashSet<>();
    failures.stream()
        .filter(f -> f.get("stage").asText().equals("label"))
        .forEach(f -> labelFailures.addAll(List.of(f.get("id").asText().split(","))));
    assertEquals(requestFailed, labelFailures);
    CliResult stats = CliResult.run("stats", run.toString());
    assertEquals(0, stats.exitCode(), stats.out());
  }

  /** Acceptance 3: the stages chained by hand give the files and dataset {@code run} gives. */
  @Test
  void theStagesChainedByHandGiveTheRunsDatasetAndRejectedFilesByteForByte() throws Exception {
    Path config =
        config(
            "chain",
            "{unsafe: 5, safe: 5, per_call: 5, max_rounds: 1, min_fill: 0}",
            TestProject.rules("ko", "en"),
            "  max_retries: 0\n");
    Path run = dir.resolve("chain/output/t");
    Path hand = Files.createDirectories(dir.resolve("hand"));
    try (FakeOpenAiServer server = FakeOpenAiServer.start(QuestionBankResponder.noisy())) {
      CliResult all =
          CliResult.run(ENV, "run", "--config", config.toString(), "--base-url", server.baseUrl());
      assertEquals(0, all.exitCode(), all.err());

      String c = config.toString();
      String url = server.baseUrl();
      String[][] steps = {
        {"plan", "--config", c, "-o", hand + "/prompts.jsonl"},
        {
          "generate",
          "--config",
          c,
          "--base-url",
          url,
          "--in",
          hand + "/prompts.jsonl",
          "-o",
          hand + "/candidates.jsonl"
        },
        {
          "dedup",
          "--config",
          c,
          "--in",
          hand + "/candidates.jsonl",
          "-o",
          hand + "/unique.jsonl",
          "--duplicates",
          hand + "/duplicates.jsonl",
          "--cross-label",
          hand + "/cross_label.jsonl",
          "--release",
          "t"
        },
        {"filter", "--config", c, "--in", hand + "/unique.jsonl", "-o", hand + "/kept.jsonl"},
        {
          "label",
          "--config",
          c,
          "--base-url",
          url,
          "--in",
          hand + "/kept.jsonl",
          "-o",
          hand + "/labeled.jsonl"
        },
        {"export", "--config", c, "--in", hand + "/labeled.jsonl", "-o", hand + "/dataset"}
      };
      for (String[] step : steps) {
        CliResult r = CliResult.run(ENV, step);
        assertEquals(0, r.exitCode(), step[0] + ": " + r.err());
      }
    }
    Map<String, String> byHand = files(hand);
    Map<String, String> byRun = files(run);
    byRun.remove("run.json");
    byRun.remove("run.lock"); // run's own bookkeeping, like run.json
    byRun.keySet().removeIf(name -> name.startsWith("rounds/")); // one round: the same files
    assertEquals(byRun.keySet(), byHand.keySet());
    for (String name : byRun.keySet()) {
      if (!name.equals("responses.jsonl")) { // the same replies, in arrival order
        assertEquals(byRun.get(name), byHand.get(name), name);
      }
    }
    assertTrue(byRun.containsKey("rejected.jsonl") && byRun.containsKey("label_rejected.jsonl"));
  }

  private static Map<String, String> files(Path folder) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(folder.relativize(p).toString(), Files.readString(p));
      }
    }
    return out;
  }
}
