package dev.guardsynth.dedup;

/**
 * A 2-bit MinHash sketch: the lowest two bits of each signature row, 32 rows to a {@code long}. Two
 * rows that agree (probability = Jaccard {@code s}) agree on their bits; two that differ still
 * agree on two random bits a quarter of the time, so the share of agreeing 2-bit lanes estimates
 * {@code s + (1 - s) / 4}. A few XORs and popcounts over one cache line tell most LSH candidates
 * from true near-duplicates before the exact comparison, which costs a walk over both shingle sets.
 *
 * <p>The cut-off sits {@value #SIGMAS} standard deviations below the expected agreement at the
 * threshold, so a pair at or above the threshold is rejected with probability below one in a
 * million: the sketch saves work, it never decides.
 */
final class Sketch {
  static final double SIGMAS = 5.0;
  private static final long LOW_BITS = 0x5555555555555555L;

  private Sketch() {}

  /** Words per sketch of {@code rows} signature rows. */
  static int words(int rows) {
    return (rows + 31) / 32;
  }

  /** Writes the sketch of {@code signature} into {@code out} at {@code offset}. */
  static void write(int[] signature, long[] out, int offset) {
    for (int w = 0; w < words(signature.length); w++) {
      long word = 0;
      for (int i = w * 32, end = Math.min(signature.length, i + 32); i < end; i++) {
        word |= (signature[i] & 3L) << (2 * (i - w * 32));
      }
      out[offset + w] = word;
    }
  }

  /** How many of the {@code rows} 2-bit lanes of two sketches agree. */
  static int agreements(long[] a, int aOffset, long[] b, int bOffset, int rows) {
    int words = words(rows);
    int differ = 0;
    for (int w = 0; w < words; w++) {
      long x = a[aOffset + w] ^ b[bOffset + w];
      differ += Long.bitCount((x | (x >>> 1)) & LOW_BITS);
    }
    return rows - differ;
  }

  /**
   * The fewest agreeing lanes a pair at similarity {@code threshold} shows, but for a chance below
   * one in a million; 0 when {@code rows} are too few to tell.
   */
  static int minAgreements(int rows, double threshold) {
    double p = threshold + (1 - threshold) / 4;
    double mean = rows * p;
    double sd = Math.sqrt(rows * p * (1 - p));
    return Math.max(0, (int) Math.floor(mean - SIGMAS * sd));
  }
}
