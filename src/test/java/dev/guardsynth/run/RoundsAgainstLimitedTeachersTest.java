package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.GuardsynthProcess;
import dev.guardsynth.testing.LimitedTeacher;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11: targets are exported questions per cell, and {@code run} generates in rounds until
 * every cell is filled or saturates, against teachers whose imagination is limited (see {@link
 * LimitedTeacher}): the demo's setup with targets of 30 per category × label, the Korean rule set
 * only and 10 questions per call.
 */
class RoundsAgainstLimitedTeachersTest {
  private static final Map<String, String> ENV = Map.of("K", "k");

  @TempDir Path dir;

  private Path config(String extra) throws Exception {
    return TestProject.writeConfig(
        dir,
        "name: t\n"
            + "rules: "
            + TestProject.rules("ko")
            + "\n"
            + "filters: "
            + TestProject.ROOT.resolve("rules/filters.yaml")
            + "\n"
            + "targets: {unsafe: 30, safe: 30, per_call: 10}\n"
            + "label: {judge: true, respond: true, on_disagree: reject}\n"
            + "teacher: {model: m, api_key_env: K, concurrency: 8, max_retries: 0}\n"
            + extra);
  }

  private static CliResult run(Path config, FakeOpenAiServer server) {
    return CliResult.run(ENV, "run", "--config", config.toString(), "--base-url", server.baseUrl());
  }

