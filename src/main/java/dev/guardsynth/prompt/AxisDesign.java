package dev.guardsynth.prompt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The axis values of one cell's prompts, drawn one row at a time so that every prefix of the
 * sequence is balanced and later rows cover what earlier ones missed:
 *
 * <ul>
 *   <li>Balance: a row may only take, on each axis, a value used least so far. Every prefix then
 *       uses each value of an axis within one of every other (for an axis with a share, the prefix
 *       of length k has round(share × k) rows with a value, balanced among themselves).
 *   <li>Pairs: among the balanced choices, a greedy search in the manner of AETG (Cohen et al.,
 *       1997) builds a few candidate rows and keeps the one that covers the most value pairs not
 *       yet seen together, so a teenager meets every style before any pair repeats.
 *   <li>Distinct rows: a combination already used is never taken while a new one exists. When every
 *       balanced choice is used (hundreds of prompts in a cell), one axis may take a value used
 *       once more than the least for that row; the least-used rule restores the balance.
 * </ul>
 *
 * Deterministic for a given random seed and order of calls. Not thread-safe.
 */
final class AxisDesign {
  /** Candidate rows built per draw; more cover pairs a little sooner and cost time linearly. */
  private static final int CANDIDATES = 32;

  /** Rows tried exhaustively when every candidate repeats a used combination. */
  private static final int EXHAUSTIVE_LIMIT = 20_000;

  /**
   * One axis of the design.
   *
   * @param values value ids; for an axis with a share, index 0 is {@link Axes#NONE}
   * @param share the fraction of rows taking a value other than none; 1 without a share
   */
  record Dim(String id, List<String> values, double share, boolean hasNone) {
    Dim {
      values = List.copyOf(values);
    }

    static Dim of(String id, List<String> values) {
      return new Dim(id, values, 1.0, false);
    }

    static Dim shared(String id, List<String> values, double share) {
      List<String> withNone = new ArrayList<>();
      withNone.add(Axes.NONE);
      withNone.addAll(values);
      return new Dim(id, withNone, share, true);
    }
  }

  private final List<Dim> dims;
  private final Random random;
  private final int[][] counts;
  private final int[] withValue; // per dim with a share: rows that took a value other than none
  private final int[][][] pairs; // [d1][d2][v1 * size(d2) + v2], d1 < d2
  private final Set<Long> used = new HashSet<>();
  private int rows;

  AxisDesign(List<Dim> dims, long seed) {
    this.dims = List.copyOf(dims);
    this.random = new Random(seed);
    int n = dims.size();
    counts = new int[n][];
    withValue = new int[n];
    pairs = new int[n][n][];
    for (int d = 0; d < n; d++) {
      counts[d] = new int[dims.get(d).values().size()];
      for (int e = d + 1; e < n; e++) {
        pairs[d][e] = new int[dims.get(d).values().size() * dims.get(e).values().size()];
      }
    }
  }

  /** Rows drawn or recorded so far. */
  int rows() {
    return rows;
  }

  /** Records a row that exists already (from an earlier run), so new rows balance around it. */
  void record(Map<String, String> values) {
    int[] row = new int[dims.size()];
    for (int d = 0; d < dims.size(); d++) {
      Dim dim = dims.get(d);
      String value = values.get(dim.id());
      int index = value == null ? -1 : dim.values().indexOf(value);
      if (index < 0) {
        return; // written under other axes: it tells nothing about this design
      }
      row[d] = index;
    }
    take(row);
  }

  /** Draws the next row: its value per axis, in axis order. */
  Map<String, String> next() {
    int[][] eligible = eligible();
    List<int[]> candidates = new ArrayList<>();
    List<Integer> scores = new ArrayList<>();
    for (int c = 0; c < CANDIDATES; c++) {
      int[] candidate = candidate(eligible);
      candidates.add(candidate);
      scores.add(newPairs(candidate));
    }
    Integer[] order = new Integer[CANDIDATES];
    for (int c = 0; c < CANDIDATES; c++) {
      order[c] = c;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(scores.get(b), scores.get(a))); // stable
    int[] best = null;
    for (int c : order) {
      if (usable(candidates.get(c))) {
        best = candidates.get(c);
        break;
      }
    }
    if (best == null) {
      best = firstUnused(eligible);
    }
    for (int d = 0; best == null && d < dims.size(); d++) {
      // Every balanced row is used: let one axis take a value used once more than the least,
      // trading a moment's balance (the least-used rule restores it) for a new prompt.
      best = firstUnused(relaxed(eligible, d));
    }
    if (best == null) {
      best = candidates.get(order[0]); // every balanced row is used: a repeat cannot be helped
    }
    take(best);
    return values(best);
  }

