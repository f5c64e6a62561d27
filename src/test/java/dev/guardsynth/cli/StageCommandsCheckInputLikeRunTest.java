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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage commands reach the same input checks as {@code run}, through the same stage entries: a
 * template without a placeholder its kind needs, a {@code --previous} that is not a dataset, and a
 * damaged journal, which {@code generate} repairs instead of failing.
 */
class StageCommandsCheckInputLikeRunTest {
  @TempDir Path dir;

  private Path config(String extra) throws Exception {
    return TestProject.writeConfig(
        dir,
        "rules: "
            + TestProject.rules("en")
            + "\ntargets: {unsafe: 2, safe: 2, per_call: 2}\n"
            + "teacher: {api_key_env: K, max_retries: 0}\n"
            + extra);
  }

  @Test
  void planRefusesAGenerationTemplateWithoutCount() throws Exception {
    Path prompts = Files.createDirectories(dir.resolve("prompts"));
    try (Stream<Path> bundled = Files.list(TestProject.ROOT.resolve("prompts"))) {
      for (Path p : bundled.toList()) {
        Files.copy(p, prompts.resolve(p.getFileName()));
      }
    }
    Files.writeString(
        prompts.resolve("safe.md"),
        Files.readString(prompts.resolve("safe.md")).replace("{{count}}", "some"));
    Path out = dir.resolve("prompts.jsonl");
    CliResult plan =
        CliResult.run(
            "plan", "--config", config("prompts: " + prompts + "\n").toString(), "-o", "" + out);
    assertEquals(2, plan.exitCode(), plan.err());
    assertTrue(plan.err().contains("safe.md: {{count}} is missing"), plan.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void exportRefusesARunFolderAsPrevious() throws Exception {
    Path run = Files.createDirectories(dir.resolve("output/old"));
    Files.writeString(run.resolve("run.json"), "{}\n");
    Path labeled = Files.writeString(dir.resolve("labeled.jsonl"), "");
    CliResult export =
        CliResult.run(
            "export",
            "--config",
            config("").toString(),
            "--in",
            labeled.toString(),
            "--previous",
            run.toString(),
            "-o",
            dir.resolve("dataset").toString());
    assertEquals(2, export.exitCode(), export.err());
    assertTrue(export.err().contains("old: a run folder"), export.err());
    assertFalse(Files.exists(dir.resolve("dataset")));
  }

  @Test
  void generateMovesDamagedJournalLinesAsideAndRepaysNothingAnswered() throws Exception {
    Path config = config("");
    Path prompts = dir.resolve("prompts.jsonl");
    assertEquals(
        0, CliResult.run("plan", "--config", "" + config, "-o", prompts.toString()).exitCode());
    Path journal = dir.resolve("journal.jsonl");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      List<String> args =
          List.of(
              "generate",
              "--config",
              config.toString(),
              "--in",
              prompts.toString(),
              "-o",
              dir.resolve("candidates.jsonl").toString(),
              "--base-url",
              server.baseUrl(),
              "--journal",
              journal.toString());
      CliResult first = CliResult.run(Map.of("K", "k"), args.toArray(String[]::new));
      assertEquals(0, first.exitCode(), first.err());
      int sent = server.requests().size();
      List<String> lines = new ArrayList<>(Files.readAllLines(journal));
      lines.set(1, "{\"key\": \"half a line");
      Files.writeString(journal, String.join("\n", lines) + "\n");

      CliResult again = CliResult.run(Map.of("K", "k"), args.toArray(String[]::new));
      assertEquals(0, again.exitCode(), again.err());
      assertEquals(sent + 1, server.requests().size(), "only the damaged line's request again");
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(
            1, files.filter(p -> p.getFileName().toString().contains(".damaged-")).count());
      }
    }
  }
}
