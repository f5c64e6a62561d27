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
 * <p>Each stratum of n questions aims at n × ratio questions per split; what a split still lacks is
 * its shortfall. Units (a cluster, or a single question) are placed largest first, best fit first:
 * into the split where the unit fits (overshoots no target) most tightly, or, where it fits
 * nowhere, into the split it overshoots least (ties: the split lacking most). Placing big clusters
 * first into the tightest gap leaves the big split's room for the others, as best-fit decreasing
 * does for bin packing.
 *
 * <p>Whenever the clusters fit, every split ends within one question of its target: a single
 * question goes to a split lacking a whole question if one does, else to the one lacking most, so
 * no shortfall ever drops to -1; and a split still lacking a whole question at the end would have
 * made every single fit, leaving no shortfall below zero, while the shortfalls sum to zero. Order
 * among equals comes from a seeded hash of the ids, so the same questions and seed always give the
 * same assignment, whatever the input order.
 */
final class Splitter {
  private Splitter() {}

  /**
   * A question to place.
   *
   * @param stratum its {@code label/category}
   * @param pinned the split it must stay in (a question of the previous release), or null
   */
  record Item(String id, String stratum, Split pinned) {}

  /**
   * A cluster (or a single question) placed as a whole.
   *
   * @param key orders equal-sized units
   * @param perStratum how many of its questions fall in each stratum
   * @param pinned the split a question of the previous release holds the whole unit in, or null
   */
  private record Unit(
      List<Integer> members, String key, Map<Integer, Integer> perStratum, Split pinned) {}

  /**
   * @param cluster the near-duplicate cluster of each question (see {@link NearDuplicates})
   * @return the split of each question id
   */
  static Map<String, Split> assign(
      List<Labeled> questions, int[] cluster, ExportConfig.Splits ratios, long seed) {
    return assignItems(
        questions.stream().map(q -> new Item(q.id(), stratum(q), null)).toList(),
        cluster,
        ratios,
        seed);
  }

  /**
   * Places every item, pinned ones where they are pinned, together with their whole cluster; the
   * targets count pinned items too, so new questions fill what the earlier release left lacking. A
   * cluster must not hold items pinned to two splits.
   *
   * @return the split of each item's id
   */
  static Map<String, Split> assignItems(
      List<Item> items, int[] cluster, ExportConfig.Splits ratios, long seed) {
    double[] fractions = {ratios.train(), ratios.validation(), ratios.test()};
    Map<String, Integer> strata = new LinkedHashMap<>();
    int[] stratumOf = new int[items.size()];
    List<Integer> stratumSizes = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      int s = strata.computeIfAbsent(items.get(i).stratum(), k -> strata.size());
      if (s == stratumSizes.size()) {
        stratumSizes.add(0);
      }
      stratumSizes.set(s, stratumSizes.get(s) + 1);
      stratumOf[i] = s;
    }
    // What each stratum still lacks in each split; it starts at the exact target.
    double[][] shortfall = new double[stratumSizes.size()][fractions.length];
    for (int s = 0; s < shortfall.length; s++) {
      for (int k = 0; k < fractions.length; k++) {
        shortfall[s][k] = stratumSizes.get(s) * fractions[k];
      }
    }

