package dev.guardsynth.teacher;

import dev.guardsynth.config.TeacherConfig;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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
 * Answers reach the sink in request order, on the calling thread, so output is deterministic
 * whatever order replies arrive in. A runner may be used for several runs, one at a time; its rate
 * limiters carry over between them.
 */
public final class RequestRunner {
  private static final System.Logger LOG = System.getLogger("guardsynth.teacher");

  /** The longest single wait between attempts, whatever {@code Retry-After} asks for. */
  static final long MAX_WAIT_NANOS = Duration.ofMinutes(5).toNanos();

  /** The longest exponential backoff step when the server gives no {@code Retry-After}. */
  static final long MAX_BACKOFF_NANOS = Duration.ofSeconds(60).toNanos();

  /** The fraction of {@code requests_per_minute} the runner paces to. */
  static final double RPM_HEADROOM = 0.97;

  /** How long in-flight requests may finish after Ctrl-C before they are abandoned. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);

  private final Teacher teacher;
  private final TeacherConfig config;
  private final Journal journal;
  private final Duration baseDelay;
  private final Ledger ledger;
  private final String stage;
  private final StopSignal stopSignal;
  private final Progress.Listener progress;
  private final Ticker ticker;
  private final Random random;
  private final Duration stopGrace;
  private final OpenAiBatch batch;
  private final Path batchState;
  private final RateLimiter requestLimiter;
  private final RateLimiter tokenLimiter;
  private final CircuitBreaker breaker;

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
    this.teacher = b.teacher;
    this.config = b.config;
    this.journal = b.journal;
    this.baseDelay = b.retryBaseDelay;
    this.ledger = b.ledger != null ? b.ledger : Ledger.unlimited(b.config);
    this.stage = b.stage;
    this.stopSignal = b.stop;
    this.progress = b.progress;
    this.ticker = b.ticker;
    this.random = b.random;
    this.stopGrace = b.stopGrace;
    this.batch = b.batch;
    this.batchState = b.batchState;
    long now = ticker.nanos();
    // A burst of one request and a pace a little under the limit: the provider, which counts
    // arrivals, never sees more than its limit in any minute, even when a pause in this process
    // (garbage collection, a busy machine) or the network bunches requests up a little.
    this.requestLimiter =
        config.requestsPerMinute() > 0
            ? new RateLimiter(config.requestsPerMinute() * RPM_HEADROOM, 1, now)
            : null;
    // Tokens may burst by a second's worth, so one large request does not wait needlessly.
    this.tokenLimiter =
        config.tokensPerMinute() > 0
            ? new RateLimiter(
                config.tokensPerMinute(), Math.max(1, config.tokensPerMinute() / 60.0), now)
            : null;
    this.breaker = new CircuitBreaker(config.circuitBreaker());
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
    if (journal != null) {
      ledger.addJournal(journal);
    }
    if (batch != null) {
      return new BatchJob(this, requests, sink).run();
    }
    return new Session(requests, sink).run();
  }

  // Package-private accessors for BatchJob, which shares this runner's settings.
  TeacherConfig config() {
    return config;
  }

  Journal journal() {
    return journal;
  }

  Ledger ledger() {
    return ledger;
  }

  String stage() {
    return stage;
  }

  StopSignal stopSignal() {
    return stopSignal;
  }

  Progress.Listener progress() {
    return progress;
  }

  Ticker ticker() {
    return ticker;
  }

  OpenAiBatch batch() {
    return batch;
  }

  Path batchState() {
    return batchState;
  }

  static boolean isFatal(TeacherException.Kind kind) {
    // Every other request would fail the same way: stop at once instead of recording each.
    return kind == TeacherException.Kind.AUTH || kind == TeacherException.Kind.NOT_RECORDED;
  }

  /** What became of one request. */
  sealed interface Outcome permits Answered, Failed, Skipped {}

  record Answered(Answer answer) implements Outcome {}

  record Failed(Failure failure) implements Outcome {}

  /** Not settled because the run stopped first. */
  record Skipped() implements Outcome {}

  static final Skipped SKIPPED = new Skipped();

