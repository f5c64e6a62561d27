package dev.guardsynth.export;

import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.dedup.QuestionShingles;
import java.util.Arrays;
import java.util.List;

/**
 * Groups questions into near-duplicate clusters, so the splitter can keep each cluster inside one
 * split. Two questions are near-duplicates when the dedup stage would call them so, whatever their
 * labels: the same shingles ({@code dedup.shingle}), the same MinHash bands to find candidates and
 * the same exact Jaccard test at {@code dedup.threshold} (see {@link QuestionShingles}). Clusters
 * are the connected components of that relation (union-find), so a chain a~b~c is one cluster.
 * Stateless and thread-safe.
 */
final class NearDuplicates {
  private NearDuplicates() {}

  /**
   * The cluster of each text: {@code cluster[i] == cluster[j]} exactly when texts i and j are
   * linked by a chain of near-duplicate pairs under {@code dedup}'s settings. A cluster's number is
   * its smallest member index.
   */
  static int[] clusters(List<String> texts, DedupConfig dedup) {
    int n = texts.size();
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    try (QuestionShingles shingles = new QuestionShingles(dedup)) {
      shingles.forEachNearPair(texts, (a, b) -> union(parent, a, b));
    }
    int[] cluster = new int[n];
    for (int i = 0; i < n; i++) {
      cluster[i] = find(parent, i);
    }
    // Renumber each cluster by its smallest member, so numbers do not depend on union order.
    int[] smallest = new int[n];
    Arrays.fill(smallest, Integer.MAX_VALUE);
    for (int i = 0; i < n; i++) {
      smallest[cluster[i]] = Math.min(smallest[cluster[i]], i);
    }
    for (int i = 0; i < n; i++) {
      cluster[i] = smallest[cluster[i]];
    }
    return cluster;
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) {
      parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }
}
