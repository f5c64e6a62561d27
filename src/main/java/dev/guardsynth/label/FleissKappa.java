package dev.guardsynth.label;

import java.util.List;

/**
 * Fleiss' kappa: how far a fixed number of raters agree on the category of each subject beyond what
 * chance would give, from 1 (always agree) through 0 (as chance) to negative (less than chance).
 * Here the raters are a jury's judges, the subjects the questions every judge gave a readable
 * verdict on, the categories the two labels. Stateless.
 *
 * <p>With N subjects, n raters each and n<sub>ij</sub> the raters putting subject i in category j:
 * P<sub>i</sub> = (Σ<sub>j</sub> n<sub>ij</sub>² − n) / (n(n − 1)), P̄ their mean, p<sub>j</sub> =
 * Σ<sub>i</sub> n<sub>ij</sub> / (Nn), P<sub>e</sub> = Σ<sub>j</sub> p<sub>j</sub>², and κ = (P̄ −
 * P<sub>e</sub>) / (1 − P<sub>e</sub>). Everything it needs adds up over subjects (N, the sum of
 * the squares Σ<sub>i</sub>Σ<sub>j</sub> n<sub>ij</sub>², each category's total), so the counts of
 * each round add up to the run's and κ is computed once from their sum.
 */
final class FleissKappa {
  private FleissKappa() {}

  /**
   * κ over {@code subjects}, each the count of raters per category (every row the same sum, at
   * least 2); null when undefined (see {@link #of(int, long, long, long[])}).
   */
  static Double of(List<int[]> subjects) {
    if (subjects.isEmpty()) {
      return null;
    }
    int categories = subjects.get(0).length;
    int raters = 0;
    for (int c : subjects.get(0)) {
      raters += c;
    }
    long squares = 0;
    long[] totals = new long[categories];
    for (int[] row : subjects) {
      int sum = 0;
      for (int j = 0; j < categories; j++) {
        squares += (long) row[j] * row[j];
        totals[j] += row[j];
        sum += row[j];
      }
      if (sum != raters) {
        throw new IllegalArgumentException(
            "every subject needs " + raters + " ratings, not " + sum);
      }
    }
    return of(raters, subjects.size(), squares, totals);
  }

  /**
   * κ from the sums it needs, or null when it is undefined: no subjects, or every rating in one
   * category (chance agreement is then 1, as is the observed one).
   *
   * @param raters n, at least 2
   * @param subjects N
   * @param squares Σ<sub>i</sub>Σ<sub>j</sub> n<sub>ij</sub>²
   * @param totals Σ<sub>i</sub> n<sub>ij</sub> per category j
   */
  static Double of(int raters, long subjects, long squares, long[] totals) {
    if (raters < 2) {
      throw new IllegalArgumentException("Fleiss' kappa needs at least 2 raters, not " + raters);
    }
    if (subjects == 0) {
      return null;
    }
    double ratings = (double) subjects * raters;
    double observed = (squares - ratings) / (ratings * (raters - 1));
    double chance = 0;
    for (long t : totals) {
      double p = t / ratings;
      chance += p * p;
    }
    if (chance >= 1.0 - 1e-12) {
      return null;
    }
    return (observed - chance) / (1 - chance);
  }
}
