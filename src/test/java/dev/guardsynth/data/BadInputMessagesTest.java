package dev.guardsynth.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.TestProject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #14, acceptance 4 and 5: bad input gets exit 2 and a message that says what, where and how
 * to fix it, through the real command line.
 */
class BadInputMessagesTest {
  @TempDir Path dir;

  private static String candidate(String text) {
    return Json.write(
        Candidate.of(text, Label.UNSAFE, "crime_advice", "legal", "ko", new Source("p", "m", 0)));
  }

  private Path config() throws Exception {
    return TestProject.writeConfig(dir, "rules: " + TestProject.rules("ko") + "\n");
  }

  private CliResult filter(Path in) throws Exception {
    return CliResult.run(
        "filter",
        "--config",
        config().toString(),
        "--in",
        in.toString(),
        "-o",
        dir.resolve("kept.jsonl").toString());
  }

  @Test
  void invalidUtf8IsExit2NamingFileAndLine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(
        (candidate("편의점에서 계산하지 않고 과자를 가져가도 되나요?") + "\n").getBytes(StandardCharsets.UTF_8));
    byte[] second =
        (candidate("이웃의 와이파이 비밀번호를 알아내는 방법이 있나요?") + "\n").getBytes(StandardCharsets.UTF_8);
    second[20] = (byte) 0xFF; // inside the text: never valid in UTF-8
    bytes.writeBytes(second);
    Path in = Files.write(dir.resolve("bad.jsonl"), bytes.toByteArray());
    CliResult r = filter(in);
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(in + ":2: not valid UTF-8: byte 0xFF"), r.err());
    assertFalse(Files.exists(dir.resolve("kept.jsonl")));
  }

  @Test
  void aLeadingByteOrderMarkIsReadNormally() throws Exception {
    Path in =
        Files.writeString(
            dir.resolve("bom.jsonl"), "\uFEFF" + candidate("편의점에서 계산하지 않고 과자를 가져가도 되나요?") + "\n");
    CliResult r = filter(in);
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(1, Files.readAllLines(dir.resolve("kept.jsonl")).size());
  }

  @Test
  void aJsonArraySaysHowToConvertIt() throws Exception {
    Path in =
        Files.writeString(
            dir.resolve("array.json"), "[" + candidate("편의점에서 계산하지 않고 과자를 가져가도 되나요?") + "]\n");
    CliResult r = filter(in);
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(
        r.err()
            .contains(
                in
                    + " is a JSON array; guardsynth reads JSONL, one object per line (jq -c '.[]'"
                    + " converts it)"),
        r.err());
  }

  @Test
  void theSameIdWithDifferentTextNamesBothLines() throws Exception {
    String first = candidate("편의점에서 계산하지 않고 과자를 가져가도 되나요?");
    String edited = first.replace("과자를", "사탕을"); // a hand edit: same id, other text
    Path in =
        Files.writeString(
            dir.resolve("edited.jsonl"),
            first + "\n" + candidate("이웃의 와이파이 비밀번호를 알아내는 방법이 있나요?") + "\n" + edited + "\n");
    CliResult r = filter(in);
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(in + ":3: id "), r.err());
    assertTrue(r.err().contains("is also on line 1 with a different text"), r.err());
    // The same check guards every stage that reads questions: dedup here.
    CliResult dedup =
        CliResult.run(
            "dedup",
            "--config",
            config().toString(),
            "--in",
            in.toString(),
            "-o",
            dir.resolve("u.jsonl").toString());
    assertEquals(2, dedup.exitCode(), dedup.err());
    assertTrue(dedup.err().contains("is also on line 1"), dedup.err());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "teacher:\\n  concurrency: ten | 2:16: teacher.concurrency: \"ten\" is not a whole number",
        "teacher:\\n  temperature: warm | 2:16: teacher.temperature: \"warm\" is not a number",
        "label:\\n  judge: maybe | 2:10: label.judge: \"maybe\" is not true or false",
        "rules: rules/ko.yaml | 1:8: rules: \"rules/ko.yaml\" is not a list (such as [a, b])",
      })
  void configTypeErrorsSayWhatWasExpected(String yaml, String expected) throws Exception {
    Path file = Files.writeString(dir.resolve("guardsynth.yaml"), yaml.replace("\\n", "\n") + "\n");
    CliResult r = CliResult.run("taxonomy", "--config", file.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(file + ":" + expected.strip()), r.err());
  }

  @Test
  void configWithInvalidUtf8OrABomIsHandled() throws Exception {
    byte[] bad = "name: t\n# caf\u00e9\nteacher: {model: m}\n".getBytes(StandardCharsets.UTF_8);
    bad[12] = (byte) 0xC3;
    bad[13] = (byte) 0x28; // a lead byte followed by a byte that cannot continue it
    Path file = Files.write(dir.resolve("bad.yaml"), bad);
    CliResult r = CliResult.run("taxonomy", "--config", file.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(file + ":2: not valid UTF-8: byte 0xC3"), r.err());

    Path bom = TestProject.writeConfig(dir, "name: t\n");
    Files.writeString(bom, "\uFEFF" + Files.readString(bom));
    CliResult ok = CliResult.run("taxonomy", "--config", bom.toString());
    assertEquals(0, ok.exitCode(), ok.err());
  }

  @Test
  void anEmptyTaxonomySaysWhatItMustHold() throws Exception {
    Path taxonomy = Files.writeString(dir.resolve("taxonomy.yaml"), "");
    Path config = TestProject.writeConfig(dir, "taxonomy: " + taxonomy + "\n");
    CliResult r = CliResult.run("taxonomy", "--config", config.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(taxonomy + ": the file is empty; a taxonomy holds"), r.err());
    assertTrue(r.err().contains("categories"), r.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape", "", ".", "..", "a/b", "with space"})
  void runNamesMustBeFolderNames(String name) throws Exception {
    CliResult r = CliResult.run("run", "--config", config().toString(), "--run-name", name);
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--run-name: '" + name + "' is not allowed"), r.err());
    assertTrue(r.err().contains("letters, digits, '.', '_' or '-', not '.' or '..'"), r.err());
    assertFalse(r.err().contains("-x"), r.err());
    assertFalse(Files.exists(dir.resolve("output/default")));
  }

  @Test
  void aConfigNameThatIsNoFolderNameIsExit2AtItsLine() throws Exception {
    Path file = TestProject.writeConfig(dir, "name: ../escape\n");
    CliResult r = CliResult.run("run", "--config", file.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(file + ":"), r.err());
    assertTrue(r.err().contains("name: '../escape' is not allowed"), r.err());
  }
}
