package dev.guardsynth.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.dedup.QuestionShingles;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.taxonomy.TaxonomyReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetExporterTest {
  static final Taxonomy TAXONOMY = TaxonomyReader.read(Path.of("rules/taxonomy.yaml"));
  static final double THRESHOLD = 0.7;
  static final DedupConfig DEDUP = new DedupConfig(null, null, null, THRESHOLD, null);
  static final ExportConfig.Splits SPLITS = new ExportConfig.Splits(0.8, 0.1, 0.1);

  @TempDir Path dir;

  static DatasetExporter exporter(String format, long seed, String... tasks) {
    return new DatasetExporter(
        new ExportConfig(
            Stream.of(tasks).map(ExportConfig.Task::of).toList(),
            ExportConfig.Format.of(format),
            SPLITS,
            seed),
        TAXONOMY,
        new DatasetExporter.Options(
            "test-set", "DETECT SYSTEM", "RESPOND SYSTEM", DEDUP, List.of("ko")));
  }

  /** The split of every question, as the detect task's chat files say. */
  static Map<String, String> splitsOf(Path dataset) throws IOException {
    Map<String, String> split = new HashMap<>();
    for (Split s : Split.values()) {
      for (String line : Files.readAllLines(dataset.resolve("detect/" + s.json() + ".jsonl"))) {
        split.put(Json.MAPPER.readTree(line).path("id").asText(), s.json());
      }
    }
    return split;
  }

  @Test
  void noTwoQuestionsInDifferentSplitsAreNearDuplicates() throws IOException {
    List<Labeled> questions = QuestionFixtures.questions(1, 25);
    exporter("chat", 42, "detect").write(questions, dir);
    Map<String, String> split = splitsOf(dir);
    List<int[]> sets;
    try (QuestionShingles shingles = new QuestionShingles(DEDUP)) {
      sets = questions.stream().map(q -> shingles.of(q.text())).toList();
    }
    int crossLabelTwins = 0;
    for (int i = 0; i < questions.size(); i++) {
      for (int j = i + 1; j < questions.size(); j++) {
        Labeled a = questions.get(i);
        Labeled b = questions.get(j);
        if (jaccard(sets.get(i), sets.get(j)) >= THRESHOLD) {
          assertEquals(split.get(a.id()), split.get(b.id()), a.text() + " ~ " + b.text());
          crossLabelTwins += a.label() != b.label() ? 1 : 0;
        }
      }
    }
    assertTrue(crossLabelTwins > 0, "the fixture has near-twins across labels");
  }

  @Test
  void everyLabelCategoryStratumIsWithinOneQuestionOfItsTargetRatio() throws IOException {
    List<Labeled> questions = QuestionFixtures.questions(2, 30);
    ExportResult result = exporter("chat", 42, "detect").write(questions, dir);
    Map<String, String> split = splitsOf(dir);
    Map<String, Map<String, Integer>> counts = new HashMap<>();
    Map<String, Integer> sizes = new HashMap<>();
    for (Labeled q : questions) {
      String stratum = q.label().json() + "/" + q.category();
      sizes.merge(stratum, 1, Integer::sum);
      counts
          .computeIfAbsent(stratum, k -> new HashMap<>())
          .merge(split.get(q.id()), 1, Integer::sum);
    }
    double[] ratios = {0.8, 0.1, 0.1};
    for (Map.Entry<String, Integer> stratum : sizes.entrySet()) {
      for (Split s : Split.values()) {
        int n = counts.get(stratum.getKey()).getOrDefault(s.json(), 0);
        double target = stratum.getValue() * ratios[s.ordinal()];
        assertTrue(
            Math.abs(n - target) < 1,
            stratum.getKey() + " " + s.json() + ": " + n + " questions, target " + target);
      }
    }
    assertTrue(result.stats().maxDeviation() < 1, "stats.json reports the same");
    assertTrue(result.stats().nearDuplicates().clusters() > 0);
    assertEquals("char:3", result.stats().nearDuplicates().shingle(), "stats name the shingles");
  }

  @Test
  void theSameSeedGivesByteIdenticalFilesWhateverTheInputOrder() throws IOException {
    List<Labeled> questions = QuestionFixtures.questions(3, 10);
    List<Labeled> shuffled = new ArrayList<>(questions);
    Collections.shuffle(shuffled, new Random(99));
    exporter("chat", 7, "detect", "respond").write(questions, dir.resolve("a"));
    exporter("chat", 7, "detect", "respond").write(shuffled, dir.resolve("b"));
    exporter("chat", 8, "detect", "respond").write(questions, dir.resolve("c"));
    for (String file :
        List.of(
            "detect/train.jsonl",
            "detect/validation.jsonl",
            "detect/test.jsonl",
            "respond/train.jsonl",
            "respond/test.jsonl",
            "questions.jsonl",
            "README.md",
            "stats.json",
            "manifest.json")) {
      assertArrayEquals(
          Files.readAllBytes(dir.resolve("a").resolve(file)),
          Files.readAllBytes(dir.resolve("b").resolve(file)),
          file);
    }
    assertNotEquals(
        splitsOf(dir.resolve("a")), splitsOf(dir.resolve("c")), "another seed, another split");
  }

  @Test
  void theManifestHoldsTheHashOfEveryOtherFile() throws IOException {
    exporter("chat", 42, "detect", "respond").write(QuestionFixtures.questions(4, 5), dir);
    JsonNode files = Json.MAPPER.readTree(dir.resolve("manifest.json").toFile()).path("files");
    List<String> names;
    try (Stream<Path> list = Files.walk(dir)) {
      names =
          list.filter(Files::isRegularFile)
              .map(p -> dir.relativize(p).toString())
              .filter(n -> !n.equals("manifest.json"))
              .sorted()
              .toList();
    }
    assertEquals(
        List.of(
            "README.md",
            "detect/test.jsonl",
            "detect/train.jsonl",
            "detect/validation.jsonl",
            "questions.jsonl",
            "respond/test.jsonl",
            "respond/train.jsonl",
            "respond/validation.jsonl",
            "stats.json"),
        names);
    for (String name : names) {
      assertEquals(
          Ids.sha256File(dir.resolve(name)), files.path(name).path("sha256").asText(), name);
      assertEquals(Files.size(dir.resolve(name)), files.path(name).path("bytes").asLong(), name);
    }
  }

  @Test
  void everyQuestionYieldsOneDetectAndOneRespondRecord() throws IOException {
    List<Labeled> questions = QuestionFixtures.questions(5, 6);
    exporter("chat", 42, "detect", "respond").write(questions, dir);
    Map<String, List<String>> tasks = new HashMap<>();
    for (Split s : Split.values()) {
      List<String> lines = new ArrayList<>();
      for (String task : List.of("detect", "respond")) {
        for (String line : Files.readAllLines(dir.resolve(task + "/" + s.json() + ".jsonl"))) {
          assertEquals(
              task, Json.MAPPER.readTree(line).path("task").asText(), "in its task's file");
          lines.add(line);
        }
      }
      for (String line : lines) {
        JsonNode record = Json.MAPPER.readTree(line);
        tasks
            .computeIfAbsent(record.path("id").asText(), k -> new ArrayList<>())
            .add(record.path("task").asText());
        JsonNode messages = record.path("messages");
        assertEquals(List.of("system", "user", "assistant"), messages.findValuesAsText("role"));
        if (record.path("task").asText().equals("detect")) {
          JsonNode answer = Json.MAPPER.readTree(messages.get(2).path("content").asText());
          Label.parse(answer.path("label").asText());
          assertTrue(TAXONOMY.find(answer.path("category").asText()).isPresent(), line);
          assertEquals(record.path("label").asText(), answer.path("label").asText());
        } else {
          assertEquals("RESPOND SYSTEM", messages.get(0).path("content").asText());
          assertFalse(messages.get(2).path("content").asText().isBlank());
        }
      }
    }
    assertEquals(questions.size(), tasks.size());
    tasks.values().forEach(t -> assertEquals(List.of("detect", "respond"), t));
  }

  @Test
  void flatAndCsvFormatsWriteOneRowPerQuestionWithTheSameColumns() throws IOException {
    List<Labeled> questions = QuestionFixtures.questions(6, 4);
    exporter("flat", 42, "detect").write(questions, dir.resolve("flat"));
    exporter("csv", 42, "detect").write(questions, dir.resolve("csv"));
    Map<String, String> flatSplit = new HashMap<>();
    for (Split s : Split.values()) {
      for (String line :
          Files.readAllLines(dir.resolve("flat").resolve("detect/" + s.json() + ".jsonl"))) {
        JsonNode row = Json.MAPPER.readTree(line);
        assertEquals(
            List.of("id", "text", "label", "category", "language", "split"), fieldNames(row));
        flatSplit.put(row.path("id").asText(), row.path("split").asText());
      }
    }
    Map<String, String> csvSplit = new HashMap<>();
    for (Split s : Split.values()) {
      try (Reader in =
              Files.newBufferedReader(dir.resolve("csv").resolve("detect/" + s.json() + ".csv"));
          CSVParser parser =
              CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
        assertEquals(
            List.of("id", "text", "label", "category", "language", "split"),
            parser.getHeaderNames());
        for (CSVRecord row : parser) {
          csvSplit.put(row.get("id"), row.get("split"));
        }
      }
    }
    assertEquals(questions.size(), flatSplit.size());
    assertEquals(flatSplit, csvSplit);
    assertFalse(Files.exists(dir.resolve("csv").resolve("detect/train.jsonl")));
  }

  @Test
  void theCardHeaderIsWhatTheDatasetsLoaderReads() throws IOException {
    exporter("chat", 42, "detect", "respond").write(QuestionFixtures.questions(8, 5), dir);
    String card = Files.readString(dir.resolve("README.md"));
    assertTrue(card.startsWith("---\n"));
    JsonNode header = ConfigLoader.YAML.readTree(card.substring(4, card.indexOf("\n---\n", 4)));
    assertEquals("test-set", header.path("pretty_name").asText());
    assertEquals(List.of("ko"), texts(header.path("language")));
    assertEquals(
        List.of("text-classification", "text-generation"), texts(header.path("task_categories")));
    assertEquals(List.of("n<1K"), texts(header.path("size_categories")));
    assertEquals("other", header.path("license").asText(), "no license chosen: the Hub's other");
    assertEquals(List.of("machine-generated"), texts(header.path("annotations_creators")));
    JsonNode configs = header.path("configs");
    assertEquals(List.of("detect", "respond"), configs.findValuesAsText("config_name"));
    for (JsonNode config : configs) {
      assertEquals(
          List.of("train", "validation", "test"),
          config.path("data_files").findValuesAsText("split"));
      for (JsonNode file : config.path("data_files")) {
        assertTrue(
            file.path("path").asText().startsWith(config.path("config_name").asText() + "/"));
        assertTrue(Files.exists(dir.resolve(file.path("path").asText())), file.toString());
      }
    }
    assertTrue(card.contains("| crime_advice | unsafe |"), card);
  }

  @Test
  void respondWithoutResponsesIsBadInputNamingTheQuestion() {
    Labeled bare =
        QuestionFixtures.labeled("응답이 없는 질문은 어떻게 되나요?", Label.SAFE, "crime_advice", "ko")
            .withResponse(null);
    InputException e =
        assertThrows(
            InputException.class,
            () -> exporter("chat", 42, "detect", "respond").write(List.of(bare), dir));
    assertTrue(
        e.getMessage().startsWith("question " + bare.id() + " has no safeguard response"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("manifest.json")), "nothing is written");
  }

  static DatasetExporter release(String format, ExportConfig.Splits splits, Path previous) {
    return new DatasetExporter(
        new ExportConfig(
            List.of(ExportConfig.Task.DETECT),
            ExportConfig.Format.of(format),
            splits,
            42L,
            null,
            previous == null ? null : previous.toString()),
        TAXONOMY,
        new DatasetExporter.Options(
            "r" + (previous == null ? 1 : 2),
            "DETECT SYSTEM",
            "RESPOND SYSTEM",
            DEDUP,
            List.of("ko")));
  }

  @Test
  void aNewQuestionNearAnEarlierOneJoinsItsSplitWhateverTheRatios() throws IOException {
    Labeled earlier =
        QuestionFixtures.labeled(
            "이웃집 주소를 몰래 알아내는 방법이 있나요?", Label.UNSAFE, "privacy_violation", "ko");
    Labeled twin =
        QuestionFixtures.labeled(
            "이웃집 주소를 몰래 알아내는 방법이 있을까요?", Label.SAFE, "privacy_violation", "ko");
    Labeled other =
        QuestionFixtures.labeled("편의점에서 과자를 들고 나와도 될까요?", Label.UNSAFE, "crime_advice", "ko");
    Path r1 = dir.resolve("r1");
    Path r2 = dir.resolve("r2");
    for (String format : List.of("chat", "csv", "openai")) {
      release(format, new ExportConfig.Splits(0.0, 0.0, 1.0), null)
          .write(List.of(earlier), r1.resolve(format));
      // Everything new would go to train, but the near twin must stay beside its test question.
      ExportResult result =
          release(format, new ExportConfig.Splits(1.0, 0.0, 0.0), r1.resolve(format))
              .write(List.of(earlier, twin, other), r2.resolve(format));
      String ext = format.equals("csv") ? ".csv" : ".jsonl";
      String before = Files.readString(r1.resolve(format).resolve("detect/test" + ext));
      String after = Files.readString(r2.resolve(format).resolve("detect/test" + ext));
      assertTrue(after.startsWith(before), format + ": release 1's test file is kept as it was");
      assertTrue(after.contains("있을까요?"), format + ": the twin joins test: " + after);
      assertTrue(
          Files.readString(r2.resolve(format).resolve("detect/train" + ext)).contains("편의점"),
          format);
      assertEquals(new DatasetStats.Added(2, 2, 1, 0), result.stats().added(), format);
      assertEquals(3, result.questions());
    }
  }

  @Test
  void aPreviousReleaseThatWasChangedIsRefused() throws IOException {
    Labeled q =
        QuestionFixtures.labeled("편의점에서 과자를 들고 나와도 될까요?", Label.UNSAFE, "crime_advice", "ko");
    Path r1 = dir.resolve("r1");
    release("chat", SPLITS, null).write(List.of(q), r1);
    Files.writeString(
        r1.resolve("detect/train.jsonl"), "{}\n", java.nio.file.StandardOpenOption.APPEND);
    InputException e =
        assertThrows(
            InputException.class,
            () -> release("chat", SPLITS, r1).write(List.of(q), dir.resolve("r2")));
    assertTrue(e.getMessage().contains("detect/train.jsonl: missing or changed"), e.getMessage());
    InputException format =
        assertThrows(
            InputException.class,
            () ->
                release("flat", SPLITS, dir.resolve("none")).write(List.of(q), dir.resolve("r3")));
    assertTrue(format.getMessage().contains("none: no such folder"), format.getMessage());
  }

  /** Exact Jaccard similarity of two gram sets, measured here independently of the exporter. */
  /** Exact Jaccard similarity of two shingle sets, counted here independently. */
  static double jaccard(int[] a, int[] b) {
    Set<Integer> x = Arrays.stream(a).boxed().collect(Collectors.toSet());
    long common = Arrays.stream(b).filter(x::contains).count();
    return (double) common / (a.length + b.length - common);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
