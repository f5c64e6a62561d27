package dev.guardsynth.export;

import java.util.List;
import java.util.Map;

/**
 * {@code dataset/stats.json}: what an export holds. Deterministic (no times, no paths), so a
 * re-export with the same seed gives the same bytes. Immutable.
 *
 * @param questions distinct questions exported
 * @param records lines (or CSV rows) written over all splits
 * @param splits counts per split
 * @param categories questions per category, then label, then split
 * @param languages questions per language, then split
 * @param maxDeviation the largest gap, over every label × category × split, between the questions
 *     placed and the exact target (questions × ratio); at most 1 means every split is within one
 *     question of its target, more means near-duplicate clusters left no closer split
 */
public record DatasetStats(
    String name,
    long seed,
    String format,
    List<String> tasks,
    long questions,
    long records,
    Map<String, SplitCounts> splits,
    Map<String, Map<String, Map<String, Long>>> categories,
    Map<String, Map<String, Long>> languages,
    NearDuplicateCounts nearDuplicates,
    double maxDeviation) {

  /** One split's size. */
  public record SplitCounts(long questions, long records, long unsafe, long safe) {}

  /**
   * @param threshold Jaccard similarity (character 3-grams) at which two questions are near twins
   * @param clusters clusters of two or more questions, each kept inside one split
   * @param questionsInClusters questions in those clusters
   * @param largest the largest cluster's size
   */
  public record NearDuplicateCounts(
      double threshold, long clusters, long questionsInClusters, long largest) {}
}
