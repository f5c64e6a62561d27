package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.TestProject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -} as stdin and stdout, in-process: stages piped into each other as a script would, with
 * JSONL (and nothing else) on stdout, Korean intact.
 */
class StdinStdoutTest {
  @TempDir Path dir;

  private static final String A = question("편의점에서 계산하지 않고 과자를 들고 나와도 괜찮을까요?");
  private static final String A_AGAIN = question("편의점에서 계산하지 않고 과자를 들고 나와도 괜찮을까요??");
  private static final String B = question("회사 비품을 집으로 조금씩 가져가도 모를까요?");
  private static final String SHORT = question("왜요?");

  private static String question(String text) {
    var c =
        dev.guardsynth.data.Candidate.of(
            text,
            dev.guardsynth.data.Label.UNSAFE,
            "crime_advice",
            "illegal",
            "ko",
            new dev.guardsynth.data.Source("p1", "m", 0));
    return Json.write(c);
  }

  /** Runs {@code args} with {@code stdin} as standard input; returns standard output. */
  private static String pipe(String stdin, String... args) {
    InputStream oldIn = System.in;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      CliResult result = CliResult.run(args);
      assertEquals(0, result.exitCode(), result.err());
    } finally {
      System.setIn(oldIn);
      System.setOut(oldOut);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void dedupThenFilterThroughStdinAndStdoutKeepsTheSameQuestionsAsFiles() throws Exception {
    Path config = TestProject.writeConfig(dir, "");
    String input = String.join("\n", A, A_AGAIN, B, SHORT) + "\n";
    String unique = pipe(input, "dedup", "--config", config.toString(), "--in", "-", "-o", "-");
    List<String> uniqueLines = unique.lines().toList();
    assertEquals(List.of(A, B, SHORT), uniqueLines, "the near-duplicate is gone, in input order");

    String kept =
        pipe(
            unique,
            "filter",
            "--config",
            config.toString(),
            "--in",
            "-",
            "--rejected",
            dir.resolve("rejected.jsonl").toString());
    assertEquals(List.of(A, B), kept.lines().toList());
    JsonNode rejected = Json.MAPPER.readTree(Files.readString(dir.resolve("rejected.jsonl")));
    assertEquals("too_short", rejected.get("reason").asText());

    // The same through files: the same bytes.
    Files.writeString(dir.resolve("in.jsonl"), input);
    assertEquals(
        0,
        CliResult.run(
                "dedup",
                "--config",
                config.toString(),
                "--in",
                dir.resolve("in.jsonl").toString(),
                "-o",
                dir.resolve("unique.jsonl").toString())
            .exitCode());
    assertEquals(unique, Files.readString(dir.resolve("unique.jsonl")));
  }

  @Test
  void planWritesPromptsToStdoutAndExportReadsLabeledQuestionsFromStdin() throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "rules: " + TestProject.rules("ko") + "\ntargets: {unsafe: 2, safe: 2, per_call: 2}\n");
    String prompts = pipe("", "plan", "--config", config.toString(), "-o", "-");
    assertEquals(20, prompts.lines().count());
    prompts.lines().forEach(l -> assertTrue(l.startsWith("{\"id\":"), l));

    String labeled = String.join("\n", A, B) + "\n";
    pipe(
        labeled,
        "export",
        "--config",
        config.toString(),
        "--in",
        "-",
        "--tasks",
        "detect",
        "-o",
        dir.resolve("dataset").toString());
    assertTrue(Files.exists(dir.resolve("dataset/manifest.json")));
  }
}
