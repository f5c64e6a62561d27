package dev.guardsynth.run;

import dev.guardsynth.teacher.StageUsage;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What each exported question cost to make: the teacher's input, cached input and output tokens and
 * cost, per stage and in total, divided by the distinct questions exported. The {@code
 * cost_per_question} entry of {@code run.json}, shown by {@code stats}. Immutable.
 *
 * @param exported distinct questions in the exported dataset
 */
public record CostPerQuestion(long exported, Map<String, PerQuestion> byStage, PerQuestion total) {
  public CostPerQuestion {
    byStage = Map.copyOf(new LinkedHashMap<>(byStage));
  }

  /** One stage's (or all stages') usage divided by the exported questions. */
  public record PerQuestion(
      double inputTokens, double cachedInputTokens, double outputTokens, double costUsd) {
    static PerQuestion of(StageUsage u, long exported) {
      return new PerQuestion(
          round(u.inputTokens(), exported, 10),
          round(u.cachedInputTokens(), exported, 10),
          round(u.outputTokens(), exported, 10),
          round(u.costUsd(), exported, 1e8));
    }
  }

  /**
   * @param byStage usage per stage, all models summed
   */
  public static CostPerQuestion of(Map<String, StageUsage> byStage, long exported) {
    Map<String, PerQuestion> stages = new LinkedHashMap<>();
    StageUsage total = StageUsage.ZERO;
    for (Map.Entry<String, StageUsage> e : byStage.entrySet()) {
      stages.put(e.getKey(), PerQuestion.of(e.getValue(), exported));
      total = total.plus(e.getValue());
    }
    return new CostPerQuestion(exported, stages, PerQuestion.of(total, exported));
  }

  /** Lines for people: one per stage, then the total. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "cost per exported question (%,d questions)%n  %-9s %9s %9s %9s %11s%n",
            exported,
            "stage",
            "input",
            "cached",
            "output",
            "USD"));
    byStage.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.append(line(e.getKey(), e.getValue())));
    out.append(line("total", total));
    return out.toString();
  }

  private static String line(String stage, PerQuestion p) {
    return String.format(
        Locale.ROOT,
        "  %-9s %9.1f %9.1f %9.1f %11.6f%n",
        stage,
        p.inputTokens(),
        p.cachedInputTokens(),
        p.outputTokens(),
        p.costUsd());
  }

  private static double round(double value, long exported, double scale) {
    return exported == 0 ? 0 : Math.round(value / exported * scale) / scale;
  }
}
