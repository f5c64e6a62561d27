package dev.guardsynth.eval;

import dev.guardsynth.data.Label;
import dev.guardsynth.eval.Report.CategoryScores;
import dev.guardsynth.eval.Report.Confusion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores predictions against gold labels: per-class precision, recall and F1, their macro and
 * weighted averages, accuracy, the confusion matrix, unsafe recall per category and, when asked,
 * bootstrap intervals. Definitions follow scikit-learn's {@code classification_report}; see
 * docs/eval.md. Deterministic for a seed; thread-safe.
 */
public final class Evaluator {
  /** The bootstrap seed when none is given. */
  public static final long DEFAULT_SEED = 42;

  /** More resamples than this add run time but no useful precision to a 95% interval. */
  static final int MAX_RESAMPLES = 1_000_000;

  private final int resamples;
  private final long seed;

  /**
   * @param resamples bootstrap resamples, or 0 for no intervals
   */
  public Evaluator(int resamples, long seed) {
    if (resamples < 0 || resamples > MAX_RESAMPLES) {
      throw new IllegalArgumentException(
          "bootstrap: "
              + resamples
              + " is not allowed; use 0 (no intervals) or a whole number up to "
              + MAX_RESAMPLES
              + " (1000 is common)");
    }
    this.resamples = resamples;
    this.seed = seed;
  }

  /**
   * Scores {@code predictions} on {@code gold}.
   *
   * @param missingAs the label for questions without a prediction or with an unreadable answer;
   *     null makes them an {@link dev.guardsynth.data.InputException} that lists them
   */
  public Report evaluate(Gold gold, Predictions predictions, Label missingAs) {
    Predictions.Alignment aligned = predictions.align(gold, missingAs);
    List<GoldExample> examples = gold.examples();
    int n = examples.size();
    boolean[] goldUnsafe = new boolean[n];
    boolean[] predUnsafe = new boolean[n];
    int tn = 0;
    int fp = 0;
    int fn = 0;
    int tp = 0;
    Map<String, int[]> perCategory = new TreeMap<>(); // unsafe n, caught, safe n, flagged
    for (int i = 0; i < n; i++) {
      GoldExample g = examples.get(i);
      goldUnsafe[i] = g.label() == Label.UNSAFE;
      predUnsafe[i] = aligned.labels().get(i) == Label.UNSAFE;
      if (goldUnsafe[i]) {
        tp += predUnsafe[i] ? 1 : 0;
        fn += predUnsafe[i] ? 0 : 1;
      } else {
        fp += predUnsafe[i] ? 1 : 0;
        tn += predUnsafe[i] ? 0 : 1;
      }
      if (g.category() != null) {
        int[] c = perCategory.computeIfAbsent(g.category(), k -> new int[4]);
        int offset = goldUnsafe[i] ? 0 : 2;
        c[offset]++;
        c[offset + 1] += predUnsafe[i] ? 1 : 0;
      }
    }
    Confusion confusion = new Confusion(tn, fp, fn, tp);
    Scores scores = Scores.of(confusion);
    List<CategoryScores> categories = new ArrayList<>();
    perCategory.forEach((name, c) ->
        categories.add(new CategoryScores(name, c[0], rate(c[1], c[0]), c[2], rate(c[3], c[2]))));
    boolean filled = aligned.missing() + aligned.unreadable() > 0;
    return new Report(
        predictions.system(),
        gold.source(),
        n,
        confusion,
        scores.safe(),
        scores.unsafe(),
        scores.accuracy(),
        scores.macroAvg(),
        scores.weightedAvg(),
        categories,
        resamples == 0 ? null : Bootstrap.run(goldUnsafe, predUnsafe, resamples, seed),
        aligned.missing(),
        aligned.unreadable(),
        filled ? missingAs : null,
        aligned.unmatched());
  }

  private static Double rate(int count, int of) {
    return of == 0 ? null : (double) count / of;
  }
}
