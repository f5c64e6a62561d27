package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.LimitedTeacher;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What users parse, pinned byte for byte: {@code stats --json}, {@code run.json} (with timings,
 * paths, the tool version and hashes that include paths masked) and the dataset card, after one
 * deterministic run in rounds. A change to any of them must change the golden file on purpose: run
 * with {@code -Dgolden.update=true} to rewrite them, then review the diff.
 */
class GoldenFilesTest {
  private static final Path GOLDEN = TestProject.ROOT.resolve("src/test/resources/golden");
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  @TempDir static Path dir;
  static Path run;
  static String baseUrl;

  @BeforeAll
  static void runOnce() throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "name: golden\nrules: "
                + TestProject.rules("ko")
                + "\nfilters: "
                + TestProject.ROOT.resolve("rules/filters.yaml")
                + "\ntargets: {unsafe: 4, safe: 4, per_call: 4}\n"
                + "label: {judge: true, respond: true}\n"
                + "teacher: {model: m, api_key_env: K, max_retries: 0, concurrency: 4}\n");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perPrompt())) {
      baseUrl = server.baseUrl();
      CliResult result =
          CliResult.run(
              Map.of("K", "k"),
              "run",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl());
      assertEquals(0, result.exitCode(), result.err());
    }
    run = dir.resolve("output/golden");
  }

  private static void check(String name, String actual) throws Exception {
    Path golden = GOLDEN.resolve(name);
    if (UPDATE) {
      Files.writeString(golden, actual);
    }
    assertEquals(Files.readString(golden), actual, name + " changed; see GoldenFilesTest");
  }

  @Test
  void statsJson() throws Exception {
    CliResult stats = CliResult.run("stats", run.toString(), "--json");
    assertEquals(0, stats.exitCode(), stats.err());
    check("stats.json", Json.writePretty(Json.MAPPER.readTree(stats.out())) + "\n");
  }

  @Test
  void runJson() throws Exception {
    JsonNode root = Json.MAPPER.readTree(run.resolve("run.json").toFile());
    mask(root);
    check(
        "run.json",
        Json.writePretty(root)
                .replace(dir.toString(), "<dir>")
                .replace(TestProject.ROOT.toString(), "<root>")
                .replace(baseUrl, "<base_url>")
            + "\n");
  }

  @Test
  void datasetCard() throws Exception {
    check("README.md", Files.readString(run.resolve("dataset/README.md")));
  }

  /** A config in, the prompts {@code plan} writes out (golden/plan/). */
  @Test
  void planPair() throws Exception {
    Path prompts = dir.resolve("plan-pair.jsonl");
    CliResult plan =
        CliResult.run(
            "plan",
            "--config",
            GOLDEN.resolve("plan/guardsynth.yaml").toString(),
            "-o",
            prompts.toString());
    assertEquals(0, plan.exitCode(), plan.err());
    check("plan/prompts.jsonl", Files.readString(prompts));
  }

  /**
   * A config and labeled questions in (golden/export/labeled.jsonl, the golden run's), the records
   * {@code export} writes out.
   */
  @Test
  void exportPair() throws Exception {
    Path input = GOLDEN.resolve("export/labeled.jsonl");
    if (UPDATE) {
      Files.copy(
          run.resolve("labeled.jsonl"), input, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Path out = dir.resolve("export-pair");
    CliResult export =
        CliResult.run(
            "export",
            "--config",
            GOLDEN.resolve("export/guardsynth.yaml").toString(),
            "--in",
            input.toString(),
            "-o",
            out.toString());
    assertEquals(0, export.exitCode(), export.err());
    check("export/detect-train.jsonl", Files.readString(out.resolve("detect/train.jsonl")));
    check("export/respond-train.jsonl", Files.readString(out.resolve("respond/train.jsonl")));
    check("export/questions.jsonl", Files.readString(out.resolve("questions.jsonl")));
  }

  /** Replaces what differs from run to run: times, durations, the version, path-bound hashes. */
  private static void mask(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if ((key.equals("seconds") && e.getValue().isFloatingPointNumber())
            || key.endsWith("_at")
            || key.equals("tool_version")
            || key.equals("config_hash")
            || key.equals("fingerprint")
            || key.equals("questions_per_second")) {
          e.setValue(Json.MAPPER.getNodeFactory().textNode("<masked>"));
        } else {
          mask(e.getValue());
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(GoldenFilesTest::mask);
    }
  }
}
