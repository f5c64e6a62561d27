package dev.guardsynth.dedup;

/**
 * What a dedup run did.
 *
 * @param questions questions read
 * @param unique questions kept
 * @param duplicates questions dropped as near-duplicates of a kept one
 * @param crossLabelPairs near-identical pairs with different labels, both kept
 * @param earlierReleases questions in the index from earlier releases (0 without an index)
 * @param seconds wall time of the run
 */
public record DedupResult(
    long questions,
    long unique,
    long duplicates,
    long crossLabelPairs,
    long earlierReleases,
    double seconds) {
  /** Questions per second. */
  public double questionsPerSecond() {
    return seconds > 0 ? questions / seconds : 0;
  }
}
