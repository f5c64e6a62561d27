package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.GuardsynthProcess;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.TestProject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6: a run killed (SIGKILL) or interrupted (SIGINT) in a real child process resumes without
 * sending any request whose reply the journal already held, as the server's request log shows; and
 * no API key ever reaches a file, a log line or a message.
 */
class ResumeAfterKillTest {
  private static final String KEY_VAR = "GS_TEST_KEY";
  private static final int PROMPTS = 120; // 10 categories × 2 labels × 3 calls × 2 languages

  @TempDir Path dir;

  private Path config() throws Exception {
    return config("{unsafe: 9, safe: 9, per_call: 3, max_rounds: 1, min_fill: 0}");
  }

  private Path config(String targets) throws Exception {
    return TestProject.writeConfig(
        dir,
        "name: t\n"
            + "rules: "
            + TestProject.rules("ko", "en")
            + "\n"
            + "targets: "
            + targets
            + "\n"
            + "teacher:\n"
            + "  model: m\n"
            + "  api_key_env: "
            + KEY_VAR
            + "\n"
            + "  concurrency: 4\n"
            // Only generate asks the teacher here, so the server's log counts prompts.
            + "label: {judge: false, respond: false}\n");
  }

  /** The bank of questions, answered slowly enough that a run can be stopped halfway. */
  private static FakeOpenAiServer slowServer(String key) throws Exception {
    QuestionBankResponder bank = new QuestionBankResponder();
    return FakeOpenAiServer.start(body -> bank.respond(body).delayed(20)).requireKey(key);
  }

  private static Set<String> journalKeys(Path journal) throws Exception {
    Set<String> keys = new HashSet<>();
    try (Journal j = Journal.open(journal)) { // also drops a line the kill cut short
      for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
        keys.add(Json.MAPPER.readTree(line).get("key").asText());
      }
      assertEquals(j.size(), keys.size());
    }
    return keys;
  }

  private static void awaitJournal(Path journal, int lines, GuardsynthProcess child)
      throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (GuardsynthProcess.completeLines(journal) >= lines) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the journal never reached " + lines + " lines; " + child.err());
  }

  /** Resumes in-process and checks the server saw no journalled request again. */
  private void resumeAndCheckNothingRepeats(
      FakeOpenAiServer server, Map<String, String> env, Path config, Set<String> journalled) {
    int before = server.requests().size();
    CliResult resumed =
        CliResult.run(env, "run", "--config", config.toString(), "--base-url", server.baseUrl());
    assertEquals(0, resumed.exitCode(), resumed.err());
    List<String> resent =
        server.requests().subList(before, server.requests().size()).stream()
            .map(FakeOpenAiServer::journalKey)
            .toList();
    assertEquals(
        List.of(),
        resent.stream().filter(journalled::contains).toList(),
        "requests the journal answered were sent again");
    assertEquals(PROMPTS - journalled.size(), resent.size(), "each missing reply sent once");
    assertEquals(resent.size(), new HashSet<>(resent).size());
  }

  @Test
  void aRunKilledAtARandomPointResumesWithoutResendingAnyJournalledRequest() throws Exception {
    String key = "sk-kill-test-key";
    Map<String, String> env = Map.of(KEY_VAR, key);
    long seed = System.nanoTime();
    int killAfter = 10 + new Random(seed).nextInt(80);
    try (FakeOpenAiServer server = slowServer(key)) {
      Path config = config();
      Path journal = dir.resolve("output/t/responses.jsonl");
      GuardsynthProcess child =
          GuardsynthProcess.start(
              dir.resolve("logs"),
              env,
              "run",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl());
      awaitJournal(journal, killAfter, child);
      child.signal("KILL");
      assertEquals(137, child.waitFor(30), "killed by SIGKILL (seed " + seed + ")");

      Set<String> journalled = journalKeys(journal);
      assertTrue(journalled.size() >= killAfter && journalled.size() < PROMPTS, "seed " + seed);
      resumeAndCheckNothingRepeats(server, env, config, journalled);
    }
  }

  @Test
  void ctrlCExitsThreeSaysHowToResumeAndTheResumeRepeatsNothing() throws Exception {
    String key = "sk-sigint-test-key";
    Map<String, String> env = Map.of(KEY_VAR, key);
    try (FakeOpenAiServer server = slowServer(key)) {
      Path config = config();
      Path run = dir.resolve("output/t");
      GuardsynthProcess child =
          GuardsynthProcess.start(
              dir.resolve("logs"),
              env,
              "run",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl());
      awaitJournal(run.resolve("responses.jsonl"), 30, child);
      String signal = child.interrupt();
      int code = child.waitFor(60);
      assertEquals(3, code, "after SIG" + signal + ": " + child.err());
      assertTrue(child.err().contains("stopped: interrupted"), child.err());
      assertTrue(
          child.err().contains("resume with: guardsynth run --config " + config), child.err());
      assertTrue(child.err().contains("--run-name t"), child.err());
      JsonNode runJson = Json.MAPPER.readTree(run.resolve("run.json").toFile());
      assertEquals("stopped", runJson.get("status").asText());
      assertEquals("stopped", runJson.at("/stages/generate/status").asText());

      Set<String> journalled = journalKeys(run.resolve("responses.jsonl"));
      assertTrue(journalled.size() < PROMPTS, "stopped before the end");
      // Every request sent before the stop was answered and journalled: none was lost in flight.
      assertEquals(journalled.size(), server.requests().size());
      resumeAndCheckNothingRepeats(server, env, config, journalled);
    }
  }

  @Test
  void noApiKeyReachesAnyFileLogOrMessage() throws Exception {
    String key = "sk-live-DISTINCTIVE-9f8e7d6c5b4a";
    Map<String, String> env = Map.of(KEY_VAR, key);
    Path config = config("{unsafe: 2, safe: 2, per_call: 2, max_rounds: 1, min_fill: 0}");
    List<String> printed = new ArrayList<>();
    try (FakeOpenAiServer accepting =
            FakeOpenAiServer.start(new QuestionBankResponder()).requireKey(key);
        FakeOpenAiServer rejecting =
            FakeOpenAiServer.start(new QuestionBankResponder()).requireKey("some-other-key")) {
      GuardsynthProcess ok =
          GuardsynthProcess.start(
              dir.resolve("logs"),
              env,
              "run",
              "-v",
              "--config",
              config.toString(),
              "--base-url",
              accepting.baseUrl(),
              "--json");
      assertEquals(0, ok.waitFor(120), ok.err());
      printed.add(ok.out());
      printed.add(ok.err());

      GuardsynthProcess rejected =
          GuardsynthProcess.start(
              dir.resolve("logs"),
              env,
              "run",
              "-v",
              "-x",
              "--config",
              config.toString(),
              "--base-url",
              rejecting.baseUrl(),
              "--run-name",
              "rejected");
      assertEquals(1, rejected.waitFor(120), rejected.err());
      assertTrue(rejected.err().contains("HTTP 401"), rejected.err());
      printed.add(rejected.out());
      printed.add(rejected.err());
    }
    for (String text : printed) {
      assertFalse(text.contains("DISTINCTIVE-9f8e7d6c5b4a"), "printed the key: " + text);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.size() > 5, "the runs wrote their files: " + files);
    for (Path file : files) {
      String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertFalse(content.contains("DISTINCTIVE-9f8e7d6c5b4a"), "the key is in " + file);
    }
  }
}
