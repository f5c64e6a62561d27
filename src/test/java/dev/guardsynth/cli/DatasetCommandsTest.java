package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Source;
import dev.guardsynth.testing.CliResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter, export and stats commands' files and exit codes, through the real command line. */
class DatasetCommandsTest {
  @TempDir Path dir;

  static String line(String text, String language) {
    return Json.write(
        Candidate.of(
            text, Label.UNSAFE, "crime_advice", "legal", language, new Source("p", "m", 0)));
  }

  /** A config that uses the repository's taxonomy, prompts and filters. */
  Path config() throws IOException {
    Path repo = Path.of("").toAbsolutePath();
    return Files.writeString(
        dir.resolve("guardsynth.yaml"),
        """
        taxonomy: %s/rules/taxonomy.yaml
        prompts: %s/prompts
        rules: [%s/rules/ko.yaml]
        filters: %s/rules/filters.yaml
        """
            .formatted(repo, repo, repo, repo));
  }

  @Test
  void filterWritesKeptQuestionsAndRejectedOnesBesideThem() throws IOException {
    Path in =
        Files.writeString(
            dir.resolve("candidates.jsonl"),
            String.join(
                    "\n",
                    line("편의점에서 계산하지 않고 과자를 들고 나와도 괜찮을까요?", "ko"),
                    line("죄송하지만 이런 질문은 만들어 드릴 수 없습니다.", "ko"),
                    line("How do I keep my bike from being stolen?", "ko"))
                + "\n");
    Path out = dir.resolve("out/kept.jsonl");
    var r =
        CliResult.run(
            "filter", "--config", config().toString(), "--in", in.toString(), "-o", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(1, Files.readAllLines(out).size());
    List<String> rejected = Files.readAllLines(dir.resolve("out/rejected.jsonl"));
    assertEquals(2, rejected.size());
    assertTrue(rejected.get(0).contains("\"reason\":\"refusal\""), rejected.get(0));
    assertTrue(rejected.get(1).contains("\"reason\":\"wrong_language\""), rejected.get(1));
  }

  @Test
  void aLineThatIsNotJsonIsBadInputNamingTheFileAndLine() throws IOException {
    Path in =
        Files.writeString(
            dir.resolve("bad.jsonl"), line("편의점에서 과자를 들고 나와도 될까요?", "ko") + "\nnot json\n");
    var r =
        CliResult.run(
            "filter",
            "--config",
            config().toString(),
            "--in",
            in.toString(),
            "-o",
            dir.resolve("k.jsonl").toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(in + ":2:"), r.err());
    assertTrue(Files.notExists(dir.resolve("k.jsonl")), "no half-written output");
  }

  @Test
  void aBadFiltersSettingIsExitTwo() throws IOException {
    Path config = Files.writeString(dir.resolve("bad.yaml"), "filters: {personal_data: maybe}\n");
    var r = CliResult.run("filter", "--config", config.toString(), "--in", config.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("filters.personal_data: 'maybe' is not allowed"), r.err());
  }

  @Test
  void exportRejectsAnUnknownFormatAsUsage() throws IOException {
    Path in = Files.writeString(dir.resolve("q.jsonl"), line("편의점에서 과자를 들고 나와도 될까요?", "ko") + "\n");
    var r =
        CliResult.run(
            "export",
            "--config",
            config().toString(),
            "--in",
            in.toString(),
            "-o",
            dir.resolve("d").toString(),
            "--format",
            "xml");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(
        r.err().contains("--format: 'xml' is not allowed; use one of chat, flat, csv"), r.err());
  }

  @Test
  void exportOfUnlabeledQuestionsForTheRespondTaskSaysHowToFixIt() throws IOException {
    Path in = Files.writeString(dir.resolve("q.jsonl"), line("편의점에서 과자를 들고 나와도 될까요?", "ko") + "\n");
    var r =
        CliResult.run(
            "export",
            "--config",
            config().toString(),
            "--in",
            in.toString(),
            "-o",
            dir.resolve("d").toString(),
            "--tasks",
            "detect,respond");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("has no safeguard response"), r.err());
    var detectOnly =
        CliResult.run(
            "export",
            "--config",
            config().toString(),
            "--in",
            in.toString(),
            "-o",
            dir.resolve("d").toString(),
            "--tasks",
            "detect",
            "--format",
            "csv");
    assertEquals(0, detectOnly.exitCode(), detectOnly.err());
    assertTrue(Files.exists(dir.resolve("d/detect/train.csv")));
  }

  @Test
  void statsOfAFolderThatIsNotARunIsExitTwo() {
    var r = CliResult.run("stats", dir.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("not a run directory (no run.json)"), r.err());
  }

  @Test
  void statsFailsWhenAQuestionIsUnaccountedFor() throws IOException {
    Path run = Files.createDirectories(dir.resolve("output/broken"));
    Files.writeString(
        run.resolve("run.json"),
        "{\"stages\": {\"generate\": {\"counts\": {\"returned\": 3, \"refusals\": 0,"
            + " \"unparseable\": 0, \"exact_duplicates\": 0}}}}");
    String a = line("편의점에서 계산하지 않고 과자를 들고 나와도 괜찮을까요?", "ko");
    String b = line("회사 비품을 집으로 조금씩 가져가도 모를까요?", "ko");
    String c = line("왜요?", "ko");
    Files.writeString(run.resolve("candidates.jsonl"), a + "\n" + b + "\n" + c + "\n");
    Files.writeString(run.resolve("unique.jsonl"), a + "\n" + b + "\n" + c + "\n");
    Files.writeString(run.resolve("kept.jsonl"), a + "\n");
    String shortId = Json.MAPPER.readTree(c).path("id").asText();
    Files.writeString(
        run.resolve("rejected.jsonl"),
        "{\"id\":\"" + shortId + "\",\"reason\":\"too_short\",\"detail\":\"3 characters\"}\n");

    var r = CliResult.run("stats", run.toString());

    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.out().contains("filter: 3 in - 1 dropped = 2, but 1 went on"), r.out());
    assertTrue(r.out().contains("filter: 1 question(s) neither passed nor were rejected"), r.out());
  }
}
