package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOllamaServer;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.FakeOpenAiServer.Reply;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.ScriptedChatServer;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6, the teacher at scale, through the real {@code guardsynth run}: budgets that stop and
 * resume to the same dataset, failures that are listed and retried alone, the tolerance, dry runs
 * and the LangChain4j providers. Kill and Ctrl-C are in {@link
 * dev.guardsynth.run.ResumeAfterKillTest}.
 */
class TeacherAtScaleRunTest {
  private static final String KEY_VAR = "GS_TEST_KEY";
  private static final Map<String, String> ENV = Map.of(KEY_VAR, "sk-test-issue6");

  @TempDir Path dir;

  /**
   * 10 categories × 2 labels × 2 calls = 40 generation prompts, in Korean; the label stage is off,
   * so the server's log counts prompts.
   */
  private Path config(String name, String extra) throws Exception {
    return config(name, extra, false);
  }

  private Path config(String name, String extra, boolean label) throws Exception {
    return config(name, extra, label, dir.resolve("output"));
  }

  private Path config(String name, String extra, boolean label, Path output) throws Exception {
    Path sub = Files.createDirectories(dir.resolve("config-" + name));
    return TestProject.writeConfig(
        sub,
        "name: t\n"
            + "output: "
            + output
            + "\n"
            + "rules: "
            + TestProject.rules("ko")
            + "\n"
            + "targets: {unsafe: 4, safe: 4, per_call: 2, max_rounds: 1, min_fill: 0}\n"
            + (label ? "" : "label: {judge: false, respond: false}\n")
            + "teacher:\n"
            + "  model: m\n"
            + "  api_key_env: "
            + KEY_VAR
            + "\n"
            + "  concurrency: 4\n"
            + "  max_retries: 1\n"
            + extra);
  }

  private static CliResult run(Path config, String url, String... more) {
    List<String> args =
        new ArrayList<>(List.of("run", "--config", config.toString(), "--base-url", url));
    args.addAll(List.of(more));
    return CliResult.run(ENV, args.toArray(String[]::new));
  }

