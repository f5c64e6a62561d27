package dev.guardsynth.config;

/**
 * Near-duplicate removal settings. The defaults are the best measured by {@code scripts/bench
 * dedup} on a Korean and English corpus with planted near-duplicates: character trigrams at Jaccard
 * 0.7 catch every spacing, punctuation, width and particle variant and 99% of single-word
 * insertions and deletions, while merging 0.2% of distinct questions; 256 permutations in 32 bands
 * of 8 rows put the LSH S-curve at 0.65, just under the threshold (pair recall 0.996), and keep
 * unrelated candidates to a handful per question.
 *
 * @param shingle {@code char:N}, {@code word:N} or {@code nori:N}
 * @param numPerm MinHash permutations (signature length)
 * @param bands LSH bands; must divide {@code num_perm}
 * @param threshold Jaccard similarity at or above which two questions are duplicates
 * @param index folder of a persistent Lucene index of earlier releases, or null
 */
public record DedupConfig(
    String shingle, Integer numPerm, Integer bands, Double threshold, String index) {
  public DedupConfig {
    shingle = Check.orDefault(shingle, "char:3");
    if (!shingle.matches("(char|word|nori):[1-9][0-9]?")) {
      throw new IllegalArgumentException(
          "shingle: '"
              + shingle
              + "' is not allowed; use char:N, word:N or nori:N with N from 1 to 99");
    }
    numPerm = Check.intRange("num_perm", numPerm, 256, 8, 1024);
    bands = Check.intRange("bands", bands, 32, 1, numPerm);
    checkBands(numPerm, bands);
    threshold = Check.range("threshold", threshold, 0.7, 0.01, 1.0);
  }

  /** That {@code bands} cut a signature of {@code numPerm} rows into equal bands. */
  public static void checkBands(int numPerm, int bands) {
    if (bands < 1 || numPerm % bands != 0) {
      throw new IllegalArgumentException(
          "bands: "
              + bands
              + " does not divide num_perm "
              + numPerm
              + "; use a divisor of "
              + numPerm);
    }
  }

  static DedupConfig defaults() {
    return new DedupConfig(null, null, null, null, null);
  }
}
