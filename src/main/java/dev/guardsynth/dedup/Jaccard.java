package dev.guardsynth.dedup;

/** Exact Jaccard similarity of two shingle sets held as sorted, distinct int arrays. */
final class Jaccard {
  private Jaccard() {}

  static double of(int[] a, int[] b) {
    return of(a, 0, a.length, b);
  }

  /** Similarity of {@code a[from, from + length)} and all of {@code b}. */
  static double of(int[] a, int from, int length, int[] b) {
    int i = from;
    int end = from + length;
    int j = 0;
    int bLength = b.length;
    int common = 0;
    // Branch-free steps: which side advances is data the CPU cannot predict, and a conditional
    // move costs less than a mispredicted branch (about twice as fast on 40-element sets).
    while (i < end && j < bLength) {
      int x = a[i];
      int y = b[j];
      common += x == y ? 1 : 0;
      i += x <= y ? 1 : 0;
      j += y <= x ? 1 : 0;
    }
    return (double) common / (length + bLength - common);
  }
}
