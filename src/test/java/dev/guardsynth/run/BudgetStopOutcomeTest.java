package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.LimitedTeacher;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11 point 5: a budget stop is an outcome. The run exports what its completed rounds kept,
 * names the short cells with reason {@code budget}, exits 3, and a re-run with a higher budget
 * continues from the journal without paying for any request twice.
 */
class BudgetStopOutcomeTest {
  private static final Map<String, String> ENV = Map.of("K", "k");

  @TempDir Path dir;

  private Path config(String name, String budget) throws Exception {
    Path sub = Files.createDirectories(dir.resolve(name));
    return TestProject.writeConfig(
        sub,
        "name: t\nrules: "
            + TestProject.rules("ko")
            + "\ntargets: {unsafe: 12, safe: 12, per_call: 4, max_rounds: 3}\n"
            + "label: {judge: true, respond: true}\n"
            + "teacher: {model: m, api_key_env: K, max_retries: 0, concurrency: 4}\n"
            + budget);
  }

  private static CliResult run(Path config, FakeOpenAiServer server) {
    return CliResult.run(ENV, "run", "--config", config.toString(), "--base-url", server.baseUrl());
  }

  private static JsonNode runJson(Path config) throws Exception {
    return Json.MAPPER.readTree(config.getParent().resolve("output/t/run.json").toFile());
  }

  @Test
  void aBudgetThatPaysForRoundOneOnlyExportsRoundOneAndExitsThreeThenResumes() throws Exception {
    // Unlimited, to learn what round 1 costs and what the whole run costs.
    Path free = config("free", "");
    int total;
    int roundOne;
    int freeExit;
    int secondGenerate = 0;
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perCell())) {
      freeExit = run(free, server).exitCode();
      total = server.requests().size();
      JsonNode first = null;
      for (JsonNode r : runJson(free).get("rounds")) {
        first = r.get("round").asInt() == 1 ? r.get("stages") : first;
        if (r.get("round").asInt() == 2) {
          secondGenerate = r.at("/stages/generate/counts/requests").asInt();
        }
      }
      roundOne =
          first.at("/generate/counts/requests").asInt()
              + first.at("/label/counts/requests").asInt();
      assertTrue(runJson(free).get("rounds_run").asInt() >= 2, "the setup needs a second round");
    }

    Path capped = config("capped", "budget: {max_requests: " + (roundOne + 1) + "}\n");
    Path out = capped.getParent().resolve("output/t");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perCell())) {
      CliResult stopped = run(capped, server);
      assertEquals(3, stopped.exitCode(), stopped.err());
      assertEquals(roundOne, server.requests().size(), "round 2 was not started");
      assertTrue(stopped.err().contains("the budget left cannot pay for round 2"), stopped.err());
      assertTrue(stopped.err().contains("the budget stopped the run"), stopped.err());
      JsonNode log = runJson(capped);
      assertEquals("stopped", log.get("status").asText());
      assertEquals(1, log.get("rounds_run").asInt());
      assertTrue(log.get("short_cells").size() > 0);
      log.get("short_cells")
          .forEach(c -> {
            assertEquals("budget", c.get("reason").asText(), c.toString());
            assertTrue(stopped.err().contains(c.get("cell").asText()), c.toString());
          });
      int exported = log.get("exported").asInt();
      assertTrue(exported > 0);
      assertEquals(exported, Files.readAllLines(out.resolve("labeled.jsonl")).size());
      assertTrue(Files.exists(out.resolve("dataset/manifest.json")), "the dataset of round 1");
      assertEquals(
          exported,
          Json.MAPPER
              .readTree(out.resolve("dataset/stats.json").toFile())
              .path("questions")
              .asInt(exported));
      CliResult stats = CliResult.run("stats", out.toString());
      assertTrue(stats.out().contains("budget"), stats.out());

      // The budget raised: the run goes on from the journal and ends where the free run ended.
      Files.writeString(
          capped,
          Files.readString(capped)
              .replace("max_requests: " + (roundOne + 1), "max_requests: 100000"));
      CliResult resumed = run(capped, server);
      assertEquals(freeExit, resumed.exitCode(), resumed.err());
      assertEquals(total, server.requests().size(), "no request paid twice");
      assertEquals(runJson(free).get("exported"), runJson(capped).get("exported"));
    }

    // Enough for round 2's generate requests, not for its label stage at most: the check before
    // the round covers the whole round (issue #20), so round 2 is not started, and the dataset is
    // round 1's all the same.
    Path middle =
        config("middle", "budget: {max_requests: " + (roundOne + secondGenerate + 1) + "}\n");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perCell())) {
      CliResult stopped = run(middle, server);
      assertEquals(3, stopped.exitCode(), stopped.err());
      assertTrue(stopped.err().contains("the budget left cannot pay for round 2"), stopped.err());
      assertTrue(stopped.err().contains("label at most"), stopped.err());
      assertEquals(roundOne, server.requests().size(), "nothing of round 2 was paid for");
      JsonNode log = runJson(middle);
      assertEquals(1, log.get("rounds_run").asInt());
      assertEquals(
          runJson(capped).path("rounds").get(0).path("cells"),
          log.path("rounds").get(0).path("cells"));
      assertTrue(Files.exists(middle.getParent().resolve("output/t/dataset/manifest.json")));
      log.get("short_cells").forEach(c -> assertEquals("budget", c.get("reason").asText()));
    }
  }
}
