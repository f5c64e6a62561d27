package dev.guardsynth.dedup;

import dev.guardsynth.config.DedupConfig;

/**
 * Locality-sensitive hashing over MinHash signatures: a signature of {@code bands * rows} rows is
 * cut into {@code bands} bands, and two questions become a candidate pair when all rows of at least
 * one band agree. For a pair of Jaccard similarity {@code s} that happens with probability {@code 1
 * - (1 - s^rows)^bands}: an S-curve that rises steepest near {@code (1/bands)^(1/rows)}.
 *
 * <p>Candidates are only candidates: the caller verifies each against the threshold, so the curve
 * should sit below the threshold, trading some extra verification for recall. Immutable.
 */
final class Banding {
  private final int bands;
  private final int rows;

  Banding(int numPerm, int bands) {
    DedupConfig.checkBands(numPerm, bands);
    this.bands = bands;
    this.rows = numPerm / bands;
  }

  int bands() {
    return bands;
  }

  int rows() {
    return rows;
  }

  /**
   * One 64-bit key per band: the band's number and its rows, hashed. The band number is part of the
   * key, so equal rows in different bands never meet.
   */
  long[] keys(int[] signature) {
    long[] keys = new long[bands];
    for (int band = 0; band < bands; band++) {
      long h = 0x9e3779b97f4a7c15L * (band + 1);
      for (int row = band * rows, end = row + rows; row < end; row++) {
        h = (h ^ (signature[row] & 0xffffffffL)) * 0xbf58476d1ce4e5b9L;
      }
      keys[band] = Shingler.mix64(h);
    }
    return keys;
  }

  /** The chance that a pair of Jaccard similarity {@code s} shares at least one band. */
  double candidateProbability(double s) {
    return 1 - Math.pow(1 - Math.pow(s, rows), bands);
  }

  /** The similarity where the S-curve is steepest, {@code (1/bands)^(1/rows)}. */
  double curveThreshold() {
    return Math.pow(1.0 / bands, 1.0 / rows);
  }

  @Override
  public String toString() {
    return bands + " bands of " + rows + " rows";
  }
}
