package dev.guardsynth.export;

import dev.guardsynth.config.ExportConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Ids;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assigns questions to splits, stratified by label × category: within each stratum, questions are
 * ordered by a seeded hash of their id and cut by the configured fractions (largest remainder
 * rounding), so every stratum's split sizes are within one question of the target ratio and the
 * same seed always gives the same assignment, whatever the input order.
 */
final class Splitter {
  private Splitter() {}

  static Map<String, Split> assign(
      List<Candidate> questions, ExportConfig.Splits ratios, long seed) {
    Map<String, List<Candidate>> strata = new LinkedHashMap<>();
    for (Candidate c : questions) {
      strata.computeIfAbsent(c.label().json() + "/" + c.category(), k -> new ArrayList<>()).add(c);
    }
    Map<String, Split> out = new HashMap<>();
    for (List<Candidate> stratum : strata.values()) {
      List<Candidate> ordered = new ArrayList<>(stratum);
      ordered.sort(Comparator.comparing((Candidate c) -> Ids.sha256Hex(seed + ":" + c.id())));
      int[] sizes =
          sizes(ordered.size(), new double[] {ratios.train(), ratios.validation(), ratios.test()});
      int i = 0;
      for (Split split : Split.values()) {
        for (int k = 0; k < sizes[split.ordinal()]; k++) {
          out.put(ordered.get(i++).id(), split);
        }
      }
    }
    return out;
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
