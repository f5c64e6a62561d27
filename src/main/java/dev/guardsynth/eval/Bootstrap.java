package dev.guardsynth.eval;

import dev.guardsynth.eval.Report.Confusion;
import dev.guardsynth.eval.Report.Interval;
import dev.guardsynth.eval.Report.Intervals;
import java.util.Arrays;
import java.util.Random;

/**
 * Percentile bootstrap of the report's headline metrics. {@link Random} rather than a faster
 * generator because its sequence is specified by the JDK, so a seed gives the same intervals on
 * every Java version and machine.
 */
final class Bootstrap {
  static final double LEVEL = 0.95;

  private Bootstrap() {}

  /**
   * @param goldUnsafe whether each question is unsafe in the gold file
   * @param predUnsafe whether each question was predicted unsafe
   */
  static Intervals run(boolean[] goldUnsafe, boolean[] predUnsafe, int resamples, long seed) {
    int n = goldUnsafe.length;
    Random random = new Random(seed);
    double[][] values = new double[6][resamples];
    for (int r = 0; r < resamples; r++) {
      int tn = 0;
      int fp = 0;
      int fn = 0;
      int tp = 0;
      for (int k = 0; k < n; k++) {
        int i = random.nextInt(n);
        if (goldUnsafe[i]) {
          if (predUnsafe[i]) {
            tp++;
          } else {
            fn++;
          }
        } else if (predUnsafe[i]) {
          fp++;
        } else {
          tn++;
        }
      }
      Scores s = Scores.of(new Confusion(tn, fp, fn, tp));
      values[0][r] = s.accuracy();
      values[1][r] = s.unsafe().precision();
      values[2][r] = s.unsafe().recall();
      values[3][r] = s.unsafe().f1();
      values[4][r] = s.macroAvg().f1();
      values[5][r] = s.weightedAvg().f1();
    }
    Interval[] intervals = new Interval[values.length];
    for (int m = 0; m < values.length; m++) {
      Arrays.sort(values[m]);
      double tail = (1 - LEVEL) / 2;
      intervals[m] = new Interval(percentile(values[m], tail), percentile(values[m], 1 - tail));
    }
    return new Intervals(
        resamples,
        seed,
        LEVEL,
        intervals[0],
        intervals[1],
        intervals[2],
        intervals[3],
        intervals[4],
        intervals[5]);
  }

  /** numpy's default ("linear") percentile of sorted values, {@code q} from 0 to 1. */
  static double percentile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
