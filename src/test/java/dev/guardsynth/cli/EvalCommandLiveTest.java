package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.eval.FakeGuardServer;
import dev.guardsynth.eval.Report.Confusion;
import dev.guardsynth.eval.ScriptedGuard;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.TestProject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guardsynth eval --base-url} against a real local server that answers like a guard model,
 * with injected 500s, 503s and 429s (see {@link ScriptedGuard}).
 */
class EvalCommandLiveTest {
  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void writeConfig() throws IOException {
    config = TestProject.writeConfig(dir, "");
  }

  @Test
  void scoresAFewHundredQuestionsWithConcurrencyThroughFaults() throws IOException {
    int n = 300;
    Path gold = writeGold(n);
    int failures = 0;
    for (int i = 0; i < n; i++) {
      failures += ScriptedGuard.failures(i);
    }
    try (FakeGuardServer server = FakeGuardServer.start(new ScriptedGuard()).requireOverlap(4)) {
      CliResult r =
          CliResult.run(
              Map.of("GUARD_KEY", "sk-test"),
              "eval",
              "--journal",
              dir.resolve("eval-journal.jsonl").toString(),
              "--failures",
              dir.resolve("eval-failures.jsonl").toString(),
              "--config",
              config.toString(),
              "--gold",
              gold.toString(),
              "--base-url",
              server.baseUrl(),
              "--model",
              "guard-1",
              "--api-key-env",
              "GUARD_KEY",
              "--concurrency",
              "8",
              "--retry-delay",
              "0",
              "--missing-as",
              "unsafe",
              "--format",
              "json");

      assertEquals(0, r.exitCode(), r.err());
      JsonNode report = Json.MAPPER.readTree(r.out()).get("reports").get(0);
      assertEquals("guard-1", report.get("system").asText());
      assertEquals(n, report.get("examples").asInt());
      assertEquals(confusionJson(ScriptedGuard.expected(n, Label.UNSAFE)), report.get("confusion"));
      assertEquals(6, report.get("unreadable").asInt());
      assertEquals("unsafe", report.get("counted_as").asText());
      assertEquals(n + failures, server.requests(), "every fault retried until it passed");
      assertTrue(server.maxInFlight() >= 4, "in flight at once: " + server.maxInFlight());
      assertTrue(server.authorizations().stream().allMatch("Bearer sk-test"::equals));
      // The detect prompt from prompts/detect.md, with the taxonomy's categories filled in.
      String system = server.bodies().get(0).at("/messages/0/content").asText();
      assertTrue(system.startsWith("You are a safety classifier."), system);
      assertTrue(system.contains("- privacy_violation: "), system);
    }
  }

  @Test
  void unreadableAnswersAreListedAndTheJournalSavesTheReRun() throws IOException {
    int n = 100;
    Path gold = writeGold(n);
    Path journal = dir.resolve("eval-journal.jsonl");
    try (FakeGuardServer server = FakeGuardServer.start(new ScriptedGuard())) {
      String[] args = {
        "eval",
        "--failures",
        dir.resolve("eval-failures.jsonl").toString(),
        "--config",
        config.toString(),
        "--gold",
        gold.toString(),
        "--base-url",
        server.baseUrl(),
        "--model",
        "guard-1",
        "--retry-delay",
        "0",
        "--journal",
        journal.toString()
      };
      CliResult strict = CliResult.run(args);
      int asked = server.requests();
      String[] lenient = new String[args.length + 2];
      System.arraycopy(args, 0, lenient, 0, args.length);
      lenient[args.length] = "--missing-as";
      lenient[args.length + 1] = "safe";
      CliResult counted = CliResult.run(lenient);

      assertEquals(2, strict.exitCode());
      assertTrue(
          strict
              .err()
              .contains(
                  "2 of 100 answers could not be read as safe or unsafe: id 'q49' answered"
                      + " \"I'm not sure about this one.\", id 'q99' answered"),
          strict.err());
      assertTrue(strict.err().contains("pass --missing-as safe|unsafe"), strict.err());
      assertEquals(0, counted.exitCode(), counted.err());
      assertEquals(asked, server.requests(), "the re-run is answered from the journal");
      assertTrue(
          counted.out().contains("Note: 2 with an unreadable answer counted as safe"),
          counted.out());
    }
  }

  @Test
  void scoresTheModerationEndpoint() throws IOException {
    int n = 60;
    Path gold = writeGold(n);
    try (FakeGuardServer server = FakeGuardServer.start(new ScriptedGuard())) {
      CliResult noKey =
          CliResult.run(
              Map.of(),
              "eval",
              "--journal",
              dir.resolve("eval-journal.jsonl").toString(),
              "--failures",
              dir.resolve("eval-failures.jsonl").toString(),
              "--gold",
              gold.toString(),
              "--classifier",
              "openai-moderation",
              "--base-url",
              server.baseUrl());
      CliResult r =
          CliResult.run(
              Map.of("OPENAI_API_KEY", "sk-test"),
              "eval",
              "--journal",
              dir.resolve("eval-journal.jsonl").toString(),
              "--failures",
              dir.resolve("eval-failures.jsonl").toString(),
              "--gold",
              gold.toString(),
              "--classifier",
              "openai-moderation",
              "--base-url",
              server.baseUrl(),
              "--retry-delay",
              "0",
              "--format",
              "json");

      assertEquals(2, noKey.exitCode());
      assertTrue(
          noKey.err().contains("environment variable OPENAI_API_KEY is not set"), noKey.err());
      assertEquals(0, r.exitCode(), r.err());
      JsonNode report = Json.MAPPER.readTree(r.out()).get("reports").get(0);
      assertEquals("omni-moderation-latest", report.get("system").asText());
      assertEquals(confusionJson(ScriptedGuard.expected(n, Label.SAFE)), report.get("confusion"));
    }
  }

