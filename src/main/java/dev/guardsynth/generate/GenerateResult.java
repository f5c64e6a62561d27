package dev.guardsynth.generate;

import dev.guardsynth.teacher.Usage;
import java.util.Map;

/**
 * Counts from one generate stage. They add up: {@code returned == questions + refusals +
 * unparseable + truncated} and {@code questions == candidates + exactDuplicates}.
 *
 * @param requests prompts sent (or answered from the journal)
 * @param fromJournal replies taken from the journal of an earlier, interrupted run
 * @param refusalsByCategory refusals per category id (an unmodifiable copy, made by the generator)
 * @param failed prompts whose request failed for good (after retries); they have no candidates
 * @param truncated replies the token limit cut, whose last, unfinished item was dropped
 * @param thinkBlocks replies whose thinking block was dropped before they were read
 * @param attachedNotes texts the teacher attached to its questions (translations, echoed tags,
 *     explanations, topic lead-ins, sub-bullets), kept aside as the candidates' {@code
 *     source.note}; not items, so not in {@code returned}
 */
public record GenerateResult(
    int requests,
    int fromJournal,
    long returned,
    long questions,
    long candidates,
    long exactDuplicates,
    long refusals,
    long unparseable,
    Usage usage,
    Map<String, Long> refusalsByCategory,
    int failed,
    long truncated,
    long thinkBlocks,
    long attachedNotes) {}
