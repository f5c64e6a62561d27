package dev.guardsynth.export;

import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.dedup.bench.QuestionCorpus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/bench near [N]}: how long export takes to group N questions (default 20,000 and
 * then 100,000) of the dedup benchmark's corpus into near-duplicate clusters, under {@code char:3}
 * and {@code word:1} at 0.7 with dedup's default bands. Prints seconds, clusters and the largest
 * cluster; asserts nothing.
 */
public final class NearDuplicatesBench {
  private NearDuplicatesBench() {}

  public static void main(String[] args) {
    List<Integer> sizes =
        args.length > 0 ? List.of(Integer.parseInt(args[0])) : List.of(20_000, 100_000);
    for (int n : sizes) {
      QuestionCorpus corpus = new QuestionCorpus(42);
      List<String> texts = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        texts.add(corpus.next(i).candidate().text());
      }
      for (String shingle : List.of("char:3", "word:1")) {
        DedupConfig dedup = new DedupConfig(shingle, null, null, 0.7, null);
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
          long start = System.nanoTime();
          int[] cluster = NearDuplicates.clusters(texts, dedup);
          double seconds = (System.nanoTime() - start) / 1e9;
          if (round == 1) {
            System.out.println(figures(n, shingle, seconds, cluster));
          }
        }
      }
    }
  }

  private static String figures(int n, String shingle, double seconds, int[] cluster) {
    Map<Integer, Integer> sizes = new HashMap<>();
    for (int c : cluster) {
      sizes.merge(c, 1, Integer::sum);
    }
    long clusters = sizes.values().stream().filter(s -> s > 1).count();
    int largest = sizes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return String.format(
        "near: %,d questions, %s at 0.7: %.2f s, %,d clusters of 2+, largest %d",
        n, shingle, seconds, clusters, largest);
  }
}