  /** The wait before the next attempt: {@code Retry-After} if given, else exponential backoff. */
  long backoffNanos(int attempts, Duration retryAfter) {
    if (retryAfter != null) {
      long asked = Math.max(0, retryAfter.toNanos());
      // A little jitter on top, so requests told the same wait do not return all at once.
      long jitter = (long) (random.nextDouble() * Math.min(asked / 10, 1_000_000_000L));
      return Math.min(asked + jitter, MAX_WAIT_NANOS);
    }
    long step = baseDelay.toNanos();
    for (int i = 1; i < attempts && step < MAX_BACKOFF_NANOS; i++) {
      step *= 2;
    }
    step = Math.min(step, MAX_BACKOFF_NANOS);
    // "Equal jitter": at least half the step, so backoff never collapses to nothing.
    return step / 2 + (long) (random.nextDouble() * (step - step / 2));
  }

  /** The state of one {@link #run} in sync mode. */
  private final class Session {
    private final List<TeacherRequest> requests;
    private final Sink sink;
    private final List<CompletableFuture<Outcome>> outcomes;
    private final AtomicReference<Throwable> stopCause = new AtomicReference<>();
    private final Set<Thread> sleepers = ConcurrentHashMap.newKeySet();
    private final Semaphore slots = new Semaphore(config.runConcurrency());
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger fromJournal = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();
    private final long started = ticker.nanos();
    private volatile boolean stopping;
    private volatile boolean external; // stopped by the stop signal: in-flight requests get a grace
    private volatile Thread dispatcher;
    private boolean warmedUp; // dispatcher thread only

    Session(List<TeacherRequest> requests, Sink sink) {
      this.requests = List.copyOf(requests);
      this.sink = sink;
      this.outcomes = new ArrayList<>(requests.size());
      for (int i = 0; i < requests.size(); i++) {
        outcomes.add(new CompletableFuture<>());
      }
    }

    Result run() throws TeacherException, InterruptedException {
      ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
      AutoCloseable onStop =
          stopSignal.onRequest(() -> {
            external = true;
            stop(
                new StoppedException(
                    StoppedException.Reason.INTERRUPTED, "stopped: " + stopSignal.reason()));
          });
      try {
        dispatcher = Thread.ofVirtual().name("guardsynth-dispatch").start(() -> dispatch(workers));
        report();
        deliver();
      } finally {
        stopping = stopping || done.get() < requests.size();
        drain(workers);
        try {
          onStop.close();
        } catch (Exception e) {
          throw new IllegalStateException("removing a stop listener", e);
        }
      }
      Throwable cause = stopCause.get();
      if (cause != null) {
        throw rethrow(cause);
      }
      return new Result(
          requests.size(), fromJournal.get(), sent.get(), failed.get(), retries.get());
    }

    /** Hands outcomes to the sink in request order, until the first one the run skipped. */
    private void deliver() {
      for (int i = 0; i < requests.size(); i++) {
        Outcome outcome;
        try {
          outcome = outcomes.get(i).get();
        } catch (InterruptedException e) {
          // The interruption becomes a clean stop; the flag is not kept, so that the caller can
          // still write its files (NIO channels refuse to work on an interrupted thread).
          stop(new StoppedException(StoppedException.Reason.INTERRUPTED, "stopped: interrupted"));
          external = true;
          return;
        } catch (ExecutionException e) {
          stop(e.getCause());
          return;
        }
        outcomes.set(i, null); // the sink has it now; let large runs free replies as they go
        try {
          switch (outcome) {
            case Answered a -> sink.accept(i, a.answer());
            case Failed f -> sink.failed(i, f.failure());
            case Skipped s -> {
              return;
            }
          }
        } catch (TeacherException | RuntimeException e) {
          stop(e);
          return;
        }
      }
    }

