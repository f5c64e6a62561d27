package dev.guardsynth.teacher;

/**
 * What one stage used of one model (or, summed, of all): replies used, where they came from, what
 * failed, and their tokens and estimated cost. Immutable.
 *
 * @param requests replies used: {@code fromJournal + sent}
 * @param fromJournal replies taken from the journal of an earlier session, paid for then
 * @param sent replies paid for in this session
 * @param failed requests that failed for good (after retries); listed in {@code failures.jsonl}
 * @param retries attempts repeated after a retryable failure
 * @param inputTokens input tokens of all replies used
 * @param outputTokens output tokens of all replies used
 * @param costUsd estimated cost of all replies used, from {@code teacher.prices}
 * @param sentCostUsd the part of {@code costUsd} paid in this session
 * @param cachedInputTokens the part of {@code inputTokens} read from the provider's prompt cache
 */
public record StageUsage(
    long requests,
    long fromJournal,
    long sent,
    long failed,
    long retries,
    long inputTokens,
    long outputTokens,
    double costUsd,
    double sentCostUsd,
    long cachedInputTokens) {
  public static final StageUsage ZERO = new StageUsage(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** One request that failed for good; one retry. */
  static final StageUsage ONE_FAILURE = new StageUsage(0, 0, 0, 1, 0, 0, 0, 0, 0, 0);

  static final StageUsage ONE_RETRY = new StageUsage(0, 0, 0, 0, 1, 0, 0, 0, 0, 0);

  public StageUsage plus(StageUsage o) {
    return new StageUsage(
        requests + o.requests,
        fromJournal + o.fromJournal,
        sent + o.sent,
        failed + o.failed,
        retries + o.retries,
        inputTokens + o.inputTokens,
        outputTokens + o.outputTokens,
        costUsd + o.costUsd,
        sentCostUsd + o.sentCostUsd,
        cachedInputTokens + o.cachedInputTokens);
  }

  /** The same with costs to the micro-dollar, so run.json shows 0.001771, not 0.00177059999. */
  public StageUsage rounded() {
    return new StageUsage(
        requests,
        fromJournal,
        sent,
        failed,
        retries,
        inputTokens,
        outputTokens,
        Math.round(costUsd * 1e6) / 1e6,
        Math.round(sentCostUsd * 1e6) / 1e6,
        cachedInputTokens);
  }

  public long tokens() {
    return inputTokens + outputTokens;
  }
}
