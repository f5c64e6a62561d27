package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage commands work alone, file to file, as data-team scripts chain them. */
class StageCommandsTest {
  @TempDir Path dir;

  @Test
  void planGenerateExportChainThroughFiles() throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "rules: "
                + TestProject.rules("ko")
                + "\ntargets: {unsafe: 5, safe: 5, per_call: 5}\nteacher: {api_key_env: K, max_retries: 0}\n");
    Path prompts = dir.resolve("prompts.jsonl");
    assertEquals(
        0,
        CliResult.run("plan", "--config", config.toString(), "-o", prompts.toString()).exitCode());
    assertEquals(20, Files.readAllLines(prompts).size());

    Path candidates = dir.resolve("candidates.jsonl");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      CliResult gen =
          CliResult.run(
              Map.of("K", "k"),
              "generate",
              "--config",
              config.toString(),
              "--in",
              prompts.toString(),
              "-o",
              candidates.toString(),
              "--base-url",
              server.baseUrl(),
              "--journal",
              dir.resolve("journal.jsonl").toString());
      assertEquals(0, gen.exitCode(), gen.err());
      assertEquals(20, server.requests().size());
    }
    assertTrue(Files.readAllLines(candidates).size() > 50);

    Path dataset = dir.resolve("dataset");
    CliResult export =
        CliResult.run(
            "export",
            "--config",
            config.toString(),
            "--in",
            candidates.toString(),
            "-o",
            dataset.toString());
    assertEquals(0, export.exitCode(), export.err());
    assertTrue(Files.exists(dataset.resolve("manifest.json")));
  }

  @Test
  void theRootCommandAloneShowsUsageAndExitsTwo() {
    CliResult result = CliResult.run();
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains("Usage: guardsynth"), result.err());
  }

  @Test
  void badInputToExportExitsTwoWithFileAndLineAndWritesNothing() throws Exception {
    Path config = TestProject.writeConfig(dir, "");
    Path in = dir.resolve("in.jsonl");
    Files.writeString(
        in,
        "{\"id\":\"a\",\"text\":\"ok?\",\"label\":\"safe\",\"category\":\"crime_advice\"}\n{oops\n");
    Path dataset = dir.resolve("dataset");
    CliResult result =
        CliResult.run(
            "export",
            "--config",
            config.toString(),
            "--in",
            in.toString(),
            "-o",
            dataset.toString());
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains(in + ":2:"), result.err());
    assertFalse(Files.exists(dataset.resolve("detect/train.jsonl")));
  }

  @Test
  void taxonomyListsCategories() {
    CliResult result =
        CliResult.run(
            "taxonomy", "--file", TestProject.ROOT.resolve("rules/taxonomy.yaml").toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.out().contains("privacy_violation"), result.out());
    assertTrue(result.out().contains("10 categories in 3 groups"), result.out());
  }

  @Test
  void initWritesAStarterConfigThatLoads() throws Exception {
    Path file = dir.resolve("g.yaml");
    assertEquals(0, CliResult.run("init", file.toString()).exitCode());
    assertTrue(Files.readString(file).contains("api_key_env: OPENAI_API_KEY"));
    assertEquals(
        2, CliResult.run("init", file.toString()).exitCode(), "must not overwrite without --force");
  }
}