    private void dispatch(ExecutorService workers) {
      int i = 0;
      try {
        for (; i < requests.size() && !stopping; i++) {
          TeacherRequest request = requests.get(i);
          var earlier = journal == null ? null : journal.find(request.key()).orElse(null);
          if (earlier != null) {
            ledger.fromJournal(stage, request, earlier, false);
            fromJournal.incrementAndGet();
            tokens.addAndGet(earlier.usage().total());
            settle(i, new Answered(new Answer(earlier, true)));
            continue;
          }
          Ledger.Estimate estimate = ledger.estimate(request, false);
          if (!ledger.reserve(estimate)) {
            stop(
                new BudgetExceededException(
                    "stopped: "
                        + ledger.exhausted(estimate)
                        + "; "
                        + (requests.size() - done.get())
                        + " of "
                        + requests.size()
                        + " "
                        + stage
                        + " requests not sent yet"));
            break;
          }
          try {
            slots.acquire();
          } catch (InterruptedException e) {
            ledger.release(estimate);
            break;
          }
          if (stopping) {
            slots.release();
            ledger.release(estimate);
            break;
          }
          int index = i;
          inFlight.incrementAndGet();
          workers.execute(() -> work(index, request, estimate));
          if (requestLimiter != null && !warmedUp) {
            // The first call opens connections and loads the HTTP client, which can hold it back
            // a second; paced calls queued behind it would then leave together and arrive faster
            // than the limit. So under a request limit the first call goes alone.
            warmedUp = true;
            try {
              outcomes.get(index).get(); // interruptible, unlike join(), so a stop ends the wait
            } catch (ExecutionException e) {
              throw new IllegalStateException("outcomes never complete exceptionally", e);
            }
          }
        }
      } catch (InterruptedException e) {
        // Interrupted while waiting for the budget: the run is stopping.
      } catch (RuntimeException | Error e) {
        stop(e);
      } finally {
        for (int j = i; j < requests.size(); j++) {
          outcomes.get(j).complete(SKIPPED);
        }
      }
    }

    private void work(int index, TeacherRequest request, Ledger.Estimate estimate) {
      Outcome outcome = SKIPPED;
      try {
        outcome = attempt(request, estimate);
      } catch (RuntimeException | Error e) {
        stop(e);
      } finally {
        slots.release();
        inFlight.decrementAndGet();
        settle(index, outcome);
      }
    }

    /** Sends one request until it is answered, fails for good, or the run stops. */
    private Outcome attempt(TeacherRequest request, Ledger.Estimate estimate) {
      long tokenEstimate = request.estimatedInputTokens() + request.maxTokens();
      for (int attempts = 1; ; attempts++) {
        if (!pace(tokenEstimate)) {
          ledger.release(estimate);
          return SKIPPED;
        }
        try {
          TeacherReply reply = teacher.complete(request);
          breaker.recordSuccess();
          if (tokenLimiter != null) {
            tokenLimiter.adjust(reply.usage().total() - tokenEstimate, ticker.nanos());
          }
          if (journal != null) {
            journal.append(request, reply);
          }
          ledger.settle(estimate, stage, request, reply, false);
          sent.incrementAndGet();
          tokens.addAndGet(reply.usage().total());
          return new Answered(new Answer(reply, false));
        } catch (TeacherException e) {
          if (tokenLimiter != null) {
            tokenLimiter.adjust(-tokenEstimate, ticker.nanos());
          }
          if (stopping || Thread.currentThread().isInterrupted()) {
            ledger.release(estimate);
            return SKIPPED;
          }
          if (breaker.recordFailure(ticker.nanos())) {
            LOG.log(
                Level.WARNING, "{0}: the teacher keeps failing: {1}", stage, breaker.openReason());
            if (!breaker.hasSucceeded()) {
              // Not one answer yet: a wrong base_url, model or endpoint rather than an outage, so
              // a failure (exit 1) with the error itself, not a stop to wait out.
              stop(
                  new TeacherException(
                      e.kind(),
                      e.getMessage() + " (no request has succeeded: " + breaker.openReason() + ")",
                      e.retryAfter(),
                      e));
            } else {
              stop(
                  new StoppedException(
                      StoppedException.Reason.CIRCUIT_OPEN,
                      "stopped: the teacher keeps failing: "
                          + breaker.openReason()
                          + "; last error: "
                          + e.getMessage()
                          + "; fix the cause or wait, then resume",
                      e));
            }
          }
          if (isFatal(e.kind())) {
            stop(e);
            ledger.release(estimate);
            return SKIPPED;
          }
          if (!e.kind().isRetryable() || attempts > config.maxRetries()) {
            ledger.release(estimate);
            ledger.failed(stage, request.model());
            LOG.log(
                Level.WARNING,
                "{0}: request {1} failed after {2} attempt(s): {3}",
                stage,
                request.key(),
                attempts,
                e.getMessage());
            return new Failed(new Failure(request, e, attempts));
          }
          if (stopping) {
            ledger.release(estimate);
            return SKIPPED;
          }
          ledger.retried(stage, request.model());
          retries.incrementAndGet();
          long wait = backoffNanos(attempts, e.retryAfter());
          LOG.log(
              Level.DEBUG,
              "{0}: retrying {1} in {2} ms after: {3}",
              stage,
              request.key(),
              wait / 1_000_000,
              e.getMessage());
          if (!sleep(wait)) {
            ledger.release(estimate);
            return SKIPPED;
          }
        }
      }
    }

