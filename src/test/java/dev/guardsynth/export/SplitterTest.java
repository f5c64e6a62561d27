package dev.guardsynth.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Source;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SplitterTest {
  private static List<Candidate> questions(int perStratum) {
    List<Candidate> out = new ArrayList<>();
    for (String category : List.of("crime_advice", "privacy_violation")) {
      for (Label label : Label.values()) {
        for (int i = 0; i < perStratum; i++) {
          out.add(
              Candidate.of(
                  category + " " + label + " question " + i + "?",
                  label,
                  category,
                  "legal",
                  "en",
                  new Source("p", "m", i)));
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @CsvSource({"10, 8, 1, 1", "7, 5, 1, 1", "1, 1, 0, 0", "0, 0, 0, 0", "33, 27, 3, 3"})
  void largestRemainderSizes(int n, int train, int validation, int test) {
    assertArrayEquals(
        new int[] {train, validation, test}, Splitter.sizes(n, new double[] {0.8, 0.1, 0.1}));
  }

  @Test
  void everyStratumIsWithinOneQuestionOfTheRatios() {
    List<Candidate> all = questions(23);
    Map<String, Split> splits = Splitter.assign(all, new ExportConfig.Splits(0.8, 0.1, 0.1), 7);
    assertEquals(all.size(), splits.size());
    for (String category : List.of("crime_advice", "privacy_violation")) {
      for (Label label : Label.values()) {
        long train =
            all.stream()
                .filter(c ->
                    c.category().equals(category)
                        && c.label() == label
                        && splits.get(c.id()) == Split.TRAIN)
                .count();
        long test =
            all.stream()
                .filter(c ->
                    c.category().equals(category)
                        && c.label() == label
                        && splits.get(c.id()) == Split.TEST)
                .count();
        assertTrue(Math.abs(train - 23 * 0.8) <= 1, "train " + train);
        assertTrue(Math.abs(test - 23 * 0.1) <= 1, "test " + test);
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameSplitsWhateverTheInputOrder() {
    List<Candidate> all = questions(20);
    List<Candidate> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, new Random(1));
    ExportConfig.Splits ratios = new ExportConfig.Splits(0.8, 0.1, 0.1);
    assertEquals(Splitter.assign(all, ratios, 42), Splitter.assign(shuffled, ratios, 42));
    assertTrue(!Splitter.assign(all, ratios, 42).equals(Splitter.assign(all, ratios, 43)));
  }
}
