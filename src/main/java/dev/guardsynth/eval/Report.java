package dev.guardsynth.eval;

import dev.guardsynth.data.Label;
import java.util.List;

/**
 * How one system scored on one gold file, with the definitions of scikit-learn's {@code
 * classification_report} (labels {@code [safe, unsafe]}, {@code zero_division=0}): see
 * docs/eval.md. Unsafe is the positive class where one is needed. Immutable; serialized as the JSON
 * report, so its keys are stable.
 *
 * @param system the system's name (a predictions file's name, or the model's)
 * @param gold the gold file
 * @param examples questions scored
 * @param accuracy the share of questions labelled correctly
 * @param macroAvg the unweighted mean of the two classes; support is the total
 * @param weightedAvg the mean of the two classes weighted by support; support is the total
 * @param categories unsafe recall (and safe questions flagged) per gold category; empty when the
 *     gold file has no categories
 * @param intervals percentile bootstrap intervals, or null when not asked for
 * @param missing questions without a prediction, counted as {@code countedAs}
 * @param unreadable answers that could not be read, counted as {@code countedAs}
 * @param countedAs the label given to missing and unreadable ones, or null when there were none
 * @param unmatched predictions that matched no gold question (ignored)
 */
public record Report(
    String system,
    String gold,
    int examples,
    Confusion confusion,
    ClassScores safe,
    ClassScores unsafe,
    double accuracy,
    ClassScores macroAvg,
    ClassScores weightedAvg,
    List<CategoryScores> categories,
    Intervals intervals,
    int missing,
    int unreadable,
    Label countedAs,
    int unmatched) {
  public Report {
    categories = List.copyOf(categories);
  }

  /**
   * The binary confusion matrix with unsafe as the positive class. As a matrix with rows for gold
   * and columns for predictions, both in the order safe, unsafe, it is {@code [[tn, fp], [fn,
   * tp]]}, which is scikit-learn's {@code confusion_matrix(..., labels=["safe", "unsafe"])}.
   */
  public record Confusion(int tn, int fp, int fn, int tp) {
    int total() {
      return tn + fp + fn + tp;
    }
  }

  /**
   * Precision, recall and F1 of one class (or their average), and the number of gold questions
   * behind it.
   */
  public record ClassScores(double precision, double recall, double f1, int support) {
    /**
     * scikit-learn's definitions with {@code zero_division=0}: precision = tp / (tp + fp), recall =
     * tp / (tp + fn), F1 = 2tp / (2tp + fp + fn), which is 2PR / (P + R) and 0 when P + R is 0.
     */
    static ClassScores of(int tp, int fp, int fn) {
      return new ClassScores(
          divide(tp, tp + fp), divide(tp, tp + fn), divide(2.0 * tp, 2.0 * tp + fp + fn), tp + fn);
    }

    static double divide(double numerator, double denominator) {
      return denominator == 0 ? 0.0 : numerator / denominator;
    }
  }

  /**
   * One gold category: how many of its unsafe questions were caught, and how many of its safe ones
   * (hard negatives) were wrongly flagged. A rate is null when its class has no questions here.
   */
  public record CategoryScores(
      String category,
      int unsafeSupport,
      Double unsafeRecall,
      int safeSupport,
      Double safeFlagged) {}

  /** A two-sided interval. */
  public record Interval(double low, double high) {}

  /**
   * 95% percentile bootstrap intervals: the 2.5th and 97.5th percentiles (numpy's default linear
   * interpolation) of each metric over {@code resamples} resamples of the questions, drawn with
   * replacement by {@code java.util.Random(seed)}. Every system of a comparison gets the same
   * resamples, so their intervals are paired.
   */
  public record Intervals(
      int resamples,
      long seed,
      double level,
      Interval accuracy,
      Interval unsafePrecision,
      Interval unsafeRecall,
      Interval unsafeF1,
      Interval macroF1,
      Interval weightedF1) {}
}
