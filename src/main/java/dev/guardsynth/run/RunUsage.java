package dev.guardsynth.run;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.guardsynth.config.BudgetConfig;
import dev.guardsynth.teacher.Ledger;
import dev.guardsynth.teacher.StageUsage;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code usage} entry of {@code run.json}: the replies the run's stages used, their tokens and
 * estimated cost, in total (its fields at the top level) and per stage and model, and the budget
 * beside what the run directory has spent. Immutable.
 */
public record RunUsage(
    @JsonUnwrapped StageUsage total, Map<String, Map<String, StageUsage>> byStage, Budget budget) {

  /** The budget's limits (null = none) and what the run directory has spent against them. */
  public record Budget(Long maxRequests, Long maxTokens, Double maxCostUsd, Ledger.Spent spent) {}

  static RunUsage of(Ledger ledger) {
    BudgetConfig b = ledger.budget();
    Map<String, Map<String, StageUsage>> byStage = new TreeMap<>();
    ledger
        .byStage()
        .forEach((stage, models) -> {
          Map<String, StageUsage> m = new TreeMap<>();
          models.forEach((model, u) -> m.put(model, u.rounded()));
          byStage.put(stage, m);
        });
    return new RunUsage(
        ledger.total().rounded(),
        byStage,
        new Budget(b.maxRequests(), b.maxTokens(), b.maxCostUsd(), ledger.spent()));
  }
}
