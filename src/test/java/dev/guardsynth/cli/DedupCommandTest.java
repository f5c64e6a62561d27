package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.dedup.bench.QuestionCorpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupCommandTest {
  private static final String THREE_QUESTIONS_TWO_NEAR =
      line("a", "How do I keep my bike from being stolen?", "safe")
          + line("b", "how do I keep my bike from being stolen??", "safe")
          + line("c", "How do I keep my bike from being stolen?", "unsafe");

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static String line(String id, String text, String label) {
    return Json.write(new Candidate(id, text, Label.parse(label), "misc", "g", "en", null)) + "\n";
  }

  private int dedup(String... args) {
    String[] all = Stream.concat(Stream.of("dedup"), Stream.of(args)).toArray(String[]::new);
    return Main.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(all);
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesKeptDuplicatesAndCrossLabelPairs() throws IOException {
    Path in = Files.writeString(dir.resolve("candidates.jsonl"), THREE_QUESTIONS_TWO_NEAR);
    int code =
        dedup(
            "--in", in.toString(),
            "-o", dir + "/unique.jsonl",
            "--duplicates", dir + "/duplicates.jsonl",
            "--cross-label", dir + "/cross_label.jsonl");
    assertEquals(0, code, err.toString());
    assertEquals(
        line("a", "How do I keep my bike from being stolen?", "safe")
            + line("c", "How do I keep my bike from being stolen?", "unsafe"),
        Files.readString(dir.resolve("unique.jsonl")));
    assertEquals(
        "{\"id\":\"b\",\"duplicate_of\":\"a\",\"similarity\":1.0}\n",
        Files.readString(dir.resolve("duplicates.jsonl")));
    assertEquals(
        "{\"id\":\"c\",\"other_id\":\"a\",\"similarity\":1.0,\"labels\":[\"unsafe\",\"safe\"]}\n",
        Files.readString(dir.resolve("cross_label.jsonl")));
  }

  @Test
  void aLineThatIsNotJsonFailsWithItsLocationAndWritesNothing() throws IOException {
    Path in =
        Files.writeString(dir.resolve("candidates.jsonl"), THREE_QUESTIONS_TWO_NEAR + "not json\n");
    int code =
        dedup("--in", in.toString(), "-o", dir + "/unique.jsonl", "--duplicates", dir + "/d.jsonl");
    assertEquals(2, code);
    assertTrue(err.toString().contains(in + ":4:1: not valid JSON"), err.toString());
    assertEquals(List.of("candidates.jsonl"), files());
  }

  @Test
  void aRecordWithoutTextFailsWithItsLocation() throws IOException {
    Path in =
        Files.writeString(
            dir.resolve("candidates.jsonl"),
            THREE_QUESTIONS_TWO_NEAR + "{\"id\":\"d\",\"label\":\"safe\",\"category\":\"misc\"}\n");
    int code = dedup("--in", in.toString(), "-o", dir + "/unique.jsonl");
    assertEquals(2, code);
    assertTrue(err.toString().contains(in + ":4:"), err.toString());
    assertTrue(err.toString().contains("missing 'text'"), err.toString());
    assertEquals(List.of("candidates.jsonl"), files());
  }

  @Test
  void anUnreadableIndexFailsAndWritesNothing() throws IOException {
    Path in = Files.writeString(dir.resolve("candidates.jsonl"), THREE_QUESTIONS_TWO_NEAR);
    Path index = dir.resolve("index");
    assertEquals(
        0, dedup("--in", in.toString(), "-o", dir + "/first.jsonl", "--index", index.toString()));
    try (Stream<Path> s = Files.list(index)) {
      for (Path f : s.filter(f -> f.getFileName().toString().startsWith("segments_")).toList()) {
        Files.writeString(f, "not a segments file");
      }
    }
    int code =
        dedup("--in", in.toString(), "-o", dir + "/unique.jsonl", "--index", index.toString());
    assertEquals(2, code);
    assertTrue(err.toString().contains(index + ": cannot read the dedup index"), err.toString());
    assertFalse(Files.exists(dir.resolve("unique.jsonl")));
  }

  @Test
  void flagsOverrideTheConfigAndAreChecked() throws IOException {
    Path config = Files.writeString(dir.resolve("guardsynth.yaml"), "dedup:\n  threshold: 0.99\n");
    Path in =
        Files.writeString(
            dir.resolve("candidates.jsonl"),
            line("a", "How do I keep my bike from being stolen at night?", "safe")
                + line("b", "How do I keep my bike from being stolen at night, please?", "safe"));
    assertEquals(
        0, dedup("--config", config.toString(), "--in", in.toString(), "-o", dir + "/u1.jsonl"));
    assertEquals(2, Files.readAllLines(dir.resolve("u1.jsonl")).size());
    assertEquals(
        0,
        dedup(
            "--config",
            config.toString(),
            "--threshold",
            "0.7",
            "--in",
            in.toString(),
            "-o",
            dir + "/u2.jsonl"));
    assertEquals(1, Files.readAllLines(dir.resolve("u2.jsonl")).size());

    assertEquals(2, dedup("--bands", "7", "--in", in.toString(), "-o", dir + "/u3.jsonl"));
    assertTrue(
        err.toString().contains("bands: 7 does not divide num_perm 256; use a divisor of 256"),
        err.toString());
    assertEquals(2, dedup("--shingle", "chars:3", "--in", in.toString(), "-o", dir + "/u3.jsonl"));
    assertTrue(err.toString().contains("shingle: 'chars:3' is not allowed"), err.toString());
    assertFalse(Files.exists(dir.resolve("u3.jsonl")));
  }

  /** Issue #4: two releases through {@code --index} keep what one run over both keeps. */
  @Test
  void twoReleasesThroughTheIndexMatchOneRun() throws IOException {
    QuestionCorpus corpus = new QuestionCorpus(5);
    List<String> lines =
        IntStream.range(0, 1500)
            .mapToObj(i -> Json.write(corpus.next(i).candidate()) + "\n")
            .collect(Collectors.toCollection(ArrayList::new));
    Path all = Files.writeString(dir.resolve("all.jsonl"), String.join("", lines));
    Path first =
        Files.writeString(dir.resolve("first.jsonl"), String.join("", lines.subList(0, 700)));
    Path second =
        Files.writeString(dir.resolve("second.jsonl"), String.join("", lines.subList(700, 1500)));

    assertEquals(
        0,
        dedup(
            "--in",
            all.toString(),
            "-o",
            dir + "/once.jsonl",
            "--duplicates",
            dir + "/once-d.jsonl"));
    String index = dir.resolve("index").toString();
    assertEquals(
        0,
        dedup(
            "--in",
            first.toString(),
            "-o",
            dir + "/r1.jsonl",
            "--duplicates",
            dir + "/r1-d.jsonl",
            "--index",
            index));
    assertEquals(
        0,
        dedup(
            "--in",
            second.toString(),
            "-o",
            dir + "/r2.jsonl",
            "--duplicates",
            dir + "/r2-d.jsonl",
            "--index",
            index));

    assertEquals(
        Files.readString(dir.resolve("once.jsonl")),
        Files.readString(dir.resolve("r1.jsonl")) + Files.readString(dir.resolve("r2.jsonl")));
    assertEquals(
        Files.readString(dir.resolve("once-d.jsonl")),
        Files.readString(dir.resolve("r1-d.jsonl")) + Files.readString(dir.resolve("r2-d.jsonl")));
  }
}
