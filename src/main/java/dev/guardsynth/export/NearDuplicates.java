package dev.guardsynth.export;

import dev.guardsynth.data.Ids;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups questions into near-duplicate clusters, so the splitter can keep each cluster inside one
 * split. Two questions are near-duplicates when the exact Jaccard similarity of their character
 * 3-gram sets reaches the threshold (the dedup stage's {@code dedup.threshold}); clusters are the
 * connected components of that relation (union-find), so a chain a~b~c is one cluster.
 *
 * <p>Texts are normalized as question ids are (NFKC, case), then cut down to letters and digits:
 * Korean spacing varies from writer to writer, and punctuation says little. Exact, not estimated:
 * pairs are found with prefix filtering (grams ordered rarest first; two sets that reach Jaccard t
 * must share a gram among the first |x| - ceil(t|x|) + 1 of each), which skips most pairs without
 * missing any, and each candidate pair is then measured exactly.
 *
 * <p>When the dedup stage's MinHash index is merged, its pairs may replace this measurement; this
 * class is the one place to change. Stateless and thread-safe.
 */
final class NearDuplicates {
  static final int GRAM = 3;

  private NearDuplicates() {}

  /**
   * The cluster of each text: {@code cluster[i] == cluster[j]} exactly when texts i and j are
   * linked by a chain of near-duplicate pairs. A cluster's number is its smallest member index.
   */
  static int[] clusters(List<String> texts, double threshold) {
    int n = texts.size();
    Map<String, Integer> gramIds = new HashMap<>();
    int[][] sets = new int[n][];
    for (int i = 0; i < n; i++) {
      sets[i] = gramIds(grams(texts.get(i)), gramIds);
    }
    // Order grams rarest first, so prefixes hold rare grams and few questions share them.
    int[] frequency = new int[gramIds.size()];
    for (int[] set : sets) {
      for (int g : set) {
        frequency[g]++;
      }
    }
    Integer[] order = new Integer[frequency.length];
    for (int g = 0; g < order.length; g++) {
      order[g] = g;
    }
    Arrays.sort(
        order, (a, b) -> frequency[a] != frequency[b] ? frequency[a] - frequency[b] : a - b);
    int[] rank = new int[order.length];
    for (int r = 0; r < order.length; r++) {
      rank[order[r]] = r;
    }
    for (int[] set : sets) {
      for (int k = 0; k < set.length; k++) {
        set[k] = rank[set[k]];
      }
      Arrays.sort(set);
    }

    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    Map<Integer, List<Integer>> postings = new HashMap<>();
    int[] seenBy = new int[n];
    Arrays.fill(seenBy, -1);
    for (int i = 0; i < n; i++) {
      int[] x = sets[i];
      int prefix = prefixLength(x.length, threshold);
      for (int k = 0; k < prefix; k++) {
        List<Integer> docs = postings.computeIfAbsent(x[k], g -> new ArrayList<>());
        for (int j : docs) {
          if (seenBy[j] != i) {
            seenBy[j] = i;
            if (isNearDuplicate(x, sets[j], threshold)) {
              union(parent, i, j);
            }
          }
        }
        docs.add(i);
      }
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

  /** The character 3-grams of a text's letters and digits; a shorter text is its own one gram. */
  static List<String> grams(String text) {
    String normalized = Ids.normalize(text);
    StringBuilder kept = new StringBuilder(normalized.length());
    normalized.codePoints().filter(Character::isLetterOrDigit).forEach(kept::appendCodePoint);
    int[] cps = kept.codePoints().toArray();
    List<String> grams = new ArrayList<>();
    if (cps.length == 0) {
      return grams;
    }
    if (cps.length < GRAM) {
      grams.add(new String(cps, 0, cps.length));
      return grams;
    }
    for (int i = 0; i + GRAM <= cps.length; i++) {
      grams.add(new String(cps, i, GRAM));
    }
    return grams;
  }

  /** Exact Jaccard similarity of two texts' gram sets; 0 when both are empty. */
  static double jaccard(String a, String b) {
    Map<String, Integer> ids = new HashMap<>();
    int[] x = gramIds(grams(a), ids);
    int[] y = gramIds(grams(b), ids);
    Arrays.sort(x);
    Arrays.sort(y);
    int common = intersection(x, y);
    int union = x.length + y.length - common;
    return union == 0 ? 0 : (double) common / union;
  }

  private static int[] gramIds(List<String> grams, Map<String, Integer> ids) {
    return grams.stream()
        .mapToInt(g -> ids.computeIfAbsent(g, k -> ids.size()))
        .distinct()
        .toArray();
  }

  private static int prefixLength(int size, double threshold) {
    if (size == 0) {
      return 0; // No grams: never a near-duplicate of anything.
    }
    int needed = (int) Math.ceil(threshold * size - 1e-9);
    return Math.min(size, size - needed + 1);
  }

  private static boolean isNearDuplicate(int[] x, int[] y, double threshold) {
    // Length filter: J(x, y) <= min/max, so very different sizes cannot reach the threshold.
    int small = Math.min(x.length, y.length);
    int large = Math.max(x.length, y.length);
    if (small < threshold * large - 1e-9) {
      return false;
    }
    int common = intersection(x, y);
    int union = x.length + y.length - common;
    return common >= threshold * union - 1e-9;
  }

  private static int intersection(int[] x, int[] y) {
    int i = 0;
    int j = 0;
    int common = 0;
    while (i < x.length && j < y.length) {
      if (x[i] == y[j]) {
        common++;
        i++;
        j++;
      } else if (x[i] < y[j]) {
        i++;
      } else {
        j++;
      }
    }
    return common;
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
