package dev.guardsynth.label;

import dev.guardsynth.teacher.Usage;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts from one label stage. They add up: {@code input == labeled + rejected}, {@code rejected}
 * is the sum of {@code rejectedByReason}, and, with judging on, {@code input == agreed + disagreed
 * + unparseable}; a rule violation is counted in {@code agreed} or {@code disagreed} as well as in
 * {@code ruleViolations}. With responses on, {@code labeled == responses + detectOnly}.
 *
 * @param requests judge and respond requests made (or answered from the journal)
 * @param fromJournal of those, answered from the journal of an earlier run
 * @param relabeled disagreements kept with the judge's label and category
 * @param ruleViolations questions rejected because the judge found a rule broken ({@code
 *     rule:<id>}; counted per rule in {@code rejectedByReason})
 * @param responses questions kept with a safeguard response (those repaired by a retry included)
 * @param respondRetries requests that asked again, alone, for the response of a question whose
 *     response was missing, empty, a refusal of a safe question or in the wrong language (each also
 *     counted in {@code requests})
 * @param responsesRepaired questions kept with a response that only such a retry gave
 * @param detectOnly questions kept without a response ({@code label.on_bad_response: detect_only}),
 *     which export writes to the detect task alone
 * @param unansweredChecks rule checks a verdict left out or answered neither yes nor no (the
 *     verdict's label and category are kept; the check is taken as not broken)
 * @param thinkBlocks judge and respond replies whose thinking block was dropped before reading
 * @param truncated judge and respond replies the token limit cut (their cut items are asked again
 *     alone, as any unreadable one)
 * @param agreementByCategory judge outcomes per intended category
 */
public record LabelResult(
    long input,
    long labeled,
    long rejected,
    long agreed,
    long disagreed,
    long unparseable,
    long relabeled,
    long ruleViolations,
    long responses,
    long respondRetries,
    long responsesRepaired,
    long detectOnly,
    long unansweredChecks,
    long thinkBlocks,
    long truncated,
    long requests,
    long fromJournal,
    Usage usage,
    Map<String, Long> rejectedByReason,
    Map<String, Agreement> agreementByCategory) {
  public LabelResult {
    rejectedByReason = Collections.unmodifiableMap(new TreeMap<>(rejectedByReason));
    agreementByCategory = Collections.unmodifiableMap(new TreeMap<>(agreementByCategory));
  }

  /** The judge's verdicts on one category's questions. */
  public record Agreement(long judged, long agreed, long disagreed, long unparseable) {
    Agreement plus(Agreement o) {
      return new Agreement(
          judged + o.judged,
          agreed + o.agreed,
          disagreed + o.disagreed,
          unparseable + o.unparseable);
    }
  }
}
