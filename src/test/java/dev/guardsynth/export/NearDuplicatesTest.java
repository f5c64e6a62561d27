package dev.guardsynth.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Duplicate;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Source;
import dev.guardsynth.dedup.Deduplicator;
import dev.guardsynth.dedup.QuestionShingles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NearDuplicatesTest {
  private static final String ADDRESS =
      "How can I find out someone's home address from their phone number?";
  private static final String SNACKS = "편의점에서 과자를 몰래 가져가도 되나요?";

  /**
   * Questions with rewrites that character and word shingles judge differently: a respacing is the
   * same text to {@code char:3} and a different one to words; a reordering the other way.
   */
  private static final List<String> TEXTS =
      List.of(
          ADDRESS,
          "From their phone number, how can I find out someone's home address?", // reordered
          SNACKS,
          "편의점 에서 과자 를 몰래 가져 가도 되나 요?", // respaced
          "혹시 편의점에서 과자를 몰래 가져가도 되나요?", // a filler in front
          "Is it legal to read my partner's messages without asking them first?");

  static DedupConfig dedup(String shingle, double threshold) {
    return new DedupConfig(shingle, null, null, threshold, null);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"char:3", "word:1", "word:2", "nori:1"})
  void groupsAsTheDedupStageDecides(String shingle) throws InterruptedException {
    DedupConfig config = dedup(shingle, 0.7);
    // Every question under one label, so dedup merges whatever it finds near.
    List<Candidate> candidates = new ArrayList<>();
    for (String text : TEXTS) {
      candidates.add(Candidate.of(text, Label.UNSAFE, "privacy_violation", "g", "en", SOURCE));
    }
    List<Duplicate> duplicates = new ArrayList<>();
    try (Deduplicator dedup = Deduplicator.open(config)) {
      dedup.run(candidates.stream(), kept -> {}, duplicates::add, pair -> {});
    }
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < candidates.size(); i++) {
      position.put(candidates.get(i).id(), i);
    }
    int[] expected = new int[TEXTS.size()];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = i;
    }
    for (Duplicate d : duplicates) {
      // Each duplicate joins the kept question dedup matched it with (earlier, so smaller).
      expected[position.get(d.id())] = expected[position.get(d.duplicateOf())];
    }
    assertArrayEquals(expected, NearDuplicates.clusters(TEXTS, config), shingle);
  }

  @ParameterizedTest(name = "threshold {0}")
  @ValueSource(doubles = {0.5, 0.7, 0.85})
  void theConfiguredShinglesDecideTheClusters(double threshold) {
    int[] chars = NearDuplicates.clusters(TEXTS, dedup("char:3", threshold));
    int[] words = NearDuplicates.clusters(TEXTS, dedup("word:1", threshold));
    assertEquals(2, chars[3], "char:3 does not see spacing");
    assertEquals(3, words[3], "word:1 does");
    assertEquals(0, words[1], "word:1 does not see word order");
  }

  /**
   * Against comparing every pair exactly: export links no pair below the threshold, and misses none
   * of 0.9 or more (LSH's odds of missing one are below 1 in 10^7). Between the two it misses what
   * dedup misses: a pair at exactly 0.7 shares a band 85% of the time.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"char:3", "word:1", "word:2"})
  void linksOnlyNearPairsAndMissesNoneWellAboveTheThreshold(String shingle) {
    DedupConfig config = dedup(shingle, 0.7);
    List<String> texts = QuestionFixtures.questions(7, 12).stream().map(Labeled::text).toList();
    int n = texts.size();
    int[] near = new int[n];
    int[] sure = new int[n];
    for (int i = 0; i < n; i++) {
      near[i] = i;
      sure[i] = i;
    }
    try (QuestionShingles shingles = new QuestionShingles(config)) {
      List<int[]> sets = texts.stream().map(shingles::of).toList();
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          double similarity = DatasetExporterTest.jaccard(sets.get(i), sets.get(j));
          if (similarity >= 0.7) {
            join(near, i, j);
          }
          if (similarity >= 0.9) {
            join(sure, i, j);
          }
        }
      }
    }
    int[] cluster = NearDuplicates.clusters(texts, config);
    int linked = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        boolean together = cluster[i] == cluster[j];
        linked += together ? 1 : 0;
        if (together) {
          assertEquals(root(near, i), root(near, j), "linked only by near pairs: " + i + ", " + j);
        }
        if (root(sure, i) == root(sure, j)) {
          assertEquals(cluster[i], cluster[j], "pairs at 0.9 or more are never missed");
        }
      }
    }
    assertTrue(linked > 0, "the fixture has near-duplicates");
  }

  private static void join(int[] parent, int i, int j) {
    int ri = root(parent, i);
    int rj = root(parent, j);
    parent[Math.max(ri, rj)] = Math.min(ri, rj);
  }

  private static final Source SOURCE = new Source("p", "m", 0);

  private static int root(int[] parent, int i) {
    while (parent[i] != i) {
      i = parent[i];
    }
    return i;
  }
}
