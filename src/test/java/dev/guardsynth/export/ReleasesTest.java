package dev.guardsynth.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.TestProject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13: a release extends the previous one (every earlier record kept byte for byte and in its
 * split, no near-duplicate pair across splits), its card loads as one config per task with a
 * license and no empty value (an empty release too), and the openai format holds messages only.
 */
class ReleasesTest {
  private static final List<String> TASKS = List.of("detect", "respond");
  private static final List<String> SPLITS = List.of("train", "validation", "test");

  @TempDir Path dir;

  private Path config(int perCell) throws IOException {
    return config(perCell, "ko", "en");
  }

  private Path config(int perCell, String... languages) throws IOException {
    return TestProject.writeConfig(
        dir,
        "rules: "
            + TestProject.rules(languages)
            + "\n"
            + "targets: {unsafe: "
            + perCell
            + ", safe: "
            + perCell
            + ", per_call: 3, max_rounds: 1, min_fill: 0}\n"
            + "teacher: {model: m, api_key_env: GS_KEY}\n"
            + "dedup: {index: "
            + dir.resolve("index")
            + "}\n"
            + "export: {tasks: [detect, respond], license: cc-by-4.0,"
            + " splits: {train: 0.5, validation: 0.25, test: 0.25}}\n");
  }

  private static CliResult run(FakeOpenAiServer server, Path config, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("run", "--config", config.toString(), "--base-url", server.baseUrl()));
    args.addAll(List.of(more));
    return CliResult.run(Map.of("GS_KEY", "k"), args.toArray(String[]::new));
  }

  @Test
  void aSecondReleaseKeepsEveryRecordOfTheFirstInItsSplitAndAddsNewOnes() throws Exception {
    Path r1 = dir.resolve("output/r1/dataset");
    Path r2 = dir.resolve("output/r2/dataset");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      CliResult first = run(server, config(3, "ko"), "--run-name", "r1");
      assertEquals(0, first.exitCode(), first.err());
      // More questions per cell: the teacher's replies now reach questions release 1 never saw,
      // and repeat the ones it did, which the shared dedup index drops.
      CliResult second =
          run(server, config(6, "ko"), "--run-name", "r2", "--previous", r1.toString());
      assertEquals(0, second.exitCode(), second.err());
    }

    assertTrue(
        Files.size(r1.resolve("detect/test.jsonl")) > 0, "release 1 has test questions to keep");
    int added = 0;
    for (String task : TASKS) {
      for (String split : SPLITS) {
        List<String> before = Files.readAllLines(r1.resolve(task + "/" + split + ".jsonl"));
        List<String> after = Files.readAllLines(r2.resolve(task + "/" + split + ".jsonl"));
        assertEquals(before, after.subList(0, before.size()), task + "/" + split + " kept as is");
        added += after.size() - before.size();
      }
    }
    assertTrue(added > 0, "release 2 adds records");

    Map<String, String> textById = new HashMap<>();
    Map<String, String> splitById = new HashMap<>();
    for (String split : SPLITS) {
      for (String line : Files.readAllLines(r2.resolve("detect/" + split + ".jsonl"))) {
        JsonNode record = Json.MAPPER.readTree(line);
        textById.put(
            record.path("id").asText(), record.path("messages").get(1).path("content").asText());
        splitById.put(record.path("id").asText(), split);
      }
    }
    List<String> ids = new ArrayList<>(textById.keySet());
    List<Set<String>> grams = ids.stream().map(id -> grams5(textById.get(id))).toList();
    for (int i = 0; i < ids.size(); i++) {
      for (int j = i + 1; j < ids.size(); j++) {
        if (!splitById.get(ids.get(i)).equals(splitById.get(ids.get(j)))) {
          double similarity = jaccard(grams.get(i), grams.get(j));
          assertTrue(
              similarity < 0.8,
              textById.get(ids.get(i)) + " ~ " + textById.get(ids.get(j)) + ": " + similarity);
        }
      }
    }

    JsonNode manifest = Json.MAPPER.readTree(r2.resolve("manifest.json").toFile());
    assertEquals("r1", manifest.path("previous").path("name").asText());
    assertEquals(added, manifest.path("added").path("records").asLong());
    String card = Files.readString(r2.resolve("README.md"));
    assertTrue(card.contains("extends `r1`"), card);
    CliResult stats = CliResult.run("stats", dir.resolve("output/r2").toString());
    assertEquals(0, stats.exitCode(), stats.out() + stats.err());
  }

  @Test
  void aReleaseWhereEveryQuestionWasADuplicateStillHasAValidCard() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      assertEquals(0, run(server, config(3), "--run-name", "r1").exitCode());
      // The same questions again under another release name: the index finds them all.
      CliResult again = run(server, config(3), "--run-name", "again");
      // A run that exports nothing never exits 0 (#11), but its empty release is written whole.
      assertEquals(1, again.exitCode(), again.err());
      assertTrue(again.err().contains("exported nothing"), again.err());
    }
    Path dataset = dir.resolve("output/again/dataset");
    assertEquals(
        0, Json.MAPPER.readTree(dataset.resolve("stats.json").toFile()).path("questions").asLong());
    JsonNode header = checkCard(dataset);
    assertEquals(List.of("en", "ko"), texts(header.path("language")), "the rule sets' languages");
  }

  @Test
  void theCardOfARealRunHasOneLoadableConfigPerTask() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      assertEquals(0, run(server, config(3), "--run-name", "r1").exitCode());
    }
    JsonNode header = checkCard(dir.resolve("output/r1/dataset"));
    assertEquals("cc-by-4.0", header.path("license").asText());
  }

  @Test
  void theOpenAiFormatWritesMessagesOnly() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(new QuestionBankResponder())) {
      assertEquals(0, run(server, config(3), "--run-name", "r1").exitCode());
    }
    Path out = dir.resolve("openai");
    CliResult export =
        CliResult.run(
            "export",
            "--config",
            dir.resolve("guardsynth.yaml").toString(),
            "--in",
            dir.resolve("output/r1/labeled.jsonl").toString(),
            "-o",
            out.toString(),
            "--format",
            "openai");
    assertEquals(0, export.exitCode(), export.err());
    int lines = 0;
    for (String task : TASKS) {
      for (String split : SPLITS) {
        for (String line : Files.readAllLines(out.resolve(task + "/" + split + ".jsonl"))) {
          JsonNode record = Json.MAPPER.readTree(line);
          List<String> keys = new ArrayList<>();
          record.fieldNames().forEachRemaining(keys::add);
          assertEquals(List.of("messages"), keys, line);
          assertEquals(
              List.of("system", "user", "assistant"),
              record.path("messages").findValuesAsText("role"));
          lines++;
        }
      }
    }
    assertTrue(lines > 0);
    checkCard(out);
  }

  /**
   * Parses the card's front matter with the YAML parser and checks what the Hub and {@code
   * datasets} need: a license, one config per task whose every data file exists, and no empty or
   * null value anywhere.
   */
  private static JsonNode checkCard(Path dataset) throws IOException {
    String card = Files.readString(dataset.resolve("README.md"));
    assertTrue(card.startsWith("---\n"), card);
    JsonNode header = ConfigLoader.YAML.readTree(card.substring(4, card.indexOf("\n---\n", 4)));
    assertFalse(header.path("license").asText().isEmpty(), "a license");
    assertEquals(List.of("machine-generated"), texts(header.path("annotations_creators")));
    assertEquals(TASKS, header.path("configs").findValuesAsText("config_name"));
    for (JsonNode config : header.path("configs")) {
      assertFalse(config.path("data_files").isEmpty(), config.toString());
      for (JsonNode file : config.path("data_files")) {
        assertTrue(
            Files.isRegularFile(dataset.resolve(file.path("path").asText())), file.toString());
        assertTrue(SPLITS.contains(file.path("split").asText()), file.toString());
      }
    }
    assertNoEmptyValue("", header);
    return header;
  }

  private static void assertNoEmptyValue(String path, JsonNode node) {
    assertNotNull(node, path);
    assertFalse(node.isNull() || node.isMissingNode(), path + " is null");
    if (node.isContainerNode()) {
      assertFalse(node.isEmpty(), path + " is empty");
      if (node.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          assertNoEmptyValue(path + "." + e.getKey(), e.getValue());
        }
      } else {
        for (int i = 0; i < node.size(); i++) {
          assertNoEmptyValue(path + "[" + i + "]", node.get(i));
        }
      }
    } else {
      assertFalse(node.asText().isBlank(), path + " is blank");
    }
  }

  /** Character 5-grams of the text's letters and digits, after NFKC and lower case. */
  private static Set<String> grams5(String text) {
    String normalized = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    int[] cps = normalized.codePoints().filter(Character::isLetterOrDigit).toArray();
    Set<String> grams = new HashSet<>();
    for (int i = 0; i + 5 <= cps.length; i++) {
      grams.add(new String(cps, i, 5));
    }
    if (grams.isEmpty()) {
      grams.add(new String(cps, 0, cps.length));
    }
    return grams;
  }

  private static double jaccard(Set<String> a, Set<String> b) {
    long common = a.stream().filter(b::contains).count();
    long union = a.size() + b.size() - common;
    return union == 0 ? 0 : (double) common / union;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
