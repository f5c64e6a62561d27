package dev.guardsynth.dedup;

import dev.guardsynth.config.DedupConfig;
import java.util.Arrays;
import java.util.List;

/**
 * Near-duplicates as the dedup stage judges them, for stages that must agree with it (export keeps
 * each near-duplicate cluster inside one split): a question's shingle set under {@code
 * dedup.shingle}, made by the same {@link QuestionAnalyzer} and {@link Shingler}; candidate pairs
 * from the same MinHash signatures and LSH bands ({@code num_perm}, {@code bands}); and the exact
 * {@link Jaccard} test at {@code dedup.threshold} that dedup verifies every candidate with.
 *
 * <p>Not thread-safe (the shingler reuses a buffer); close it to release the analyzer.
 */
public final class QuestionShingles implements AutoCloseable {
  /** Receives a near-duplicate pair of questions by their positions in the list. */
  @FunctionalInterface
  public interface PairConsumer {
    void accept(int earlier, int later);
  }

  private final QuestionAnalyzer analyzer;
  private final Shingler shingler;
  private final MinHasher minHasher;
  private final Banding banding;
  private final double threshold;

  /**
   * @throws IllegalArgumentException if {@code config.shingle()} is not a scheme
   */
  public QuestionShingles(DedupConfig config) {
    this.analyzer = new QuestionAnalyzer(ShingleScheme.parse(config.shingle()));
    this.shingler = new Shingler(analyzer);
    this.minHasher = new MinHasher(config.numPerm());
    this.banding = new Banding(config.numPerm(), config.bands());
    this.threshold = config.threshold();
  }

  /** The sorted, distinct shingle hashes of {@code text}, as dedup computes them; never empty. */
  public int[] of(String text) {
    return shingler.shingles(text);
  }

  /** Whether dedup calls two shingle sets (from {@link #of}) near-duplicates. */
  public boolean near(int[] a, int[] b) {
    // Jaccard is at most the smaller set over the larger: skip pairs that cannot reach it.
    if (Math.min(a.length, b.length) < threshold * Math.max(a.length, b.length)) {
      return false;
    }
    return Jaccard.of(a, b) >= threshold;
  }

  /**
   * Hands every near-duplicate pair among {@code texts} to {@code pairs}, each once, as dedup finds
   * pairs: those that share an LSH band, verified exactly. Unlike dedup it compares every question
   * with every other, labels aside, and drops none. Time grows with the number of questions and of
   * pairs that share a band, not with the square of the questions.
   */
  public void forEachNearPair(List<String> texts, PairConsumer pairs) {
    int n = texts.size();
    int[][] sets = new int[n][];
    BandTable table = new BandTable(banding.bands());
    int[] slots = new int[banding.bands()];
    int[] checkedBy = new int[n];
    Arrays.fill(checkedBy, -1);
    for (int i = 0; i < n; i++) {
      sets[i] = of(texts.get(i));
      long[] keys = banding.keys(minHasher.signature(sets[i]));
      for (int band = 0; band < keys.length; band++) {
        slots[band] = table.find(band, keys[band]);
      }
      for (int band = 0; band < keys.length; band++) {
        for (int e = table.first(band, slots[band]); e >= 0; e = table.next(e)) {
          int j = table.question(e);
          if (checkedBy[j] != i) {
            checkedBy[j] = i; // a pair that shares several bands is tested once
            if (near(sets[j], sets[i])) {
              pairs.accept(j, i);
            }
          }
        }
      }
      table.add(keys, slots); // the slots found above: nothing was added since
    }
  }

  /** The exact Jaccard similarity of two shingle sets (from {@link #of}), as dedup measures it. */
  public static double similarity(int[] a, int[] b) {
    return Jaccard.of(a, b);
  }

  public double threshold() {
    return threshold;
  }

  @Override
  public void close() {
    analyzer.close();
  }
}
