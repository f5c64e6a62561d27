package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.LimitedTeacher;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14, point 7: a stage's fingerprint covers the content of its inputs, so a hand-edited
 * input makes the stage run again, and the edit stands: the rounds do not write labeled.jsonl over
 * it while their own inputs are unchanged.
 */
class StageFingerprintTest {
  private static final Map<String, String> ENV = Map.of("K", "k");

  @TempDir Path dir;

  @Test
  void deletingALineOfLabeledJsonlMakesRunExportAgainWithoutIt() throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "name: t\nrules: "
                + TestProject.rules("ko")
                + "\ntargets: {unsafe: 5, safe: 5, per_call: 5}\n"
                + "label: {judge: true, respond: true}\n"
                + "teacher: {model: m, api_key_env: K, max_retries: 0}\n");
    Path run = dir.resolve("output/t");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perPrompt())) {
      String[] args = {"run", "--config", config.toString(), "--base-url", server.baseUrl()};
      CliResult first = CliResult.run(ENV, args);
      assertEquals(0, first.exitCode(), first.err());
      assertEquals(100, exported(run));

      List<String> labeled = new ArrayList<>(Files.readAllLines(run.resolve("labeled.jsonl")));
      String removed = labeled.remove(7);
      Files.write(run.resolve("labeled.jsonl"), labeled);
      int sent = server.requests().size();

      CliResult second = CliResult.run(ENV, args);
      assertEquals(sent, server.requests().size(), "nothing asked again");
      assertEquals(0, second.exitCode(), second.err());
      assertEquals(99, exported(run));
      assertEquals(labeled, Files.readAllLines(run.resolve("labeled.jsonl")), "the edit stands");
      String id = Json.MAPPER.readTree(removed).get("id").asText();
      for (String split : List.of("train", "validation", "test")) {
        assertFalse(
            Files.readString(run.resolve("dataset/detect/" + split + ".jsonl")).contains(id),
            "the deleted question is gone from " + split);
      }
    }
  }

  private static long exported(Path run) throws Exception {
    JsonNode stats = Json.MAPPER.readTree(run.resolve("dataset/stats.json").toFile());
    return stats.get("questions").asLong();
  }
}