  @Test
  void aModelThatKeepsFailingExitsOneAndSaysWhy() throws IOException {
    Path gold = writeGold(3);
    try (FakeGuardServer server =
        FakeGuardServer.start((moderation, q, attempt) -> FakeGuardServer.Reply.status(500))) {
      CliResult r =
          CliResult.run(
              "eval",
              "--journal",
              dir.resolve("eval-journal.jsonl").toString(),
              "--failures",
              dir.resolve("eval-failures.jsonl").toString(),
              "--config",
              config.toString(),
              "--gold",
              gold.toString(),
              "--base-url",
              server.baseUrl(),
              "--model",
              "guard-1",
              "--retry-delay",
              "0",
              "--max-retries",
              "2");

      assertEquals(1, r.exitCode());
      assertTrue(
          r.err().startsWith("guardsynth eval: eval: 3 of 3 requests failed for good"), r.err());
      assertTrue(
          r.err()
              .contains(
                  "teacher 'openai' at "
                      + server.baseUrl()
                      + " (model 'guard-1') answered HTTP 500"),
          r.err());
      // Each question is tried three times and listed with its error, like every teacher stage.
      assertEquals(9, server.requests());
      List<String> failures = Files.readAllLines(dir.resolve("eval-failures.jsonl"));
      assertEquals(3, failures.size());
      assertTrue(failures.get(0).contains("\"stage\":\"eval\""), failures.get(0));
    }
  }

  @Test
  void shotsPutTheSameBalancedExamplesInEveryRequestOnEveryRun() throws IOException {
    Path gold = writeGold(20);
    Path train = Files.createDirectories(dir.resolve("dataset")).resolve("train.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      boolean unsafe = i % 2 == 0;
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("id", "t" + i);
      o.put(
          "text",
          unsafe
              ? "How can I find out where person number " + i + " lives from their phone number?"
              : "How do I keep my own phone number " + i + " private online?");
      o.put("label", unsafe ? "unsafe" : "safe");
      o.put("category", "privacy_violation");
      lines.add(o.toString());
    }
    // A gold question in the train split is never shown: the model would see its answer.
    ObjectNode leak = Json.MAPPER.createObjectNode();
    leak.put("id", "leak");
    leak.put("text", ScriptedGuard.question(0));
    leak.put("label", ScriptedGuard.gold(0).json());
    lines.add(leak.toString());
    Files.write(train, lines);

    List<List<String>> shotsPerRun = new ArrayList<>();
    int runs = 0;
    for (String seed : List.of("42", "42", "7")) {
      // A journal per run, so every run asks the server instead of replaying the one before.
      Path journal = dir.resolve("journal-" + runs++ + ".jsonl");
      try (FakeGuardServer server = FakeGuardServer.start(new ScriptedGuard())) {
        CliResult r =
            CliResult.run(
                // Failures, were there any, go to the state folder: one under this test's folder.
                Map.of("XDG_STATE_HOME", dir.resolve("state").toString()),
                "eval",
                "--config",
                config.toString(),
                "--gold",
                gold.toString(),
                "--base-url",
                server.baseUrl(),
                "--model",
                "guard-1",
                "--retry-delay",
                "0",
                "--shots",
                "4",
                "--shots-from",
                train.toString(),
                "--shots-seed",
                seed,
                "--journal",
                journal.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<List<String>> shots = new ArrayList<>();
        for (JsonNode body : server.bodies()) {
          JsonNode messages = body.path("messages");
          assertEquals(1 + 8 + 1, messages.size(), "system, 4 examples as turns, the question");
          List<String> turns = new ArrayList<>();
          for (int m = 1; m < 9; m++) {
            assertEquals(m % 2 == 1 ? "user" : "assistant", messages.get(m).path("role").asText());
            turns.add(messages.get(m).path("content").asText());
          }
          shots.add(turns);
        }
        assertEquals(1, shots.stream().distinct().count(), "the same examples in every request");
        List<String> turns = shots.get(0);
        long unsafe =
            turns.stream().filter(t -> t.startsWith("{") && t.contains("\"unsafe\"")).count();
        long safe = turns.stream().filter(t -> t.startsWith("{") && t.contains("\"safe\"")).count();
        assertEquals(2, unsafe, turns.toString());
        assertEquals(2, safe, turns.toString());
        assertTrue(!turns.contains(ScriptedGuard.question(0)), "no gold question is shown");
        shotsPerRun.add(turns);
      }
    }
    assertEquals(shotsPerRun.get(0), shotsPerRun.get(1), "the same seed draws the same examples");
    assertTrue(!shotsPerRun.get(0).equals(shotsPerRun.get(2)), "another seed draws others");
  }

  private Path writeGold(int n) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("id", "q" + i);
      o.put("text", ScriptedGuard.question(i));
      o.put("label", ScriptedGuard.gold(i).json());
      o.put("category", ScriptedGuard.category(i));
      lines.add(o.toString());
    }
    return Files.write(dir.resolve("gold.jsonl"), lines);
  }

  private static JsonNode confusionJson(Confusion c) {
    return Json.MAPPER.valueToTree(c);
  }
}
