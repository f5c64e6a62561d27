package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} with a list of teacher endpoints, one of which is down (issue 12, acceptance 4). */
class EndpointsInARunTest {
  private static final Map<String, String> ENV = Map.of("GS_TEST_KEY", "sk-test-1234");

  @TempDir Path dir;

  private Path config(String baseUrl) throws Exception {
    return TestProject.writeConfig(
        dir,
        "name: t\n"
            + "rules: "
            + TestProject.rules("ko", "en")
            + "\n"
            + "targets: {unsafe: 4, safe: 4, per_call: 4, max_rounds: 1, min_fill: 0}\n"
            + "teacher:\n"
            + "  api_key_env: GS_TEST_KEY\n"
            + "  model: m\n"
            + "  max_retries: 0\n"
            + "  concurrency: 4\n"
            + "  base_url: "
            + baseUrl
            + "\n");
  }

  @Test
  void aRunWithOneDeadEndpointExitsZeroWithEveryRequestAnsweredByTheWorkingOne() throws Exception {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(new QuestionBankResponder()).requireKey("sk-test-1234")) {
      Path config = config("[http://127.0.0.1:9/v1, '" + server.baseUrl() + "']");
      CliResult result = CliResult.run(ENV, "run", "--config", config.toString());

      assertEquals(0, result.exitCode(), result.err());
      Path run = dir.resolve("output/t");
      assertTrue(Files.size(run.resolve("dataset/detect/train.jsonl")) > 0);
      assertFalse(
          Files.exists(run.resolve("failures.jsonl"))
              && !Files.readString(run.resolve("failures.jsonl")).isBlank(),
          "no request failed for good");
      // Every request the run paid for (generation, judge, responses) reached the working server.
      JsonNode runJson = Json.MAPPER.readTree(run.resolve("run.json").toFile());
      long sent = runJson.path("usage").path("sent").asLong();
      assertTrue(runJson.path("usage").path("by_stage").has("label"), "judge and responses ran");
      assertEquals(0, runJson.path("usage").path("retries").asLong());
      assertEquals(sent, server.requests().size());
    }
  }

  @Test
  void baseUrlMayBeRepeatedOrCommaSeparatedOnTheCommandLine() throws Exception {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(new QuestionBankResponder()).requireKey("sk-test-1234")) {
      Path config = config("http://127.0.0.1:9/v1");
      CliResult result =
          CliResult.run(
              ENV,
              "run",
              "--config",
              config.toString(),
              "--base-url",
              "http://127.0.0.1:9/v1," + server.baseUrl(),
              "--run-name",
              "flags");
      assertEquals(0, result.exitCode(), result.err());
      assertTrue(server.requests().size() > 0);
    }
  }
}
