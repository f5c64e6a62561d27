package dev.guardsynth.teacher;

import dev.guardsynth.config.TeacherConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a {@link RequestRunner} shares with the session that carries out one of its runs ({@link
 * SyncSession} or {@link BatchJob}): the teacher and its settings, the journal, the accounting, the
 * stop signal and progress, the clock, and the limiters and breaker that carry over between runs.
 *
 * @param journal where replies are looked up and recorded; null for none
 * @param requestLimiter paces {@code requests_per_minute}; null without a limit
 * @param tokenLimiter paces {@code tokens_per_minute}; null without a limit
 * @param batch the Batch API client in batch mode, else null
 * @param batchState the file that remembers submitted batches, in batch mode
 */
record RunnerContext(
    Teacher teacher,
    TeacherConfig config,
    Journal journal,
    Ledger ledger,
    String stage,
    StopSignal stopSignal,
    Progress.Listener progress,
    Ticker ticker,
    Duration stopGrace,
    Backoff backoff,
    RateLimiter requestLimiter,
    RateLimiter tokenLimiter,
    CircuitBreaker breaker,
    OpenAiBatch batch,
    Path batchState) {}
