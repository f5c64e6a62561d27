package dev.guardsynth.teacher;

import dev.guardsynth.config.TeacherConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Sends many requests to a teacher, the one place where concurrency, rate limits, retries,
 * journalling, accounting, the budget and the circuit breaker live, so every stage and provider
 * shares them.
 *
 * <ul>
 *   <li>At most {@code teacher.concurrency} requests at once, on virtual threads.
 *   <li>{@code requests_per_minute} and {@code tokens_per_minute} paced by token buckets.
 *   <li>Retryable failures (429, 5xx, timeouts, dropped connections, malformed replies) are retried
 *       up to {@code max_retries} times with exponential backoff and jitter, or after the server's
 *       {@code Retry-After}.
 *   <li>A request the journal already answers is not sent; every new reply is journalled as it
 *       arrives.
 *   <li>A request that still fails is handed to {@link Sink#failed}; the others go on.
 *   <li>The run stops cleanly ({@link StoppedException}, exit 3) on a {@link StopSignal}, when the
 *       budget is reached ({@link BudgetExceededException}) or when the circuit breaker opens. A
 *       wrong API key or a cassette that lacks a request stops it with that {@link
 *       TeacherException} (exit 1).
 * </ul>
 *
 * <p>The work is shared out: {@link SyncSession} sends one request per call, {@link BatchJob}
 * through the Batch API, both from the {@link RunnerContext} this runner builds; {@link Backoff}
 * times retries.
 *
 * <p>Answers reach the sink in request order, on the calling thread, so output is deterministic
 * whatever order replies arrive in. A runner may be used for several runs, one at a time; its rate
 * limiters carry over between them.
 */
public final class RequestRunner {

  /** The fraction of {@code requests_per_minute} the runner paces to. */
  static final double RPM_HEADROOM = 0.97;

  /** How long in-flight requests may finish after Ctrl-C before they are abandoned. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);

  private final RunnerContext context;

  /**
   * A runner with no budget, stop signal or progress display.
   *
   * @param journal where replies are looked up and recorded; null for none
   * @param baseDelay the first retry's wait without {@code Retry-After}; doubles each attempt (zero
   *     in tests)
   */
  public RequestRunner(Teacher teacher, TeacherConfig config, Journal journal, Duration baseDelay) {
    this(builder(teacher, config).journal(journal).retryBaseDelay(baseDelay));
  }

  private RequestRunner(Builder b) {
    TeacherConfig config = b.config;
    long now = b.ticker.nanos();
    // A burst of one request and a pace a little under the limit: the provider, which counts
    // arrivals, never sees more than its limit in any minute, even when a pause in this process
    // (garbage collection, a busy machine) or the network bunches requests up a little.
    RateLimiter requestLimiter =
        config.requestsPerMinute() > 0
            ? new RateLimiter(config.requestsPerMinute() * RPM_HEADROOM, 1, now)
            : null;
    // Tokens may burst by a second's worth, so one large request does not wait needlessly.
    RateLimiter tokenLimiter =
        config.tokensPerMinute() > 0
            ? new RateLimiter(
                config.tokensPerMinute(), Math.max(1, config.tokensPerMinute() / 60.0), now)
            : null;
    this.context =
        new RunnerContext(
            b.teacher,
            config,
            b.journal,
            b.ledger != null ? b.ledger : Ledger.unlimited(config),
            b.stage,
            b.stop,
            b.progress,
            b.ticker,
            b.stopGrace,
            new Backoff(b.retryBaseDelay, b.random),
            requestLimiter,
            tokenLimiter,
            new CircuitBreaker(config.circuitBreaker()),
            b.batch,
            b.batchState);
  }

  public static Builder builder(Teacher teacher, TeacherConfig config) {
    return new Builder(teacher, config);
  }

  /** A reply and whether it came from the journal instead of the teacher. */
  public record Answer(TeacherReply reply, boolean fromJournal) {}

  /**
   * A request that failed for good: not retryable, or out of retries.
   *
   * @param attempts how many times it was sent
   */
  public record Failure(TeacherRequest request, TeacherException cause, int attempts) {
    public String key() {
      return request.key();
    }

    public TeacherException.Kind kind() {
      return cause.kind();
    }

    public String message() {
      return cause.getMessage();
    }
  }

  /** Receives each outcome in request order, on the thread that called {@link #run}. */
  public interface Sink {
    void accept(int index, Answer answer) throws TeacherException;

    /**
     * Receives a request that failed for good. By default the failure stops the run with its
     * exception, as it did before failures could be recorded; stages that record failures (and so
     * let the others finish) override this.
     */
    default void failed(int index, Failure failure) throws TeacherException {
      throw failure.cause();
    }
  }

  /**
   * What one run did.
   *
   * @param sent replies paid for in this run
   * @param failed requests that failed for good
   * @param retries attempts repeated after a retryable failure
   */
  public record Result(int requests, int fromJournal, int sent, int failed, long retries) {}

  /**
   * Sends all {@code requests} and hands each outcome to {@code sink} in order.
   *
   * @throws StoppedException stopped by the stop signal, the budget or the circuit breaker; all
   *     replies that arrived are journalled
   * @throws TeacherException the sink threw it, or the teacher rejected the API key or lacks a
   *     recorded reply
   */
  public Result run(List<TeacherRequest> requests, Sink sink)
      throws TeacherException, InterruptedException {
    if (context.journal() != null) {
      context.ledger().addJournal(context.journal());
    }
    if (context.batch() != null) {
      return new BatchJob(context, requests, sink).run();
    }
    return new SyncSession(context, requests, sink).run();
  }

  static boolean isFatal(TeacherException.Kind kind) {
    // Every other request would fail the same way: stop at once instead of recording each.
    return kind == TeacherException.Kind.AUTH || kind == TeacherException.Kind.NOT_RECORDED;
  }

  static RuntimeException rethrow(Throwable cause) throws TeacherException {
    if (cause instanceof TeacherException te) {
      throw te;
    }
    if (cause instanceof RuntimeException re) {
      throw re;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    throw new IllegalStateException("a teacher request failed unexpectedly", cause);
  }

  /** Settings of a {@link RequestRunner}; all but the teacher and its config are optional. */
  public static final class Builder {
    private final Teacher teacher;
    private final TeacherConfig config;
    private Journal journal;
    private Duration retryBaseDelay = Duration.ofMillis(500);
    private Ledger ledger;
    private String stage = "teacher";
    private StopSignal stop = new StopSignal();
    private Progress.Listener progress = Progress.Listener.NONE;
    private Ticker ticker = Ticker.system();
    private Random random = new Random();
    private Duration stopGrace = DEFAULT_STOP_GRACE;
    private OpenAiBatch batch;
    private Path batchState;

    private Builder(Teacher teacher, TeacherConfig config) {
      this.teacher = teacher;
      this.config = config;
    }

    /** Where replies are looked up and recorded; null for none. */
    public Builder journal(Journal journal) {
      this.journal = journal;
      return this;
    }

    /** The first retry's wait without {@code Retry-After}; doubles each attempt. */
    public Builder retryBaseDelay(Duration delay) {
      this.retryBaseDelay = delay;
      return this;
    }

    /** The run's accounting and budget, shared by its stages. */
    public Builder ledger(Ledger ledger) {
      this.ledger = ledger;
      return this;
    }

    /** The stage name used in accounting, progress and messages. */
    public Builder stage(String stage) {
      this.stage = stage;
      return this;
    }

    public Builder stop(StopSignal stop) {
      this.stop = stop;
      return this;
    }

    public Builder progress(Progress.Listener progress) {
      this.progress = progress;
      return this;
    }

    /** The clock and sleeper; tests pass a fake one. */
    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /** The source of backoff jitter; tests pass a seeded one. */
    public Builder random(Random random) {
      this.random = random;
      return this;
    }

    /** How long in-flight requests may finish after a stop signal. */
    public Builder stopGrace(Duration grace) {
      this.stopGrace = grace;
      return this;
    }

    /**
     * Sends requests through the OpenAI Batch API instead of one by one.
     *
     * @param state the file that remembers submitted batches, so a resumed run polls them instead
     *     of paying again
     */
    public Builder batch(OpenAiBatch batch, Path state) {
      this.batch = batch;
      this.batchState = state;
      return this;
    }

    public RequestRunner build() {
      return new RequestRunner(this);
    }
  }
}
