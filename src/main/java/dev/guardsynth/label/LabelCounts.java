package dev.guardsynth.label;

import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.Usage;
import dev.guardsynth.text.ThinkBlocks;
import java.util.HashMap;
import java.util.Map;

/**
 * The running counts of one label run, which {@link #result} turns into its {@link LabelResult}.
 * Mutable and not thread-safe: the request runner hands answers over on one thread.
 */
final class LabelCounts {
  long agreed;
  long disagreed;
  long unparseable;
  long relabeled;
  long ruleViolations;
  long responses;
  long respondRetries;
  long responsesRepaired;
  long detectOnly;
  long unansweredChecks;
  private long thinkBlocks;
  private long truncated;
  private long requests;
  private long fromJournal;
  private Usage usage = Usage.ZERO;
  private final Map<String, LabelResult.Agreement> byCategory = new HashMap<>();

  /**
   * Counts one answered request, new or from the journal, what it cost and what its format cost: a
   * thinking block dropped before it was read, a cut by the token limit.
   */
  void answered(RequestRunner.Answer answer) {
    requests++;
    fromJournal += answer.fromJournal() ? 1 : 0;
    usage = usage.plus(answer.reply().usage());
    thinkBlocks += ThinkBlocks.strip(answer.reply().text()).found() ? 1 : 0;
    truncated += answer.reply().truncated() ? 1 : 0;
  }

  /** Counts a verdict on a question of {@code category}. */
  void judged(String category, boolean agrees) {
    if (agrees) {
      agreed++;
    } else {
      disagreed++;
    }
    byCategory.merge(
        category,
        new LabelResult.Agreement(1, agrees ? 1 : 0, agrees ? 0 : 1, 0),
        LabelResult.Agreement::plus);
  }

  /** Counts a question of {@code category} whose verdict could not be read, even alone. */
  void unreadable(String category) {
    unparseable++;
    byCategory.merge(category, new LabelResult.Agreement(1, 0, 0, 1), LabelResult.Agreement::plus);
  }

  LabelResult result(long input, long labeled, Map<String, Long> rejectedByReason) {
    return new LabelResult(
        input,
        labeled,
        input - labeled,
        agreed,
        disagreed,
        unparseable,
        relabeled,
        ruleViolations,
        responses,
        respondRetries,
        responsesRepaired,
        detectOnly,
        unansweredChecks,
        thinkBlocks,
        truncated,
        requests,
        fromJournal,
        usage,
        rejectedByReason,
        byCategory);
  }
}
