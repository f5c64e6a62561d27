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
 * @param previous the release this one extends, or null
 * @param added what this release added to the previous one (everything, without one)
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
    double maxDeviation,
    Previous previous,
    Added added) {

  /**
   * The release this one extends, whose records it holds unchanged and in their splits.
   *
   * @param name its name
   * @param questions its questions
   * @param records its records
   */
  public record Previous(String name, long questions, long records) {}

  /**
   * What this release added.
   *
   * @param questions new questions
   * @param records their records
   * @param alreadyReleased input questions the previous release already holds (same id or text)
   * @param nearTwoSplits input questions left out because they are near-duplicates of previous
   *     questions in two different splits, so no split could take them without a near twin across
   *     splits
   */
  public record Added(long questions, long records, long alreadyReleased, long nearTwoSplits) {}

  /**
   * One split's size.
   *
   * @param controversial questions exported as {@code controversial}, counted in neither {@code
   *     unsafe} nor {@code safe}; null (left out) when there are none
   */
  public record SplitCounts(
      long questions, long records, long unsafe, long safe, Long controversial) {}

  /**
   * @param threshold Jaccard similarity of their shingles at which two questions are near twins
   * @param shingle how questions are cut into shingles, as in {@code dedup.shingle}: {@code
   *     char:3}, {@code word:2}, ...
   * @param clusters clusters of two or more questions, each kept inside one split
   * @param questionsInClusters questions in those clusters
   * @param largest the largest cluster's size
   */
  public record NearDuplicateCounts(
      double threshold, String shingle, long clusters, long questionsInClusters, long largest) {}
}
