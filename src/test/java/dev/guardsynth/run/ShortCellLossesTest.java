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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell short because a later stage drops what generation brought is short for that stage's
 * reasons, never "saturated" (#18: against a teacher writing every safeguard response in English,
 * the demo's Korean cells exported 0 and were called saturated).
 */
class ShortCellLossesTest {
  @TempDir Path dir;

  /** The demo config, live, with its files resolved from the checkout and its output in dir. */
  private Path demoConfig() throws Exception {
    Path demo = TestProject.ROOT.resolve("examples/demo");
    String yaml =
        Files.readString(demo.resolve("guardsynth.yaml"))
            .replace("../../", TestProject.ROOT + "/")
            .replace("output: " + TestProject.ROOT + "/output", "output: " + dir.resolve("output"));
    Path config = dir.resolve("guardsynth.yaml");
    Files.writeString(config, yaml);
    return config;
  }

  @Test
  void koreanCellsWhoseResponsesComeBackInEnglishAreShortForThatReasonAndNeverSaturated()
      throws Exception {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(LimitedTeacher.perPrompt().withEnglishResponses())) {
      CliResult run =
          CliResult.run(
              Map.of("DEMO_TEACHER_KEY", "k"),
              "run",
              "--config",
              demoConfig().toString(),
              "--base-url",
              server.baseUrl());
      assertEquals(1, run.exitCode(), run.err());

      JsonNode log = Json.MAPPER.readTree(dir.resolve("output/demo/run.json").toFile());
      int koreanShort = 0;
      for (JsonNode c : log.get("short_cells")) {
        String cell = c.get("cell").asText();
        assertTrue(!c.get("reason").asText().equals("saturated"), c.toString());
        if (cell.endsWith("/ko")) {
          koreanShort++;
          assertTrue(
              c.at("/losses/label/response_wrong_language").asLong() > 0,
              "label's reason is named: " + c);
          assertTrue(run.err().contains(cell + ": "), run.err());
        }
      }
      assertEquals(20, koreanShort, "every Korean cell is short: " + log.get("short_cells"));
      assertTrue(run.err().contains("label: response_wrong_language"), run.err());

      // Each question's response was asked at most once in a batch and respond_retries (2) times
      // alone.
      Map<String, Integer> asked = new HashMap<>();
      for (JsonNode request : server.requests()) {
        JsonNode messages = request.path("messages");
        String system = messages.get(0).path("content").asText();
        String user = messages.get(messages.size() - 1).path("content").asText();
        if (!system.startsWith("You write the replies") || !user.startsWith("[")) {
          continue;
        }
        for (JsonNode item : Json.MAPPER.readTree(user)) {
          asked.merge(item.path("question").asText(), 1, Integer::sum);
        }
      }
      assertTrue(!asked.isEmpty(), "the respond requests were found");
      asked.forEach((q, n) -> assertTrue(n <= 3, q + " was asked for a response " + n + " times"));

      CliResult stats = CliResult.run("stats", dir.resolve("output/demo").toString());
      assertEquals(0, stats.exitCode(), stats.err());
      assertTrue(stats.out().contains("response_wrong_language"), stats.out());
      String card = Files.readString(dir.resolve("output/demo/dataset/README.md"));
      assertTrue(card.contains("### Short cells"), card);
      assertTrue(card.contains("label: response_wrong_language"), card);
    }
  }
}