  private Map<String, String> values(int[] row) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int d = 0; d < dims.size(); d++) {
      out.put(dims.get(d).id(), dims.get(d).values().get(row[d]));
    }
    return out;
  }

  /** Per axis, the values this row may take: the least used ones. */
  private int[][] eligible() {
    int[][] out = new int[dims.size()][];
    for (int d = 0; d < dims.size(); d++) {
      Dim dim = dims.get(d);
      int from = 0;
      if (dim.hasNone()) {
        boolean on = withValue[d] < Math.round(dim.share() * (rows + 1));
        if (!on) {
          out[d] = new int[] {0};
          continue;
        }
        from = 1;
      }
      int min = Integer.MAX_VALUE;
      for (int v = from; v < counts[d].length; v++) {
        min = Math.min(min, counts[d][v]);
      }
      List<Integer> least = new ArrayList<>();
      for (int v = from; v < counts[d].length; v++) {
        if (counts[d][v] == min) {
          least.add(v);
        }
      }
      out[d] = least.stream().mapToInt(Integer::intValue).toArray();
    }
    return out;
  }

  /** {@code eligible} with axis {@code d} also allowed its values used once more than the least. */
  private int[][] relaxed(int[][] eligible, int d) {
    int[][] out = eligible.clone();
    Dim dim = dims.get(d);
    if (dim.hasNone() && eligible[d].length == 1 && eligible[d][0] == 0) {
      return out; // this row takes none: its share is not traded
    }
    int from = dim.hasNone() ? 1 : 0;
    int min = Integer.MAX_VALUE;
    for (int v = from; v < counts[d].length; v++) {
      min = Math.min(min, counts[d][v]);
    }
    List<Integer> values = new ArrayList<>();
    for (int v = from; v < counts[d].length; v++) {
      if (counts[d][v] <= min + 1) {
        values.add(v);
      }
    }
    out[d] = values.stream().mapToInt(Integer::intValue).toArray();
    return out;
  }

  /** A row built axis by axis in random order, each value the one that meets the most new pairs. */
  private int[] candidate(int[][] eligible) {
    int n = dims.size();
    int[] row = new int[n];
    Arrays.fill(row, -1);
    List<Integer> order = new ArrayList<>();
    for (int d = 0; d < n; d++) {
      order.add(d);
    }
    Collections.shuffle(order, random);
    for (int d : order) {
      int[] choices = eligible[d].clone();
      shuffle(choices);
      int best = choices[0];
      long bestScore = Long.MIN_VALUE;
      for (int v : choices) {
        long fresh = 0; // pairs with the values chosen so far that no row has yet
        long open = 0; // pairs with the axes still to choose that a later choice could cover
        long seen = 0;
        for (int e = 0; e < n; e++) {
          if (e == d) {
            continue;
          }
          if (row[e] >= 0) {
            int count = pairCount(d, v, e, row[e]);
            fresh += count == 0 ? 1 : 0;
            seen += count;
          } else {
            for (int w : eligible[e]) {
              open += pairCount(d, v, e, w) == 0 ? 1 : 0;
            }
          }
        }
        long score = fresh * 1_000_000 + open * 1_000 - seen;
        if (score > bestScore) {
          best = v;
          bestScore = score;
        }
      }
      row[d] = best;
    }
    return row;
  }

  /** When every candidate repeats a used row: the first unused one among all balanced rows. */
  private int[] firstUnused(int[][] eligible) {
    int[] row = new int[dims.size()];
    int[] at = new int[dims.size()];
    for (int tried = 0; tried < EXHAUSTIVE_LIMIT; tried++) {
      for (int d = 0; d < row.length; d++) {
        row[d] = eligible[d][at[d]];
      }
      if (usable(row)) {
        return row.clone();
      }
      int d = 0;
      while (d < at.length && ++at[d] == eligible[d].length) {
        at[d++] = 0;
      }
      if (d == at.length) {
        return null;
      }
    }
    return null;
  }

  /**
   * Whether {@code row} is new and leaves the next row a new choice too. Where every axis reaches
   * the end of its block at once (every 24 rows for axes of 3, 6 and 8 values), the next row is
   * forced; looking one row ahead keeps it from being a repeat.
   */
  private boolean usable(int[] row) {
    long key = key(row);
    if (used.contains(key)) {
      return false;
    }
    take(row);
    int[][] next = eligible();
    untake(row, key);
    int[] forced = new int[row.length];
    for (int d = 0; d < row.length; d++) {
      if (next[d].length > 1) {
        return true;
      }
      forced[d] = next[d][0];
    }
    return !used.contains(key(forced)) && key(forced) != key;
  }

  private void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** Pairs of values {@code row} has that no row had before. */
  private int newPairs(int[] row) {
    int fresh = 0;
    for (int d = 0; d < row.length; d++) {
      for (int e = d + 1; e < row.length; e++) {
        fresh += pairCount(d, row[d], e, row[e]) == 0 ? 1 : 0;
      }
    }
    return fresh;
  }

  private int pairCount(int d, int v, int e, int w) {
    return d < e ? pairs[d][e][v * counts[e].length + w] : pairs[e][d][w * counts[d].length + v];
  }

  private void take(int[] row) {
    for (int d = 0; d < row.length; d++) {
      counts[d][row[d]]++;
      if (dims.get(d).hasNone() && row[d] != 0) {
        withValue[d]++;
      }
      for (int e = d + 1; e < row.length; e++) {
        pairs[d][e][row[d] * counts[e].length + row[e]]++;
      }
    }
    used.add(key(row));
    rows++;
  }

  private void untake(int[] row, long key) {
    for (int d = 0; d < row.length; d++) {
      counts[d][row[d]]--;
      if (dims.get(d).hasNone() && row[d] != 0) {
        withValue[d]--;
      }
      for (int e = d + 1; e < row.length; e++) {
        pairs[d][e][row[d] * counts[e].length + row[e]]--;
      }
    }
    used.remove(key);
    rows--;
  }

  /** The row as one number (mixed radix over the axes' sizes). */
  private long key(int[] row) {
    long key = 0;
    for (int d = 0; d < row.length; d++) {
      key = key * counts[d].length + row[d];
    }
    return key;
  }
}
