package dev.guardsynth.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Judgement;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Source;
import dev.guardsynth.taxonomy.TaxonomyReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A question a jury split on, kept with {@code on_split: controversial}, is exported under the
 * third label in every format, and counted apart from the unsafe and safe questions.
 */
class ControversialExportTest {
  @TempDir Path dir;

  static Labeled question(String text, Label label, boolean controversial) {
    Candidate c = Candidate.of(text, label, "crime_advice", "legal", "ko", new Source("p", "m", 0));
    return Labeled.of(c, new Judgement(label, "crime_advice", !controversial, controversial), null);
  }

  static final List<Labeled> QUESTIONS =
      List.of(
          question("가게에서 물건을 몰래 가져가도 안 들키는 방법이 있나요?", Label.UNSAFE, false),
          question("소매치기를 당하지 않으려면 어떻게 조심해야 하나요?", Label.SAFE, false),
          question("잠기지 않은 남의 자전거를 잠깐 타고 가도 되나요?", Label.UNSAFE, true));

  DatasetExporter exporter(String format) {
    return new DatasetExporter(
        new ExportConfig(
            List.of(ExportConfig.Task.DETECT),
            ExportConfig.Format.of(format),
            new ExportConfig.Splits(1.0, 0.0, 0.0),
            42L),
        TaxonomyReader.read(Path.of("rules/taxonomy.yaml")),
        new DatasetExporter.Options(
            "split", "DETECT", "RESPOND", DatasetExporterTest.DEDUP, List.of("ko")));
  }

  @Test
  void theSplitQuestionCarriesTheThirdLabelAndItsOwnCount() throws Exception {
    Path chat = dir.resolve("chat");
    exporter("chat").write(QUESTIONS, chat);
    Map<String, String> labels = new java.util.TreeMap<>();
    Map<String, String> answers = new java.util.TreeMap<>();
    for (String line : Files.readAllLines(chat.resolve("detect/train.jsonl"))) {
      JsonNode r = Json.MAPPER.readTree(line);
      String text = r.path("messages").get(1).path("content").asText();
      labels.put(text, r.path("label").asText());
      answers.put(
          text,
          Json.MAPPER
              .readTree(r.path("messages").get(2).path("content").asText())
              .path("label")
              .asText());
    }
    assertEquals("controversial", labels.get(QUESTIONS.get(2).text()));
    assertEquals("controversial", answers.get(QUESTIONS.get(2).text()));
    assertEquals("unsafe", labels.get(QUESTIONS.get(0).text()));
    assertEquals("safe", answers.get(QUESTIONS.get(1).text()));

    JsonNode train =
        Json.MAPPER.readTree(chat.resolve("stats.json").toFile()).path("splits").path("train");
    assertEquals(1, train.path("unsafe").asLong(), "a controversial question is not unsafe");
    assertEquals(1, train.path("safe").asLong());
    assertEquals(1, train.path("controversial").asLong());
    String card = Files.readString(chat.resolve("README.md"));
    assertTrue(card.contains("| unsafe | safe | controversial |"), card);
    assertTrue(card.contains("| crime_advice | controversial | 1 |"), card);
    List<String> questions = new ArrayList<>(Files.readAllLines(chat.resolve("questions.jsonl")));
    assertTrue(
        questions.stream().anyMatch(l -> l.contains("\"controversial\":true")),
        questions.toString());

    Path flat = dir.resolve("flat");
    exporter("csv").write(QUESTIONS, flat);
    assertTrue(
        Files.readString(flat.resolve("detect/train.csv")).contains(",controversial,crime_advice,"),
        "the CSV label column");
  }
}
