package dev.guardsynth.run;

import dev.guardsynth.config.BudgetConfig;
import dev.guardsynth.teacher.Ledger;
import dev.guardsynth.teacher.StageUsage;
import java.util.Map;

/**
 * The {@code usage} entry of {@code run.json}: the replies the run's stages used, their tokens and
 * estimated cost, in total and per stage and model, and the budget beside what the run directory
 * has spent. Immutable.
 *
 * @param costUsd estimated cost of every reply used (what the data set cost to make)
 * @param sentCostUsd the part of it paid in this session
 */
public record RunUsage(
    long requests,
    long fromJournal,
    long sent,
    long failed,
    long retries,
    long inputTokens,
    long outputTokens,
    double costUsd,
    double sentCostUsd,
    Map<String, Map<String, StageUsage>> byStage,
    Budget budget) {

  /** The budget's limits (null = none) and what the run directory has spent against them. */
  public record Budget(Long maxRequests, Long maxTokens, Double maxCostUsd, Ledger.Spent spent) {}

  static RunUsage of(Ledger ledger) {
    StageUsage t = ledger.total();
    BudgetConfig b = ledger.budget();
    return new RunUsage(
        t.requests(),
        t.fromJournal(),
        t.sent(),
        t.failed(),
        t.retries(),
        t.inputTokens(),
        t.outputTokens(),
        round(t.costUsd()),
        round(t.sentCostUsd()),
        rounded(ledger.byStage()),
        new Budget(b.maxRequests(), b.maxTokens(), b.maxCostUsd(), ledger.spent()));
  }

  private static Map<String, Map<String, StageUsage>> rounded(
      Map<String, Map<String, StageUsage>> byStage) {
    Map<String, Map<String, StageUsage>> out = new java.util.TreeMap<>();
    byStage.forEach((stage, models) -> {
      Map<String, StageUsage> m = new java.util.TreeMap<>();
      models.forEach(
          (model, u) -> m.put(model, u.withCosts(round(u.costUsd()), round(u.sentCostUsd()))));
      out.put(stage, m);
    });
    return out;
  }

  /** To the micro-dollar, so run.json shows 0.001771, not 0.0017705999999999993. */
  private static double round(double usd) {
    return Math.round(usd * 1e6) / 1e6;
  }
}
