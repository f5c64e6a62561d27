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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A question that returns in a later round, written with other spacing, is an exact repeat: it
 * reaches the run folder's files once, and {@code stats} reads the folder the tool wrote (#17: it
 * used to exit 2 with "id … is also on line 3 with a different text").
 */
class RepeatedQuestionsAcrossRoundsTest {
  @TempDir Path dir;

  @Test
  void aQuestionReturningWithOtherSpacingInALaterRoundReachesTheRootFilesOnceAndStatsAddsUp()
      throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "name: t\nrules: "
                + TestProject.rules("ko")
                + "\ntargets: {unsafe: 12, safe: 12, per_call: 4, max_rounds: 3}\n"
                + "label: {judge: true, respond: true}\n"
                + "teacher: {model: m, api_key_env: K, max_retries: 0, concurrency: 4}\n");
    Path out = dir.resolve("output/t");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perCellRespaced())) {
      CliResult run =
          CliResult.run(
              Map.of("K", "k"),
              "run",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl());
      assertTrue(run.exitCode() == 0 || run.exitCode() == 1, run.err());
    }
    JsonNode log = Json.MAPPER.readTree(out.resolve("run.json").toFile());
    assertTrue(log.get("rounds_run").asInt() >= 2, "the setup needs a second round");
    long laterRepeats = 0;
    for (JsonNode r : log.get("rounds")) {
      if (r.get("round").asInt() >= 2) {
        laterRepeats += r.at("/stages/generate/counts/exact_duplicates").asLong();
      }
    }
    assertTrue(
        laterRepeats > 0, "later rounds met questions of earlier ones: " + log.get("rounds"));

    for (String file : List.of("candidates.jsonl", "unique.jsonl", "kept.jsonl", "labeled.jsonl")) {
      Set<String> ids = new HashSet<>();
      for (String line : Files.readAllLines(out.resolve(file))) {
        String id = Json.MAPPER.readTree(line).path("id").asText();
        assertTrue(ids.add(id), file + " holds " + id + " twice");
      }
    }
    CliResult stats = CliResult.run("stats", out.toString());
    assertEquals(0, stats.exitCode(), stats.err() + stats.out());
    assertTrue(
        stats.out().contains("every stage adds up; every dropped question has exactly one reason"),
        stats.out());
  }
}
