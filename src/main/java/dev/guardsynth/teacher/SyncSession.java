package dev.guardsynth.teacher;

import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.teacher.Outcome.Answered;
import dev.guardsynth.teacher.Outcome.Failed;
import dev.guardsynth.teacher.Outcome.Skipped;
import dev.guardsynth.teacher.RequestRunner.Answer;
import dev.guardsynth.teacher.RequestRunner.Failure;
import dev.guardsynth.teacher.RequestRunner.Result;
import dev.guardsynth.teacher.RequestRunner.Sink;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
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
 * One {@link RequestRunner#run} in sync mode: a dispatcher thread hands requests to virtual
 * threads, at most {@code concurrency} at once and paced by the rate limits; each is retried until
 * answered, failed for good or stopped; outcomes reach the sink in request order on the calling
 * thread.
 */
final class SyncSession {
  private static final System.Logger LOG = System.getLogger("guardsynth.teacher");
  private final RunnerContext context;
  private final Teacher teacher;
  private final TeacherConfig config;
  private final Journal journal;
  private final Ledger ledger;
  private final String stage;
  private final StopSignal stopSignal;
  private final Progress.Listener progress;
  private final Ticker ticker;
  private final RateLimiter requestLimiter;
  private final RateLimiter tokenLimiter;
  private final CircuitBreaker breaker;
  private final List<TeacherRequest> requests;
  private final Sink sink;
  private final List<CompletableFuture<Outcome>> outcomes;
  private final AtomicReference<Throwable> stopCause = new AtomicReference<>();
  private final Set<Thread> sleepers = ConcurrentHashMap.newKeySet();
  private final Semaphore slots;
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger fromJournal = new AtomicInteger();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong tokens = new AtomicLong();
  private final long started;
  private volatile boolean stopping;
  private volatile boolean external; // stopped by the stop signal: in-flight requests get a grace
  private volatile Thread dispatcher;
  private boolean warmedUp; // dispatcher thread only

  SyncSession(RunnerContext context, List<TeacherRequest> requests, Sink sink) {
    this.context = context;
    this.teacher = context.teacher();
    this.config = context.config();
    this.journal = context.journal();
    this.ledger = context.ledger();
    this.stage = context.stage();
    this.stopSignal = context.stopSignal();
    this.progress = context.progress();
    this.ticker = context.ticker();
    this.requestLimiter = context.requestLimiter();
    this.tokenLimiter = context.tokenLimiter();
    this.breaker = context.breaker();
    this.slots = new Semaphore(config.runConcurrency());
    this.started = ticker.nanos();
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
      throw RequestRunner.rethrow(cause);
    }
    return new Result(requests.size(), fromJournal.get(), sent.get(), failed.get(), retries.get());
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
        outcomes.get(j).complete(Outcome.SKIPPED);
      }
    }
  }

  private void work(int index, TeacherRequest request, Ledger.Estimate estimate) {
    Outcome outcome = Outcome.SKIPPED;
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
        return Outcome.SKIPPED;
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
          return Outcome.SKIPPED;
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
        if (RequestRunner.isFatal(e.kind())) {
          stop(e);
          ledger.release(estimate);
          return Outcome.SKIPPED;
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
          return Outcome.SKIPPED;
        }
        ledger.retried(stage, request.model());
        retries.incrementAndGet();
        long wait = context.backoff().nanos(attempts, e.retryAfter());
        LOG.log(
            Level.DEBUG,
            "{0}: retrying {1} in {2} ms after: {3}",
            stage,
            request.key(),
            wait / 1_000_000,
            e.getMessage());
        if (!sleep(wait)) {
          ledger.release(estimate);
          return Outcome.SKIPPED;
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
   * Waits for requests in flight. After Ctrl-C they get {@code stop_grace} before they are
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
        if (!workers.awaitTermination(context.stopGrace().toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.log(
              Level.WARNING,
              "{0}: abandoning {1} request(s) still in flight; they are sent again on resume",
              stage,
              inFlight.get());
          workers.shutdownNow();
          workers.awaitTermination(context.stopGrace().toMillis(), TimeUnit.MILLISECONDS);
        }
      } else {
        while (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
          LOG.log(Level.INFO, "{0}: waiting for {1} request(s) in flight", stage, inFlight.get());
        }
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      stopCause.compareAndSet(
          null, new StoppedException(StoppedException.Reason.INTERRUPTED, "stopped: interrupted"));
    }
    report();
  }
}
