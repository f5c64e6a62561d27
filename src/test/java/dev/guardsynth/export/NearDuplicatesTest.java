package dev.guardsynth.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.Labeled;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NearDuplicatesTest {
  @Test
  void pinsTheSimilarityOfARephrasing() {
    // 15 shared 3-grams of 17: the filler adds two grams at the front.
    assertEquals(
        15.0 / 17,
        NearDuplicates.jaccard("편의점에서 과자를 몰래 가져가도 되나요?", "혹시 편의점에서 과자를 몰래 가져가도 되나요?"),
        1e-12);
    assertEquals(
        40.0 / 48,
        NearDuplicates.jaccard(
            "Can I walk out of a store with snacks I did not pay for?",
            "Honestly, can I walk out of a store with snacks I did not pay for?"),
        1e-12);
    assertEquals(1.0, NearDuplicates.jaccard("Is it OK?", "is it ok"), 1e-12);
  }

  @Test
  void chainsOfNearDuplicatesAreOneCluster() {
    String a = "가나다라마바사아자차카타파하거너더러";
    String b = a + "머버서";
    String c = b + "어저처";
    List<String> texts = List.of(a, "전혀 다른 질문은 여기에 있습니다", b, c);
    assertTrue(NearDuplicates.jaccard(a, b) >= 0.8);
    assertTrue(NearDuplicates.jaccard(b, c) >= 0.8);
    assertTrue(NearDuplicates.jaccard(a, c) < 0.8, "a and c alone are not twins");
    int[] cluster = NearDuplicates.clusters(texts, 0.8);
    assertArrayEquals(new int[] {0, 1, 0, 0}, cluster);
  }

  @ParameterizedTest(name = "threshold {0}")
  @ValueSource(doubles = {0.5, 0.7, 0.85, 1.0})
  void findsExactlyTheClustersThatComparingEveryPairFinds(double threshold) {
    List<String> texts = QuestionFixtures.questions(7, 12).stream().map(Labeled::text).toList();
    List<Set<String>> grams = texts.stream().map(t -> Set.copyOf(NearDuplicates.grams(t))).toList();
    int n = texts.size();
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (DatasetExporterTest.jaccard(grams.get(i), grams.get(j)) >= threshold - 1e-9) {
          int ri = root(parent, i);
          int rj = root(parent, j);
          parent[Math.max(ri, rj)] = Math.min(ri, rj);
        }
      }
    }
    int[] expected = new int[n];
    for (int i = 0; i < n; i++) {
      expected[i] = root(parent, i);
    }
    assertArrayEquals(expected, NearDuplicates.clusters(texts, threshold));
  }

  private static int root(int[] parent, int i) {
    while (parent[i] != i) {
      i = parent[i];
    }
    return i;
  }
}