    /** Waits for the rate limiters; false when the run stopped meanwhile. */
    private boolean pace(long tokenEstimate) {
      long now = ticker.nanos();
      long wait = 0;
      if (requestLimiter != null) {
        wait = Math.max(wait, requestLimiter.reserve(1, now));
      }
      if (tokenLimiter != null) {
        wait = Math.max(wait, tokenLimiter.reserve(tokenEstimate, now));
      }
      return sleep(wait);
    }

    /** Sleeps unless the run stops first; false when it did. */
    private boolean sleep(long nanos) {
      Thread me = Thread.currentThread();
      sleepers.add(me); // before the check, so stop() either sees us or we see `stopping`
      try {
        if (stopping) {
          return false;
        }
        ticker.sleep(nanos);
        return !stopping;
      } catch (InterruptedException e) {
        return false;
      } finally {
        sleepers.remove(me);
        Thread.interrupted(); // a stop's wake-up call must not leak into the next attempt
      }
    }

    private void settle(int index, Outcome outcome) {
      if (outcome instanceof Failed) {
        failed.incrementAndGet();
      }
      if (!(outcome instanceof Skipped)) {
        done.incrementAndGet();
      }
      outcomes.get(index).complete(outcome);
      report();
    }

    private void report() {
      progress.update(
          new Progress(
              stage,
              requests.size(),
              done.get(),
              fromJournal.get(),
              failed.get(),
              inFlight.get(),
              retries.get(),
              tokens.get(),
              ledger.stage(stage).costUsd(),
              ticker.nanos() - started));
    }

    /** Stops dispatching and retrying; the first cause is the one the run reports. */
    private void stop(Throwable cause) {
      stopCause.compareAndSet(null, cause);
      stopping = true;
      Thread d = dispatcher;
      if (d != null) {
        d.interrupt();
      }
      sleepers.forEach(Thread::interrupt);
    }

    /**
     * Waits for requests in flight. After Ctrl-C they get {@link #stopGrace} before they are
     * abandoned (their replies are then lost, and sent again on resume); otherwise each may finish
     * its current attempt, since it is being paid for.
     */
    private void drain(ExecutorService workers) {
      try {
        Thread d = dispatcher;
        if (d != null) {
          d.join();
        }
        workers.shutdown();
        if (external) {
          if (!workers.awaitTermination(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.log(
                Level.WARNING,
                "{0}: abandoning {1} request(s) still in flight; they are sent again on resume",
                stage,
                inFlight.get());
            workers.shutdownNow();
            workers.awaitTermination(stopGrace.toMillis(), TimeUnit.MILLISECONDS);
          }
        } else {
          while (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
            LOG.log(Level.INFO, "{0}: waiting for {1} request(s) in flight", stage, inFlight.get());
          }
        }
      } catch (InterruptedException e) {
        workers.shutdownNow();
        stopCause.compareAndSet(
            null,
            new StoppedException(StoppedException.Reason.INTERRUPTED, "stopped: interrupted"));
      }
      report();
    }
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
