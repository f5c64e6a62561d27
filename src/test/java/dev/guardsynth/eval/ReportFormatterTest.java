package dev.guardsynth.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Json;
import dev.guardsynth.eval.ReportFormatter.Format;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class ReportFormatterTest {
  /** Case A of {@link EvaluatorTest}: tn=50 fp=10 fn=5 tp=35. */
  private static final Report A = EvaluatorTest.evaluate(50, 10, 5, 35, 0);

  @Test
  void textFollowsClassificationReportsLayoutWithFourDigits() {
    String text = ReportFormatter.format(List.of(A), Format.TEXT);

    // classification_report(..., digits=4) prints these lines for the same labels.
    String expected =
        """
                      precision    recall  f1-score   support

                safe     0.9091    0.8333    0.8696        60
              unsafe     0.7778    0.8750    0.8235        40

            accuracy                         0.8500       100
           macro avg     0.8434    0.8542    0.8465       100
        weighted avg     0.8566    0.8500    0.8512       100
        """;
    assertTrue(text.contains(expected), text);
    assertTrue(text.contains("P / R / F1 (unsafe): 0.7778 / 0.8750 / 0.8235"), text);
    assertTrue(text.contains("  safe           50       10\n  unsafe          5       35\n"), text);
  }

  @Test
  void jsonHasStableSnakeCaseKeys() throws IOException {
    Report withIntervals = EvaluatorTest.evaluate(50, 10, 5, 35, 100);

    JsonNode json =
        Json.MAPPER.readTree(ReportFormatter.format(List.of(withIntervals), Format.JSON));
    JsonNode r = json.get("reports").get(0);

    assertEquals("guard", r.get("system").asText());
    assertEquals(100, r.get("examples").asInt());
    assertEquals(35, r.at("/confusion/tp").asInt());
    assertEquals(35.0 / 45, r.at("/unsafe/precision").asDouble(), 1e-12);
    assertEquals(0.851151, r.at("/weighted_avg/f1").asDouble(), 1e-6);
    assertEquals(0.846547, r.at("/macro_avg/f1").asDouble(), 1e-6);
    assertEquals(100, r.at("/intervals/resamples").asInt());
    assertTrue(r.at("/intervals/unsafe_f1/low").isNumber());
    assertFalse(r.has("counted_as"), "no missing predictions, so nothing was counted as a label");
  }

  @Test
  void csvIsOneWideRowPerSystem() throws IOException {
    Report b = EvaluatorTest.evaluate(3, 0, 2, 0, 0);

    String csv = ReportFormatter.format(List.of(A, b), Format.CSV);
    List<CSVRecord> rows;
    try (CSVParser parser =
        CSVParser.parse(
            new StringReader(csv),
            CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
      rows = parser.getRecords();
    }

    assertEquals(2, rows.size());
    assertEquals(0.85, Double.parseDouble(rows.get(0).get("accuracy")), 1e-12);
    assertEquals("0.0", rows.get(1).get("unsafe_precision"));
    assertEquals("2", rows.get(1).get("unsafe_support"));
  }

  @Test
  void aComparisonHasOneRowPerSystemAndPairedIntervals() {
    Report a = EvaluatorTest.evaluate(50, 10, 5, 35, 200);
    Report d = EvaluatorTest.evaluate(50, 10, 5, 35, 200);

    String text = ReportFormatter.format(List.of(a, d), Format.TEXT);
    String markdown = ReportFormatter.format(List.of(a, d), Format.MARKDOWN);

    assertTrue(
        text.contains(
            "system  unsafe P  unsafe R  unsafe F1  safe P  safe R  safe F1  weighted P  weighted R"
                + "  weighted F1  accuracy\n"
                + "guard     0.7778    0.8750     0.8235  0.9091  0.8333   0.8696      0.8566     "
                + " 0.8500       0.8512    0.8500\n"),
        text);
    assertTrue(text.contains("the same resamples for every system"), text);
    assertTrue(
        markdown.contains(
            "| guard | 0.7778 | 0.8750 | 0.8235 | 0.9091 | 0.8333 | 0.8696 | 0.8566 | 0.8500 |"
                + " 0.8512 | 0.8500 |\n"),
        markdown);
  }
}