  private static Map<String, String> files(Path folder) throws Exception {
    Map<String, String> out = new java.util.TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(folder.relativize(p).toString(), Files.readString(p));
      }
    }
    return out;
  }

  private static JsonNode runJson(Path run) throws Exception {
    return Json.MAPPER.readTree(run.resolve("run.json").toFile());
  }

  @Test
  void aBudgetStopsWithExitThreeAndResumingWithALargerOneEndsWithTheSameDataset() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      // Generate and label (judge and respond) both ask the teacher, and share the budget.
      // The same run name in two output folders: the dataset card names the run.
      Path wholeOut = dir.resolve("whole");
      Path budgetedOut = dir.resolve("budgeted");
      CliResult whole = run(config("whole", "", true, wholeOut), server.baseUrl());
      assertEquals(0, whole.exitCode(), whole.err());
      int all = server.requests().size();
      assertTrue(all > 40, "generate's 40 and label's: " + all);

      Path small = config("small", "budget: {max_requests: 15}\n", true, budgetedOut);
      CliResult stopped = run(small, server.baseUrl());
      assertEquals(3, stopped.exitCode(), stopped.err());
      assertTrue(stopped.err().contains("budget.max_requests 15 reached"), stopped.err());
      assertTrue(
          stopped.err().contains("resume with: guardsynth run --config " + small), stopped.err());
      assertTrue(stopped.err().contains("--run-name t"), stopped.err());
      Path run = budgetedOut.resolve("t");
      assertEquals("stopped", runJson(run).get("status").asText());
      assertEquals(15, runJson(run).at("/usage/budget/spent/requests").asInt());
      assertFalse(Files.exists(run.resolve("candidates.jsonl")), "no partial stage output");
      assertFalse(Files.exists(run.resolve("dataset")));
      assertEquals(all + 15, server.requests().size(), "exactly the budget was spent");

      CliResult again = run(small, server.baseUrl());
      assertEquals(3, again.exitCode(), "the same budget is still spent: " + again.err());
      assertEquals(all + 15, server.requests().size());

      // Enough for generate, not for label: the second stop comes in the label stage.
      Path middle =
          config("middle", "budget: {max_requests: " + (all - 5) + "}\n", true, budgetedOut);
      CliResult inLabel = run(middle, server.baseUrl());
      assertEquals(3, inLabel.exitCode(), inLabel.err());
      assertTrue(inLabel.err().contains("label requests not sent yet"), inLabel.err());
      assertEquals(2 * all - 5, server.requests().size());

      Path larger =
          config("larger", "budget: {max_requests: 1000, max_cost_usd: 5.0}\n", true, budgetedOut);
      CliResult resumed = run(larger, server.baseUrl());
      assertEquals(0, resumed.exitCode(), resumed.err());
      assertEquals(2 * all, server.requests().size(), "the stopped run paid for each request once");
      Set<String> sentForBudgeted = new HashSet<>();
      for (JsonNode body : server.requests().subList(all, 2 * all)) {
        assertTrue(sentForBudgeted.add(body.toString()), "sent twice: " + body);
      }
      assertEquals(
          files(wholeOut.resolve("t/dataset")),
          files(run.resolve("dataset")),
          "byte for byte the dataset of the uninterrupted run");
      assertEquals(
          Files.readString(wholeOut.resolve("t/labeled.jsonl")),
          Files.readString(run.resolve("labeled.jsonl")));
    }
  }

  /** Rejects two prompts (by their seed and category) until {@code healed} is set. */
  private static final class TwoBadPrompts implements FakeOpenAiServer.Responder {
    final QuestionBankResponder bank = new QuestionBankResponder();
    volatile boolean healed;

    @Override
    public Reply respond(JsonNode request) throws Exception {
      String prompt = request.path("messages").get(1).path("content").asText();
      boolean bad =
          request.path("seed").asInt() == 1
              && (prompt.contains("Crime advice") || prompt.contains("Privacy violation"))
              && prompt.contains("bad-purpose");
      return bad && !healed
          ? Reply.status(400, "content policy: prompt rejected")
          : bank.respond(request);
    }
  }

  @Test
  void failedPromptsAreListedWithTheirErrorsTheRunExitsOneAndARerunRetriesOnlyThem()
      throws Exception {
    TwoBadPrompts teacher = new TwoBadPrompts();
    try (FakeOpenAiServer server = FakeOpenAiServer.start(teacher)) {
      Path config = config("strict", "");
      CliResult failed = run(config, server.baseUrl());
      assertEquals(1, failed.exitCode(), failed.err());
      assertTrue(failed.err().contains("2 of 40 requests failed for good"), failed.err());
      assertTrue(failed.err().contains("failures.jsonl"), failed.err());
      Path run = dir.resolve("output/t");
      List<JsonNode> failures = new ArrayList<>();
      for (String line : Files.readAllLines(run.resolve("failures.jsonl"))) {
        failures.add(Json.MAPPER.readTree(line));
      }
      assertEquals(2, failures.size());
      Set<String> promptIds = new HashSet<>();
      for (String line : Files.readAllLines(run.resolve("prompts.jsonl"))) {
        promptIds.add(Json.MAPPER.readTree(line).get("id").asText());
      }
      for (JsonNode f : failures) {
        assertEquals("generate", f.get("stage").asText());
        assertTrue(promptIds.contains(f.get("id").asText()), "a prompt id: " + f);
        assertEquals("bad_request", f.get("kind").asText());
        assertEquals(1, f.get("attempts").asInt(), "a 400 is not retried");
        assertTrue(f.get("message").asText().contains("prompt rejected"), f.toString());
        assertEquals(32, f.get("key").asText().length());
      }
      assertEquals(2, runJson(run).at("/usage/failed").asInt());
      assertEquals("failed", runJson(run).get("status").asText());
      assertFalse(Files.exists(run.resolve("candidates.jsonl")));
      assertEquals(40, server.requests().size());

      teacher.healed = true;
      CliResult rerun = run(config, server.baseUrl());
      assertEquals(0, rerun.exitCode(), rerun.err());
      assertEquals(42, server.requests().size(), "only the two failed prompts were sent again");
      assertFalse(Files.exists(run.resolve("failures.jsonl")), "nothing failed any more");
      assertEquals(38, runJson(run).at("/usage/from_journal").asInt());
      assertTrue(Files.exists(run.resolve("dataset/detect/train.jsonl")));
    }
  }

  @Test
  void failuresWithinTheToleranceStillFinishTheRunAndTheNextRunRetriesThem() throws Exception {
    TwoBadPrompts teacher = new TwoBadPrompts();
    try (FakeOpenAiServer server = FakeOpenAiServer.start(teacher)) {
      Path config = config("tolerant", "  failure_tolerance: 0.05\n");
      CliResult tolerated = run(config, server.baseUrl());
      assertEquals(0, tolerated.exitCode(), tolerated.err());
      Path run = dir.resolve("output/t");
      assertEquals(2, Files.readAllLines(run.resolve("failures.jsonl")).size());
      assertTrue(Files.exists(run.resolve("dataset/detect/train.jsonl")));
      assertEquals(2, runJson(run).at("/stages/generate/counts/failed").asInt());

      teacher.healed = true;
      CliResult rerun = run(config, server.baseUrl());
      assertEquals(0, rerun.exitCode(), rerun.err());
      assertEquals(42, server.requests().size(), "the stage ran again for the two failures only");
      assertFalse(Files.exists(run.resolve("failures.jsonl")));
    }
  }

  @Test
  void aDryRunShowsThePlanAgainstTheBudgetWithoutCallingTheTeacher() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      Path config =
          config("dry", "  prices: {m: {input: 0.15, output: 0.6}}\nbudget: {max_requests: 30}\n");
      CliResult plan = run(config, server.baseUrl(), "--dry-run");
      assertEquals(0, plan.exitCode(), plan.err());
      assertTrue(plan.err().contains("dry run: nothing is sent"), plan.err());
      assertTrue(plan.err().matches("(?s).*generate\\s+40\\s+0\\s+40\\s.*"), plan.err());
      assertTrue(plan.err().contains("the budget stops the run"), plan.err());
      assertEquals(0, server.requests().size());
      assertFalse(Files.exists(dir.resolve("output/t")), "a dry run writes nothing");

      assertEquals(3, run(config, server.baseUrl()).exitCode());
      CliResult json = run(config, server.baseUrl(), "--dry-run", "--json");
      JsonNode generate = Json.MAPPER.readTree(json.out()).get("stages").get(0);
      assertEquals(40, generate.get("prompts").asInt());
      assertEquals(30, generate.get("in_journal").asInt());
      assertEquals(10, generate.get("to_send").asInt());
      assertTrue(generate.get("estimated_cost_usd").asDouble() > 0);
      assertTrue(
          generate.get("max_cost_usd").asDouble() >= generate.get("estimated_cost_usd").asDouble());
      assertEquals(30, Json.MAPPER.readTree(json.out()).at("/spent/requests").asInt());
    }
  }

  @Test
  void aDryRunEstimatesTheCostPerExportedQuestionPerStage() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      String prices = "  prices: {m: {input: 0.15, output: 0.6}}\n";
      Path one = config("one", prices + "label: {batch_size: 1, respond_batch_size: 1}\n", true);
      Path ten = config("ten", prices + "label: {batch_size: 10, respond_batch_size: 10}\n", true);
      CliResult text = run(ten, server.baseUrl(), "--dry-run");
      assertEquals(0, text.exitCode(), text.err());
      assertTrue(text.err().contains("cost per exported question"), text.err());
      assertTrue(text.err().matches("(?s).*\\n  judge .*\\n  respond .*\\n  total .*"), text.err());

      JsonNode batched =
          Json.MAPPER.readTree(run(ten, server.baseUrl(), "--dry-run", "--json").out());
      JsonNode single =
          Json.MAPPER.readTree(run(one, server.baseUrl(), "--dry-run", "--json").out());
      assertEquals(0, server.requests().size(), "a dry run sends nothing");
      long exported = 0;
      for (JsonNode cell : batched.get("cells")) {
        exported += Math.min(cell.get("target").asLong(), cell.get("questions").asLong());
      }
      JsonNode cost = batched.get("cost_per_question");
      assertEquals(exported, cost.get("exported").asLong());
      JsonNode generate = cost.at("/by_stage/generate");
      JsonNode stage = batched.get("stages").get(0);
      assertEquals(
          (double) stage.get("estimated_input_tokens").asLong() / exported,
          generate.get("input_tokens").asDouble(),
          0.1);
      for (String s : List.of("judge", "respond")) {
        JsonNode p = cost.at("/by_stage/" + s);
        assertTrue(p.get("input_tokens").asDouble() > 0, s);
        assertEquals(
            (p.get("input_tokens").asDouble() * 0.15 + p.get("output_tokens").asDouble() * 0.6)
                / 1e6,
            p.get("cost_usd").asDouble(),
            1e-6,
            s);
        // A batch shares its instructions among its questions: far fewer input tokens each.
        assertTrue(
            p.get("input_tokens").asDouble()
                < single.at("/cost_per_question/by_stage/" + s + "/input_tokens").asDouble() / 2,
            s);
      }
      assertEquals(
          generate.get("cost_usd").asDouble()
              + cost.at("/by_stage/judge/cost_usd").asDouble()
              + cost.at("/by_stage/respond/cost_usd").asDouble(),
          cost.at("/total/cost_usd").asDouble(),
          1e-6);
    }
  }

  @Test
  void batchModeEndsWithTheDatasetOfASyncRunAtHalfThePrice() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      String priced =
          "  prices: {m: {input: 0.15, output: 0.6}}\n  batch_poll_seconds: 0\n"
              + "label: {respond: false}\n"; // the judge alone is enough to show label batches
      Path syncOut = dir.resolve("sync");
      Path batchOut = dir.resolve("batch");
      CliResult sync = run(config("sync", priced, true, syncOut), server.baseUrl());
      assertEquals(0, sync.exitCode(), sync.err());
      int sent = server.requests().size();

      CliResult batch =
          run(config("batch", priced, true, batchOut), server.baseUrl(), "--mode", "batch");
      assertEquals(0, batch.exitCode(), batch.err());
      assertEquals(sent, server.requests().size(), "nothing went through chat completions");
      assertEquals(sent, server.batchRequests().size());
      assertEquals(
          3,
          server.batchesCreated(),
          "one batch for generate, one for label's judge, one for the questions its batched"
              + " replies left out, asked again alone");
      assertTrue(Files.exists(batchOut.resolve("t/batches-label.json")));
      assertEquals(files(syncOut.resolve("t/dataset")), files(batchOut.resolve("t/dataset")));
      assertTrue(Files.exists(batchOut.resolve("t/batches-generate.json")));
      assertEquals(
          runJson(syncOut.resolve("t")).at("/usage/cost_usd").asDouble() / 2,
          runJson(batchOut.resolve("t")).at("/usage/cost_usd").asDouble(),
          1e-5);
    }
  }

  @Test
  void aBadModeOrProviderFlagIsAUsageError() throws Exception {
    Path config = config("flags", "");
    CliResult mode = CliResult.run(ENV, "run", "--config", config.toString(), "--mode", "turbo");
    assertEquals(2, mode.exitCode(), mode.err());
    assertTrue(mode.err().contains("--mode: 'turbo' is not allowed; use one of sync, batch"));
    CliResult batch =
        CliResult.run(
            ENV, "run", "--config", config.toString(), "--provider", "ollama", "--mode", "batch");
    assertEquals(2, batch.exitCode(), batch.err());
    assertTrue(batch.err().contains("'batch' needs provider openai"), batch.err());
    CliResult provider =
        CliResult.run(ENV, "run", "--config", config.toString(), "--provider", "gemini");
    assertEquals(2, provider.exitCode(), provider.err());
    assertTrue(
        provider.err().contains("teacher.provider: 'gemini' is not allowed"), provider.err());
  }

  @Test
  void runJsonAccountsTokensAndCostPerStageAndModel() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      Path config = config("priced", "  prices: {m: {input: 0.15, output: 0.6}}\n", true);
      CliResult result = run(config, server.baseUrl());
      assertEquals(0, result.exitCode(), result.err());
      JsonNode usage = runJson(dir.resolve("output/t")).get("usage");
      JsonNode generate = usage.at("/by_stage/generate/m");
      JsonNode label = usage.at("/by_stage/label/m");
      assertEquals(40, generate.get("requests").asInt());
      assertEquals(40, generate.get("sent").asInt());
      assertTrue(label.get("requests").asInt() > 0, usage.toString());
      for (JsonNode m : List.of(generate, label)) {
        long in = m.get("input_tokens").asLong();
        long out = m.get("output_tokens").asLong();
        assertEquals((in * 0.15 + out * 0.6) / 1e6, m.get("cost_usd").asDouble(), 1e-6);
      }
      assertEquals(
          generate.get("cost_usd").asDouble() + label.get("cost_usd").asDouble(),
          usage.get("cost_usd").asDouble(),
          1e-5);
      assertEquals(server.requests().size(), usage.get("sent").asInt());
      assertEquals(
          generate.get("input_tokens").asLong() + label.get("input_tokens").asLong(),
          usage.get("input_tokens").asLong());
      assertTrue(result.err().isEmpty() || !result.err().contains("Exception"), result.err());
    }
  }

  @Test
  void theOllamaProviderRunsTheSameStages() throws Exception {
    QuestionBankResponder bank = new QuestionBankResponder();
    try (FakeOllamaServer server =
        FakeOllamaServer.start(body -> {
          // The bank reads OpenAI's fields; Ollama carries the seed among its options.
          var openAiShaped = body.deepCopy();
          ((com.fasterxml.jackson.databind.node.ObjectNode) openAiShaped)
              .put("seed", body.path("options").path("seed").asInt());
          try {
            String text = bank.respond(openAiShaped).body();
            return ScriptedChatServer.Answer.text(text.substring(1)); // past the fake's marker
          } catch (Exception e) {
            return ScriptedChatServer.Answer.status(500, FakeOllamaServer.error(e.toString()));
          }
        })) {
      Path config = config("ollama", "  provider: ollama\n");
      CliResult result =
          CliResult.run(
              Map.of(), "run", "--config", config.toString(), "--base-url", server.baseUrl());
      assertEquals(0, result.exitCode(), result.err());
      assertEquals(40, server.received().size());
      JsonNode usage = runJson(dir.resolve("output/t")).get("usage");
      assertTrue(usage.get("output_tokens").asLong() > 0);
      assertTrue(Files.exists(dir.resolve("output/t/dataset/detect/train.jsonl")));
    }
  }
}