    Map<Integer, List<Integer>> members = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      members.computeIfAbsent(cluster[i], k -> new ArrayList<>()).add(i);
    }
    List<Unit> units = new ArrayList<>();
    for (List<Integer> unit : members.values()) {
      String key = null;
      Split pinned = null;
      for (int i : unit) {
        String h = Ids.sha256Hex(seed + ":" + items.get(i).id());
        key = key == null || h.compareTo(key) < 0 ? h : key;
        Split pin = items.get(i).pinned();
        if (pin != null && pinned != null && pin != pinned) {
          throw new IllegalArgumentException(
              "a near-duplicate cluster holds questions pinned to " + pinned + " and " + pin);
        }
        pinned = pin == null ? pinned : pin;
      }
      Map<Integer, Integer> perStratum = new LinkedHashMap<>();
      for (int i : unit) {
        perStratum.merge(stratumOf[i], 1, Integer::sum);
      }
      units.add(new Unit(unit, key, perStratum, pinned));
    }
    units.sort(Comparator.comparingInt((Unit u) -> -u.members().size()).thenComparing(Unit::key));

    int[] placed = new int[units.size()];
    // Pinned units first: they take their place whatever it costs, and the rest fill around them.
    for (int u = 0; u < units.size(); u++) {
      if (units.get(u).pinned() != null) {
        move(units.get(u), -1, units.get(u).pinned().ordinal(), shortfall);
        placed[u] = units.get(u).pinned().ordinal();
      }
    }
    for (int u = 0; u < units.size(); u++) {
      if (units.get(u).pinned() != null) {
        continue;
      }
      Map<Integer, Integer> perStratum = units.get(u).perStratum();
      Split best = null;
      double bestOvershoot = Double.MAX_VALUE;
      double bestLeft = 0;
      for (Split split : Split.values()) {
        int k = split.ordinal();
        double overshoot = 0;
        double left = 0;
        for (Map.Entry<Integer, Integer> e : perStratum.entrySet()) {
          double before = shortfall[e.getKey()][k];
          // Only the part of this unit that goes past the target counts against the split.
          overshoot += Math.max(0, e.getValue() - before) - Math.max(0, -before);
          left += before - e.getValue();
        }
        boolean better;
        if (Math.abs(overshoot - bestOvershoot) > 1e-9) {
          better = overshoot < bestOvershoot;
        } else if (overshoot <= 1e-9) {
          better = left < bestLeft - 1e-9; // fits here and there: the tighter fit
        } else {
          better = left > bestLeft + 1e-9; // fits nowhere: the split lacking most
        }
        if (best == null || better) {
          best = split;
          bestOvershoot = overshoot;
          bestLeft = left;
        }
      }
      move(units.get(u), -1, best.ordinal(), shortfall);
      placed[u] = best.ordinal();
    }
    repair(units, placed, shortfall);

    Map<String, Split> out = new HashMap<>();
    for (int u = 0; u < units.size(); u++) {
      for (int i : units.get(u).members()) {
        out.put(items.get(i).id(), Split.values()[placed[u]]);
      }
    }
    return out;
  }

  /** Moving unit {@code u} between splits, and unit {@code v} too when it is not -1. */
  private record Move(int u, int uFrom, int uTo, int v, int vFrom, int vTo) {
    static Move relocate(int u, int from, int to) {
      return new Move(u, from, to, -1, -1, -1);
    }

    Move reversed() {
      return new Move(u, uTo, uFrom, v, vTo, vFrom);
    }
  }

  /**
   * Mends what the greedy pass left a whole question off target, where clusters allow. A step moves
   * a unit to another split or swaps two units; when no single step helps, a step followed by a
   * move is tried. Steps are taken while they lower first the number of stratum × split cells a
   * whole question off and then the sum of squared gaps. Units that fall in the same strata and
   * split are interchangeable, so one of each kind is tried, and only kinds in an off-target
   * stratum start a step: this costs nothing when the greedy pass got it right.
   */
  private static void repair(List<Unit> units, int[] placed, double[][] shortfall) {
    for (int round = 0; round < 10 * units.size() + 10; round++) {
      List<Integer> kinds = new ArrayList<>();
      Map<String, Boolean> seen = new HashMap<>();
      for (int u = 0; u < units.size(); u++) {
        if (units.get(u).pinned() == null
            && seen.putIfAbsent(units.get(u).perStratum() + "@" + placed[u], true) == null) {
          kinds.add(u);
        }
      }
      List<Integer> suspects = new ArrayList<>();
      for (int u : kinds) {
        for (int s : units.get(u).perStratum().keySet()) {
          if (isOff(shortfall[s])) {
            suspects.add(u);
            break;
          }
        }
      }
      if (suspects.isEmpty()) {
        return;
      }
      List<Move> steps = new ArrayList<>();
      for (int u : suspects) {
        for (int to = 0; to < Split.values().length; to++) {
          if (to == placed[u]) {
            continue;
          }
          steps.add(Move.relocate(u, placed[u], to));
          for (int v : kinds) {
            if (placed[v] == to && sharesStratum(units.get(u), units.get(v))) {
              steps.add(new Move(u, placed[u], to, v, to, placed[u]));
            }
          }
        }
      }
      List<Move> best = List.of();
      double[] bestGain = {0, 0};
      for (Move step : steps) {
        double[] gain = gain(units, shortfall, step);
        if (isBetter(gain, bestGain)) {
          bestGain = gain;
          best = List.of(step);
        }
      }
      if (best.isEmpty()) {
        for (Move step : steps) {
          double[] first = gain(units, shortfall, step);
          apply(units, placed, shortfall, step);
          for (int w : kinds) {
            if (w == step.u()
                || w == step.v()
                || !sharesStratum(units.get(w), units.get(step.u()))) {
              continue;
            }
            for (int to = 0; to < Split.values().length; to++) {
              if (to == placed[w]) {
                continue;
              }
              Move then = Move.relocate(w, placed[w], to);
              double[] second = gain(units, shortfall, then);
              double[] both = {first[0] + second[0], first[1] + second[1]};
              if (isBetter(both, bestGain)) {
                bestGain = both;
                best = List.of(step, then);
              }
            }
          }
          apply(units, placed, shortfall, step.reversed());
        }
      }
      if (best.isEmpty()) {
        return; // Nothing helps: the clusters leave no better split.
      }
      for (Move m : best) {
        apply(units, placed, shortfall, m);
      }
    }
  }

  /** How much {@code m} lowers {cells a whole question off, squared gaps}; nothing is changed. */
  private static double[] gain(List<Unit> units, double[][] shortfall, Move m) {
    Map<Integer, double[]> after = new HashMap<>();
    List<int[]> shifts = new ArrayList<>(); // {unit, from, to}
    shifts.add(new int[] {m.u(), m.uFrom(), m.uTo()});
    if (m.v() >= 0) {
      shifts.add(new int[] {m.v(), m.vFrom(), m.vTo()});
    }
    for (int[] shift : shifts) {
      units
          .get(shift[0])
          .perStratum()
          .forEach((s, n) -> {
            double[] row = after.computeIfAbsent(s, k -> shortfall[k].clone());
            row[shift[1]] += n;
            row[shift[2]] -= n;
          });
    }
    double off = 0;
    double squares = 0;
    for (Map.Entry<Integer, double[]> e : after.entrySet()) {
      double[] before = shortfall[e.getKey()];
      for (int k = 0; k < before.length; k++) {
        off += (isOff(before[k]) ? 1 : 0) - (isOff(e.getValue()[k]) ? 1 : 0);
        squares += before[k] * before[k] - e.getValue()[k] * e.getValue()[k];
      }
    }
    return new double[] {off, squares};
  }

  private static void apply(List<Unit> units, int[] placed, double[][] shortfall, Move m) {
    move(units.get(m.u()), m.uFrom(), m.uTo(), shortfall);
    placed[m.u()] = m.uTo();
    if (m.v() >= 0) {
      move(units.get(m.v()), m.vFrom(), m.vTo(), shortfall);
      placed[m.v()] = m.vTo();
    }
  }

  private static boolean isBetter(double[] gain, double[] best) {
    if (Math.abs(gain[0] - best[0]) > 1e-9) {
      return gain[0] > best[0];
    }
    return gain[1] > best[1] + 1e-9;
  }

  private static boolean isOff(double shortfall) {
    return Math.abs(shortfall) >= 1 - 1e-9;
  }

  private static boolean isOff(double[] shortfalls) {
    for (double s : shortfalls) {
      if (isOff(s)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sharesStratum(Unit a, Unit b) {
    for (int s : a.perStratum().keySet()) {
      if (b.perStratum().containsKey(s)) {
        return true;
      }
    }
    return false;
  }

  /** Takes {@code unit} out of split {@code from} (none when -1) and puts it into {@code to}. */
  private static void move(Unit unit, int from, int to, double[][] shortfall) {
    unit.perStratum()
        .forEach((s, n) -> {
          if (from >= 0) {
            shortfall[s][from] += n;
          }
          shortfall[s][to] -= n;
        });
  }

  /** The stratum of a question: {@code label/category}. */
  static String stratum(Labeled q) {
    return q.label().json() + "/" + q.category();
  }
}
