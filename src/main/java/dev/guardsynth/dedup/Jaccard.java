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
    int common = 0;
    while (i < end && j < b.length) {
      int x = a[i];
      int y = b[j];
      if (x == y) {
        common++;
        i++;
        j++;
      } else if (x < y) {
        i++;
      } else {
        j++;
      }
    }
    return (double) common / (length + b.length - common);
  }
}