  /** A run whose judge never answers in a readable form exports nothing, and never exits 0. */
  @Test
  void aRunWhoseJudgeAnswersAreAllUnreadableExportsNothingAndExitsOne() throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "name: t\nrules: "
                + TestProject.rules("ko")
                + "\ntargets: {unsafe: 5, safe: 5, per_call: 5, min_fill: 0}\n"
                + "label: {judge: true, respond: true}\n"
                + "teacher: {model: m, api_key_env: K, max_retries: 0}\n");
    LimitedTeacher teacher = LimitedTeacher.perPrompt();
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(body ->
            body.at("/messages/0/content").asText().contains("{\"verdicts\":")
                ? FakeOpenAiServer.Reply.content("This one looks fine to me, honestly.")
                : teacher.respond(body))) {
      CliResult result = run(config, server);
      assertEquals(1, result.exitCode(), result.err());
      assertTrue(result.err().contains("exported nothing"), result.err());
    }
    Path run = dir.resolve("output/t");
    assertTrue(Files.readAllLines(run.resolve("labeled.jsonl")).isEmpty());
    assertTrue(Files.readString(run.resolve("label_rejected.jsonl")).contains("judge_unparseable"));
    assertTrue(Files.exists(run.resolve("dataset/manifest.json")), "the empty release, whole");
  }

  /**
   * Acceptance 5: a run killed (SIGKILL) at a random point of its rounds resumes without paying for
   * any request the journal answered, and ends where an uninterrupted run ends.
   */
  @Test
  void aRunKilledMidRoundResumesWithoutPayingForAnyAnsweredRequest() throws Exception {
    long seed = System.nanoTime();
    Path config = config("");
    Path run = dir.resolve("output/t");
    LimitedTeacher teacher = LimitedTeacher.perCell();
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(body -> teacher.respond(body).delayed(15))) {
      // Two rounds: 60 generation and ~480 label requests, then 120 generation requests.
      int killAfter = 20 + new Random(seed).nextInt(560);
      GuardsynthProcess child =
          GuardsynthProcess.start(
              dir.resolve("logs"),
              ENV,
              "run",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl());
      Path journal = run.resolve("responses.jsonl");
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (System.nanoTime() < deadline
          && GuardsynthProcess.completeLines(journal) < killAfter
          && child.isAlive()) {
        Thread.sleep(5);
      }
      if (child.isAlive()) {
        child.signal("KILL");
      }
      child.waitFor(30);

      Set<String> journalled = new HashSet<>();
      try (Journal j = Journal.open(journal)) { // drops a line the kill cut short
        for (String line : Files.readAllLines(journal)) {
          journalled.add(Json.MAPPER.readTree(line).get("key").asText());
        }
      }
      int before = server.requests().size();
      CliResult resumed = run(config, server);
      assertEquals(1, resumed.exitCode(), "seed " + seed + ": " + resumed.err());
      List<String> resent = new ArrayList<>();
      server
          .requests()
          .subList(before, server.requests().size())
          .forEach(b -> resent.add(FakeOpenAiServer.journalKey(b)));
      assertEquals(
          List.of(),
          resent.stream().filter(journalled::contains).toList(),
          "seed " + seed + ", killed after " + killAfter + ": answered requests were paid again");
      assertEquals(new HashSet<>(resent).size(), resent.size(), "each sent once");
      JsonNode runJson = Json.MAPPER.readTree(run.resolve("run.json").toFile());
      for (JsonNode cell : runJson.get("cells")) {
        assertEquals(12, cell.get("exported").asInt(), "seed " + seed + ": " + cell);
      }
      assertEquals(240, Files.readAllLines(run.resolve("labeled.jsonl")).size());
    }
  }

  /** Generation prompts per cell over every round: one request each. */
  private static Map<String, Integer> promptsPerCell(Path run) throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    for (String line : Files.readAllLines(run.resolve("prompts.jsonl"))) {
      JsonNode p = Json.MAPPER.readTree(line);
      out.merge(
          p.get("category").asText()
              + "/"
              + p.get("label").asText()
              + "/"
              + p.get("language").asText(),
          1,
          Integer::sum);
    }
    return out;
  }

  /** Acceptance 1: 12 questions per distinct prompt at most, numbers ignored. */
  @Test
  void aTeacherThatGivesTwelvePerDistinctPromptFillsEveryCellAndExitsZero() throws Exception {
    Path config = config("");
    Path run = dir.resolve("output/t");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perPrompt())) {
      CliResult result = run(config, server);
      assertEquals(0, result.exitCode(), result.err());
    }
    JsonNode runJson = Json.MAPPER.readTree(run.resolve("run.json").toFile());
    assertTrue(runJson.get("targets_met").asBoolean());
    assertEquals(20, runJson.get("cells").size());
    for (JsonNode cell : runJson.get("cells")) {
      assertTrue(cell.get("exported").asInt() >= 29, "95% of 30: " + cell);
      assertTrue(cell.get("exported").asInt() <= 30, "never beyond the target: " + cell);
    }
    Map<String, Integer> exported = new TreeMap<>();
    for (String line : Files.readAllLines(run.resolve("labeled.jsonl"))) {
      JsonNode q = Json.MAPPER.readTree(line);
      exported.merge(q.get("category").asText() + "/" + q.get("label").asText(), 1, Integer::sum);
    }
    exported.forEach((cell, n) -> assertTrue(n >= 29 && n <= 30, cell + ": " + n));
    CliResult stats = CliResult.run("stats", run.toString());
    assertEquals(0, stats.exitCode(), stats.out());
  }

  /** Acceptance 2: 12 questions per cell at most, whatever is asked. */
  @Test
  void aTeacherThatCanGiveOnlyTwelvePerCellStopsByItselfExitsOneAndNamesTheShortCells()
      throws Exception {
    Path config = config("");
    Path run = dir.resolve("output/t");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perCell())) {
      CliResult result = run(config, server);
      assertEquals(1, result.exitCode(), result.err());
      assertTrue(result.err().contains("20 cell(s) short of targets.min_fill 1.0"), result.err());
      assertTrue(
          result.err().contains("crime_advice/unsafe/ko: 12 of 30, saturated"), result.err());
      Map<String, Integer> prompts = promptsPerCell(run);
      assertEquals(20, prompts.size());
      prompts.forEach((cell, n) -> assertTrue(n <= 18, cell + " got " + n + " prompts"));

      JsonNode runJson = Json.MAPPER.readTree(run.resolve("run.json").toFile());
      assertEquals(false, runJson.get("targets_met").asBoolean());
      for (JsonNode cell : runJson.get("cells")) {
        assertEquals(12, cell.get("exported").asInt(), cell.toString());
        assertEquals("saturated", cell.get("status").asText(), cell.toString());
      }
      // The dataset of what it got is there, whole.
      assertEquals(240, Files.readAllLines(run.resolve("labeled.jsonl")).size());
      assertTrue(Files.exists(run.resolve("dataset/manifest.json")));
      CliResult stats = CliResult.run("stats", run.toString());
      assertEquals(0, stats.exitCode(), stats.out());

      int sent = server.requests().size();
      CliResult again = run(config, server);
      assertEquals(1, again.exitCode(), again.err());
      assertEquals(sent, server.requests().size(), "a re-run pays for nothing");
    }
  }
}
