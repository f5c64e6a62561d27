package dev.guardsynth.config;

/**
 * Limits on what one run directory may spend on the teacher, counted over every session of the run
 * (replies already in the journal count as spent). Reaching a limit stops the run cleanly with exit
 * code 3; raising it and running again resumes. A null limit is no limit. Immutable.
 *
 * @param maxRequests teacher replies paid for
 * @param maxTokens input plus output tokens
 * @param maxCostUsd estimated cost in US dollars, from {@code teacher.prices}
 */
public record BudgetConfig(Long maxRequests, Long maxTokens, Double maxCostUsd) {
  public BudgetConfig {
    if (maxRequests != null) {
      Check.longRange("max_requests", maxRequests, 0, 0, Long.MAX_VALUE);
    }
    if (maxTokens != null) {
      Check.longRange("max_tokens", maxTokens, 0, 0, Long.MAX_VALUE);
    }
    if (maxCostUsd != null) {
      Check.range("max_cost_usd", maxCostUsd, 0, 0, 1e9);
    }
  }

  /** No limits. */
  public static BudgetConfig unlimited() {
    return new BudgetConfig(null, null, null);
  }

  /** Whether any limit is set. (Not an {@code is} method, so JSON does not take it for a key.) */
  public boolean hasLimits() {
    return maxRequests != null || maxTokens != null || maxCostUsd != null;
  }
}
