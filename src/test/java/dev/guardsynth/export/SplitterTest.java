package dev.guardsynth.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SplitterTest {
  static final ExportConfig.Splits RATIOS = new ExportConfig.Splits(0.8, 0.1, 0.1);

  /** One stratum made of clusters of the given sizes; returns the questions per split. */
  static int[] place(List<Integer> clusterSizes, long seed) {
    List<Labeled> questions = new ArrayList<>();
    List<Integer> cluster = new ArrayList<>();
    for (int c = 0; c < clusterSizes.size(); c++) {
      int first = questions.size();
      for (int m = 0; m < clusterSizes.get(c); m++) {
        questions.add(
            QuestionFixtures.labeled("질문 " + c + "-" + m, Label.UNSAFE, "crime_advice", "ko"));
        cluster.add(first);
      }
    }
    int[] clusters = cluster.stream().mapToInt(Integer::intValue).toArray();
    Map<String, Split> split = Splitter.assign(questions, clusters, RATIOS, seed);
    int[] counts = new int[3];
    for (int i = 0; i < questions.size(); i++) {
      Split s = split.get(questions.get(i).id());
      counts[s.ordinal()]++;
      assertEquals(s, split.get(questions.get(clusters[i]).id()), "a cluster stays in one split");
    }
    return counts;
  }

  static double maxGap(int[] counts) {
    int n = Arrays.stream(counts).sum();
    double[] ratios = {0.8, 0.1, 0.1};
    double gap = 0;
    for (int k = 0; k < 3; k++) {
      gap = Math.max(gap, Math.abs(counts[k] - n * ratios[k]));
    }
    return gap;
  }

  @ParameterizedTest(name = "clusters {0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          2 2 2 2 2 1           | 8 2 1
          1 1 1 1 1 1 1 1 1 1   | 8 1 1
          1 1 1 1 1 1 1 1 1 1 1 | 9 1 1
          3 3 3 3 2 1 1 1       | 13 2 2
          3 2 2 2 2 2 2         | 11 2 2
          """)
  void clustersAndSinglesReachTheClosestSplitTheirSizesAllow(String sizes, String expected) {
    List<Integer> clusterSizes = Arrays.stream(sizes.split(" ")).map(Integer::valueOf).toList();
    int[] want = Arrays.stream(expected.split(" ")).mapToInt(Integer::parseInt).toArray();
    for (long seed = 0; seed < 10; seed++) {
      int[] got = place(clusterSizes, seed);
      // Validation and test have the same ratio, so either may take the odd question.
      assertEquals(want[0], got[0], "seed " + seed + ": " + Arrays.toString(got));
      assertEquals(
          Math.max(want[1], want[2]),
          Math.max(got[1], got[2]),
          "seed " + seed + ": " + Arrays.toString(got));
      assertTrue(maxGap(got) <= 1 + 1e-9, Arrays.toString(got));
    }
  }

  @Test
  void whenClusterSizesAllowNoSplitWithinOneTheGapIsAsSmallAsTheyAllow() {
    // Seven pairs: 11 or 12 in train and 1 or 2 in each other split cannot add up to 14 in twos.
    int[] got = place(List.of(2, 2, 2, 2, 2, 2, 2), 42);
    assertEquals(14, Arrays.stream(got).sum());
    assertEquals(1.2, maxGap(got), 1e-9, Arrays.toString(got));
  }

  @ParameterizedTest(name = "fixture seed {0}")
  @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
  void typicalClustersKeepEveryStratumWithinOneQuestionOfTarget(long seed) {
    List<Labeled> questions = QuestionFixtures.questions(seed, 9);
    int[] cluster =
        NearDuplicates.clusters(
            questions.stream().map(Labeled::text).toList(), DatasetExporterTest.DEDUP);
    Map<String, Split> split = Splitter.assign(questions, cluster, RATIOS, 42);
    Map<String, int[]> counts = new HashMap<>();
    for (Labeled q : questions) {
      counts.computeIfAbsent(Splitter.stratum(q), k -> new int[3])[split.get(q.id()).ordinal()]++;
    }
    counts.forEach((stratum, c) -> assertTrue(maxGap(c) < 1, stratum + ": " + Arrays.toString(c)));
  }
}
