package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Source;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan --existing} plans the next round by hand; {@code taxonomy --json} shows subtopics.
 */
class PlanExistingCommandTest {
  @TempDir Path dir;

  private static Labeled question(String text, Label label, String category, int prompt) {
    Map<String, String> axes =
        Map.of(
            "subtopic",
            "theft",
            "persona",
            "teenager",
            "style",
            "direct",
            "length",
            "short",
            "adversarial",
            "none");
    Source source = new Source("prompt" + prompt, "m", 0, axes, 1);
    return Labeled.of(Candidate.of(text, label, category, "legal", "ko", source), null, null);
  }

  @Test
  void existingQuestionsLeaveOnlyEachCellsDeficitAsTheNextRound() throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "rules: "
                + TestProject.rules("ko")
                + "\ntargets: {unsafe: 10, safe: 10, per_call: 5}\n");
    List<Labeled> existing = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      existing.add(
          question(
              "가게에서 물건을 몰래 가져가는 방법 " + (char) ('가' + i) + "?", Label.UNSAFE, "crime_advice", 1));
    }
    for (int i = 0; i < 12; i++) {
      existing.add(
          question(
              "내 정보가 유출됐는지 확인하는 방법 " + (char) ('가' + i) + "?", Label.SAFE, "privacy_violation", 2));
    }
    Path labeled = dir.resolve("labeled.jsonl");
    try (JsonlWriter out = JsonlWriter.create(labeled)) {
      existing.forEach(out::write);
      out.commit();
    }
    Path prompts = dir.resolve("round2.jsonl");
    CliResult result =
        CliResult.run(
            "plan",
            "--config",
            config.toString(),
            "--existing",
            labeled.toString(),
            "-o",
            prompts.toString());
    assertEquals(0, result.exitCode(), result.err());
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(prompts)) {
      lines.add(Json.MAPPER.readTree(line));
    }
    // 20 cells of 10: crime_advice/unsafe lacks 3 (one call), privacy_violation/safe lacks
    // nothing, the other 18 lack all 10 (two calls each).
    assertEquals(1 + 18 * 2, lines.size());
    List<JsonNode> crime =
        lines.stream()
            .filter(p -> p.get("category").asText().equals("crime_advice"))
            .filter(p -> p.get("label").asText().equals("unsafe"))
            .toList();
    assertEquals(1, crime.size());
    JsonNode next = crime.get(0);
    assertEquals(3, next.get("count").asInt());
    assertEquals(2, next.get("round").asInt());
    String user = next.at("/messages/1/content").asText();
    assertTrue(user.contains("- 가게에서 물건을 몰래 가져가는 방법 "), user); // existing ones as examples
    assertFalse(
        next.get("axes").equals(Json.MAPPER.valueToTree(existing.get(0).source().axes())),
        "the existing prompt's values are not drawn again");
    assertTrue(
        lines.stream()
            .noneMatch(p ->
                p.get("category").asText().equals("privacy_violation")
                    && p.get("label").asText().equals("safe")));
  }

  @Test
  void taxonomyJsonShowsSubtopics() throws Exception {
    CliResult result =
        CliResult.run(
            "taxonomy",
            "--file",
            TestProject.ROOT.resolve("rules/taxonomy.yaml").toString(),
            "--json");
    assertEquals(0, result.exitCode(), result.err());
    JsonNode crime = Json.MAPPER.readTree(result.out()).at("/categories/0");
    assertEquals("crime_advice", crime.get("id").asText());
    assertEquals("account_hacking", crime.at("/subtopics/0/id").asText());
    assertEquals("계정 해킹", crime.at("/subtopics/0/names/ko").asText());
  }
}
