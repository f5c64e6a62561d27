package dev.guardsynth.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #12 through the real CLI: structured output's fallback and the cost figures. */
class StructuredAutoFallbackRunTest {
  @TempDir Path dir;

  @Test
  void aServerThatRejectsResponseFormatStillCompletesTheRunWithStructuredAuto() throws Exception {
    QuestionBankResponder bank = new QuestionBankResponder();
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(request ->
            request.has("response_format")
                ? FakeOpenAiServer.Reply.status(
                    400, "Unrecognized request argument: response_format")
                : bank.respond(request))) {
      Path config =
          TestProject.writeConfig(
              dir,
              "name: t\n"
                  + "rules: "
                  + TestProject.rules("ko", "en")
                  + "\n"
                  + "targets: {unsafe: 4, safe: 4, per_call: 4, max_rounds: 1, min_fill: 0}\n"
                  + "label: {structured: auto}\n"
                  + "teacher: {api_key_env: KEY, max_retries: 0, concurrency: 2}\n");
      CliResult r =
          CliResult.run(
              Map.of("KEY", "sk-test"),
              "run",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl(),
              "--model",
              "m",
              "--run-name",
              "auto");

      assertEquals(0, r.exitCode(), r.err());
      List<FakeOpenAiServer.Received> received = server.received();
      long refused = received.stream().filter(x -> x.status() == 400).count();
      assertTrue(refused >= 1 && refused <= 2, "only requests in flight before the first 400");
      assertTrue(
          received.stream()
              .filter(x -> x.body().has("response_format"))
              .allMatch(x -> x.status() == 400));
      // (The one stderr line saying so goes through the logger, which an in-process run does not
      // capture; OpenAiTeacher says it once, on the first refusal.)

      JsonNode runJson = Json.MAPPER.readTree(dir.resolve("output/auto/run.json").toFile());
      assertEquals("complete", runJson.get("status").asText());
      assertTrue(runJson.at("/stages/label/counts/labeled").asLong() > 0);
      long exported = runJson.at("/stages/export/counts/questions").asLong();
      assertEquals(exported, runJson.at("/cost_per_question/exported").asLong());
      double labelInput = runJson.at("/usage/by_stage/label/m/input_tokens").asDouble();
      assertEquals(
          Math.round(labelInput / exported * 10) / 10.0,
          runJson.at("/cost_per_question/by_stage/label/input_tokens").asDouble(),
          1e-9);

      CliResult stats = CliResult.run("stats", dir.resolve("output/auto").toString());
      assertTrue(stats.out().contains("cost per exported question"), stats.out());
    }
  }
}
