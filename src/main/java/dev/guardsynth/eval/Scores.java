package dev.guardsynth.eval;

import dev.guardsynth.eval.Report.ClassScores;
import dev.guardsynth.eval.Report.Confusion;

/** Every metric the report derives from one confusion matrix; shared by the bootstrap. */
record Scores(
    ClassScores safe,
    ClassScores unsafe,
    double accuracy,
    ClassScores macroAvg,
    ClassScores weightedAvg) {

  static Scores of(Confusion c) {
    ClassScores unsafe = ClassScores.of(c.tp(), c.fp(), c.fn());
    // For the safe class the roles swap: a correct safe is its true positive.
    ClassScores safe = ClassScores.of(c.tn(), c.fn(), c.fp());
    int total = c.total();
    ClassScores macro =
        new ClassScores(
            (safe.precision() + unsafe.precision()) / 2,
            (safe.recall() + unsafe.recall()) / 2,
            (safe.f1() + unsafe.f1()) / 2,
            total);
    ClassScores weighted =
        new ClassScores(
            weigh(safe.precision(), unsafe.precision(), safe, unsafe),
            weigh(safe.recall(), unsafe.recall(), safe, unsafe),
            weigh(safe.f1(), unsafe.f1(), safe, unsafe),
            total);
    return new Scores(safe, unsafe, ClassScores.divide(c.tn() + c.tp(), total), macro, weighted);
  }

  private static double weigh(double a, double b, ClassScores safe, ClassScores unsafe) {
    double support = safe.support() + unsafe.support();
    return ClassScores.divide(a * safe.support() + b * unsafe.support(), support);
  }
}
