package dev.guardsynth.export;

import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Labeled;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assigns questions to splits, stratified by label × category, with every near-duplicate cluster
 * inside one split, so a model is never tested on a rephrasing of a question it trained on.
 *
 * <p>Each stratum's split sizes are its target ratio rounded by largest remainder, so they are
 * within one question of the exact target. Clusters are placed first, largest first, each into the
 * split where it overflows its strata's targets least (ties: the split with the most room left in
 * those strata, then train before validation before test); single questions then fill what is left,
 * which meets every target exactly whenever the clusters fit. Order among equals comes from a
 * seeded hash of the ids, so the same questions and seed always give the same assignment, whatever
 * the input order.
 */
final class Splitter {
  private Splitter() {}

  /** A cluster (or a single question) placed as a whole; {@code key} orders equal-sized ones. */
  private record Unit(List<Integer> members, String key) {}

  /**
   * @param cluster the near-duplicate cluster of each question (see {@link NearDuplicates})
   * @return the split of each question id
   */
  static Map<String, Split> assign(
      List<Labeled> questions, int[] cluster, ExportConfig.Splits ratios, long seed) {
    double[] fractions = {ratios.train(), ratios.validation(), ratios.test()};
    Map<String, Integer> strata = new LinkedHashMap<>();
    int[] stratumOf = new int[questions.size()];
    List<Integer> stratumSizes = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      int s = strata.computeIfAbsent(stratum(questions.get(i)), k -> strata.size());
      if (s == stratumSizes.size()) {
        stratumSizes.add(0);
      }
      stratumSizes.set(s, stratumSizes.get(s) + 1);
      stratumOf[i] = s;
    }
    int[][] target = new int[stratumSizes.size()][];
    for (int s = 0; s < target.length; s++) {
      target[s] = sizes(stratumSizes.get(s), fractions);
    }

    Map<Integer, List<Integer>> members = new LinkedHashMap<>();
    for (int i = 0; i < questions.size(); i++) {
      members.computeIfAbsent(cluster[i], k -> new ArrayList<>()).add(i);
    }
    List<Unit> units = new ArrayList<>();
    for (List<Integer> unit : members.values()) {
      String key = null;
      for (int i : unit) {
        String h = Ids.sha256Hex(seed + ":" + questions.get(i).id());
        key = key == null || h.compareTo(key) < 0 ? h : key;
      }
      units.add(new Unit(unit, key));
    }
    units.sort(Comparator.comparingInt((Unit u) -> -u.members().size()).thenComparing(Unit::key));

    int[][] assigned = new int[target.length][Split.values().length];
    Map<String, Split> out = new HashMap<>();
    for (Unit unit : units) {
      Map<Integer, Integer> perStratum = new HashMap<>();
      for (int i : unit.members()) {
        perStratum.merge(stratumOf[i], 1, Integer::sum);
      }
      Split best = null;
      long bestOverflow = Long.MAX_VALUE;
      long bestRoom = Long.MIN_VALUE;
      for (Split split : Split.values()) {
        int k = split.ordinal();
        long overflow = 0;
        long room = 0;
        for (Map.Entry<Integer, Integer> e : perStratum.entrySet()) {
          int s = e.getKey();
          overflow += Math.max(0, assigned[s][k] + e.getValue() - target[s][k]);
          room += target[s][k] - assigned[s][k];
        }
        if (overflow < bestOverflow || (overflow == bestOverflow && room > bestRoom)) {
          best = split;
          bestOverflow = overflow;
          bestRoom = room;
        }
      }
      for (Map.Entry<Integer, Integer> e : perStratum.entrySet()) {
        assigned[e.getKey()][best.ordinal()] += e.getValue();
      }
      for (int i : unit.members()) {
        out.put(questions.get(i).id(), best);
      }
    }
    return out;
  }

  /** The stratum of a question: {@code label/category}. */
  static String stratum(Labeled q) {
    return q.label().json() + "/" + q.category();
  }

  /** Largest-remainder apportionment of {@code n} items by {@code ratios}. */
  static int[] sizes(int n, double[] ratios) {
    int[] sizes = new int[ratios.length];
    double[] remainders = new double[ratios.length];
    int given = 0;
    for (int i = 0; i < ratios.length; i++) {
      double exact = n * ratios[i];
      sizes[i] = (int) Math.floor(exact);
      remainders[i] = exact - sizes[i];
      given += sizes[i];
    }
    while (given < n) {
      int best = 0;
      for (int i = 1; i < ratios.length; i++) {
        if (remainders[i] > remainders[best] + 1e-12) {
          best = i;
        }
      }
      sizes[best]++;
      remainders[best] = -1;
      given++;
    }
    return sizes;
  }
}
