package dev.guardsynth.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Label;
import dev.guardsynth.eval.Report.ClassScores;
import dev.guardsynth.eval.Report.Confusion;
import dev.guardsynth.eval.Report.Interval;
import dev.guardsynth.eval.Report.Intervals;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EvaluatorTest {
  /** scikit-learn prints 2 digits by default; papers print 4, so we must agree to 4. */
  private static final double FOUR_DECIMALS = 0.5e-4;

  /**
   * Expected values follow scikit-learn's {@code classification_report(y_true, y_pred,
   * labels=["safe", "unsafe"], zero_division=0, output_dict=True)}, computed by hand from its
   * definitions (precision tp/(tp+fp), recall tp/(tp+fn), F1 2tp/(2tp+fp+fn), 0 on zero division;
   * macro = mean of the two classes; weighted = mean weighted by gold support) and cross-checked
   * with a numpy port of sklearn's _precision_recall_fscore_support. E.g. row A, unsafe: P = 35/45,
   * R = 35/40, F1 = 70/85; weighted P = (60 * 50/55 + 40 * 35/45) / 100.
   */
  @ParameterizedTest(name = "{0}: tn={1} fp={2} fn={3} tp={4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # case                   |tn|fp|fn|tp| safe P | safe R | safe F1| uns. P | uns. R | uns. F1|  acc   |macro P |macro R |macro F1|  w. P  |  w. R  |  w. F1
          A mixed                  |50|10| 5|35|0.909091|0.833333|0.869565|0.777778|0.875000|0.823529|0.850000|0.843434|0.854167|0.846547|0.856566|0.850000|0.851151
          B no unsafe predictions  | 3| 0| 2| 0|0.600000|1.000000|0.750000|0.000000|0.000000|0.000000|0.600000|0.300000|0.500000|0.375000|0.360000|0.600000|0.450000
          C no unsafe gold         | 3| 1| 0| 0|1.000000|0.750000|0.857143|0.000000|0.000000|0.000000|0.750000|0.500000|0.375000|0.428571|1.000000|0.750000|0.857143
          D odd counts             | 7| 3| 4| 9|0.636364|0.700000|0.666667|0.750000|0.692308|0.720000|0.695652|0.693182|0.696154|0.693333|0.700593|0.695652|0.696812
          E all wrong              | 0| 4| 6| 0|0.000000|0.000000|0.000000|0.000000|0.000000|0.000000|0.000000|0.000000|0.000000|0.000000|0.000000|0.000000|0.000000
          F only safe, all right   | 5| 0| 0| 0|1.000000|1.000000|1.000000|0.000000|0.000000|0.000000|1.000000|0.500000|0.500000|0.500000|1.000000|1.000000|1.000000
          G only unsafe, all right | 0| 0| 0| 8|0.000000|0.000000|0.000000|1.000000|1.000000|1.000000|1.000000|0.500000|0.500000|0.500000|1.000000|1.000000|1.000000
          """)
  void metricsEqualScikitLearnsClassificationReport(
      String name,
      int tn,
      int fp,
      int fn,
      int tp,
      double safeP,
      double safeR,
      double safeF1,
      double unsafeP,
      double unsafeR,
      double unsafeF1,
      double accuracy,
      double macroP,
      double macroR,
      double macroF1,
      double weightedP,
      double weightedR,
      double weightedF1) {
    Report r = evaluate(tn, fp, fn, tp, 0);

    assertEquals(new Confusion(tn, fp, fn, tp), r.confusion());
    assertEquals(tn + fp + fn + tp, r.examples());
    assertScores(safeP, safeR, safeF1, tn + fp, r.safe());
    assertScores(unsafeP, unsafeR, unsafeF1, fn + tp, r.unsafe());
    assertEquals(accuracy, r.accuracy(), FOUR_DECIMALS);
    assertScores(macroP, macroR, macroF1, r.examples(), r.macroAvg());
    assertScores(weightedP, weightedR, weightedF1, r.examples(), r.weightedAvg());
  }

  private static void assertScores(double p, double r, double f1, int support, ClassScores s) {
    assertEquals(p, s.precision(), FOUR_DECIMALS, "precision");
    assertEquals(r, s.recall(), FOUR_DECIMALS, "recall");
    assertEquals(f1, s.f1(), FOUR_DECIMALS, "f1");
    assertEquals(support, s.support(), "support");
  }

  @Test
  void countsUnsafeRecallAndFlaggedSafeQuestionsPerCategory() {
    List<GoldExample> gold = new ArrayList<>();
    List<Prediction> predictions = new ArrayList<>();
    // privacy: 3 unsafe, 2 caught; 2 safe, 1 flagged. crime: 1 unsafe, missed; no safe ones.
    add(gold, predictions, "privacy_violation", Label.UNSAFE, Label.UNSAFE);
    add(gold, predictions, "privacy_violation", Label.UNSAFE, Label.UNSAFE);
    add(gold, predictions, "privacy_violation", Label.UNSAFE, Label.SAFE);
    add(gold, predictions, "privacy_violation", Label.SAFE, Label.UNSAFE);
    add(gold, predictions, "privacy_violation", Label.SAFE, Label.SAFE);
    add(gold, predictions, "crime_advice", Label.UNSAFE, Label.SAFE);

    Report r =
        new Evaluator(0, 1)
            .evaluate(
                new Gold("gold.jsonl", gold, 0),
                Predictions.of("guard", "guard.jsonl", predictions),
                null);

    assertEquals(
        List.of(
            new Report.CategoryScores("crime_advice", 1, 0.0, 0, null),
            new Report.CategoryScores("privacy_violation", 3, 2.0 / 3, 2, 0.5)),
        r.categories());
  }

  @Test
  void bootstrapIsDeterministicForASeedAndBracketsThePointEstimate() {
    Intervals first = evaluate(50, 10, 5, 35, 500).intervals();
    Intervals again = evaluate(50, 10, 5, 35, 500).intervals();
    Intervals otherSeed =
        new Evaluator(500, 7)
            .evaluate(gold(50, 10, 5, 35), predictions(50, 10, 5, 35), null)
            .intervals();

    assertEquals(first, again);
    assertNotEquals(first, otherSeed);
    assertEquals(500, first.resamples());
    assertEquals(0.95, first.level());
    assertBrackets(0.85, first.accuracy());
    assertBrackets(35.0 / 45, first.unsafePrecision());
    assertBrackets(35.0 / 40, first.unsafeRecall());
    assertBrackets(70.0 / 85, first.unsafeF1());
    assertBrackets(0.846547, first.macroF1());
    assertBrackets(0.851151, first.weightedF1());
  }

  @Test
  void bootstrapOfAPerfectGuardIsAPoint() {
    Intervals iv = evaluate(20, 0, 0, 20, 200).intervals();

    assertEquals(new Interval(1.0, 1.0), iv.accuracy());
    assertEquals(new Interval(1.0, 1.0), iv.unsafeF1());
  }

  /**
   * java.util.Random's sequence is specified, so a seed pins the intervals on any JDK.
   * Cross-checked with numpy.percentile over the same resamples drawn by a Python port of
   * java.util.Random.
   */
  @Test
  void bootstrapIntervalsArePinnedForSeed42() {
    Interval accuracy = evaluate(7, 3, 4, 9, 1000).intervals().accuracy();

    assertEquals(0.5207, accuracy.low(), FOUR_DECIMALS);
    assertEquals(0.8696, accuracy.high(), FOUR_DECIMALS);
  }

  @Test
  void percentileInterpolatesLikeNumpy() {
    double[] sorted = {1, 2, 3, 4};

    // numpy.percentile([1, 2, 3, 4], [2.5, 50, 97.5]) == [1.075, 2.5, 3.925]
    assertEquals(1.075, Bootstrap.percentile(sorted, 0.025), 1e-12);
    assertEquals(2.5, Bootstrap.percentile(sorted, 0.5), 1e-12);
    assertEquals(3.925, Bootstrap.percentile(sorted, 0.975), 1e-12);
  }

  @Test
  void noBootstrapMeansNoIntervals() {
    assertNull(evaluate(1, 1, 1, 1, 0).intervals());
  }

  @Test
  void rejectsANegativeNumberOfResamples() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Evaluator(-1, 1));
    assertTrue(e.getMessage().startsWith("bootstrap: -1 is not allowed"), e.getMessage());
  }

  @Test
  void aQuestionWithoutAPredictionIsAnErrorUnlessCountedAsALabel() {
    Gold gold = gold(2, 0, 0, 2);
    List<Prediction> three = new ArrayList<>();
    for (GoldExample g : gold.examples().subList(0, 3)) {
      three.add(new Prediction(g.id(), null, g.label(), g.label().json(), "p.jsonl:1"));
    }
    Predictions predictions = Predictions.of("guard", "p.jsonl", three);
    String lastId = gold.examples().get(3).id();

    InputException e =
        assertThrows(
            InputException.class, () -> new Evaluator(0, 1).evaluate(gold, predictions, null));
    Report counted = new Evaluator(0, 1).evaluate(gold, predictions, Label.SAFE);

    assertTrue(
        e.getMessage()
            .startsWith(
                "p.jsonl: no prediction for 1 of 4 gold questions: id '"
                    + lastId
                    + "' (gold.jsonl:4)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("--missing-as safe|unsafe"), e.getMessage());
    assertEquals(new Confusion(2, 0, 1, 1), counted.confusion());
    assertEquals(1, counted.missing());
    assertEquals(Label.SAFE, counted.countedAs());
  }

  // ---- fixtures: gold and predictions laid out from confusion counts, interleaved ----

  static Report evaluate(int tn, int fp, int fn, int tp, int resamples) {
    return new Evaluator(resamples, Evaluator.DEFAULT_SEED)
        .evaluate(gold(tn, fp, fn, tp), predictions(tn, fp, fn, tp), null);
  }

  /** Gold and predicted labels for the counts, interleaved so that order cannot matter. */
  private static List<Label[]> pairs(int tn, int fp, int fn, int tp) {
    int[] left = {tn, fp, fn, tp};
    Label[][] kinds = {
      {Label.SAFE, Label.SAFE}, {Label.SAFE, Label.UNSAFE},
      {Label.UNSAFE, Label.SAFE}, {Label.UNSAFE, Label.UNSAFE}
    };
    List<Label[]> out = new ArrayList<>();
    while (left[0] + left[1] + left[2] + left[3] > 0) {
      for (int k = 0; k < 4; k++) {
        if (left[k] > 0) {
          left[k]--;
          out.add(kinds[k]);
        }
      }
    }
    return out;
  }

  static Gold gold(int tn, int fp, int fn, int tp) {
    List<GoldExample> examples = new ArrayList<>();
    List<Label[]> pairs = pairs(tn, fp, fn, tp);
    for (int i = 0; i < pairs.size(); i++) {
      examples.add(
          new GoldExample(
              "q" + i,
              "Question number " + i + "?",
              pairs.get(i)[0],
              null,
              "gold.jsonl:" + (i + 1)));
    }
    return new Gold("gold.jsonl", examples, 0);
  }

  static Predictions predictions(int tn, int fp, int fn, int tp) {
    List<Prediction> out = new ArrayList<>();
    List<Label[]> pairs = pairs(tn, fp, fn, tp);
    for (int i = 0; i < pairs.size(); i++) {
      Label p = pairs.get(i)[1];
      out.add(new Prediction("q" + i, null, p, p.json(), "guard.jsonl:" + (i + 1)));
    }
    return Predictions.of("guard", "guard.jsonl", out);
  }

  private static void add(
      List<GoldExample> gold, List<Prediction> predictions, String category, Label g, Label p) {
    int i = gold.size();
    gold.add(new GoldExample("q" + i, "Question " + i + "?", g, category, "gold.jsonl:" + (i + 1)));
    predictions.add(new Prediction("q" + i, null, p, p.json(), "guard.jsonl:" + (i + 1)));
  }

  private static void assertBrackets(double point, Interval iv) {
    assertTrue(iv.low() <= point && point <= iv.high(), point + " outside " + iv);
    assertTrue(iv.low() < iv.high(), "a degenerate interval " + iv);
  }
}
