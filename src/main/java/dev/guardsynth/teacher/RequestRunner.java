package dev.guardsynth.teacher;

import dev.guardsynth.config.TeacherConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Sends many requests to a teacher: at most {@code concurrency} at once on virtual threads,
 * retrying retryable failures with exponential backoff (honouring {@code Retry-After}), answering
 * from the journal where it already holds a reply and journalling every new reply as it arrives.
 * Replies are handed back in request order, so output is deterministic.
 */
public final class RequestRunner {
  private final Teacher teacher;
  private final Journal journal;
  private final int concurrency;
  private final int maxRetries;
  private final Duration baseDelay;

  /**
   * @param journal where replies are looked up and recorded; null for none
   * @param baseDelay the first retry's wait; doubles each attempt (zero in tests)
   */
  public RequestRunner(Teacher teacher, TeacherConfig config, Journal journal, Duration baseDelay) {
    this.teacher = teacher;
    this.journal = journal;
    this.concurrency = config.concurrency();
    this.maxRetries = config.maxRetries();
    this.baseDelay = baseDelay;
  }

  /** A reply and whether it came from the journal instead of the teacher. */
  public record Answer(TeacherReply reply, boolean fromJournal) {}

  /** Receives each answer in request order. */
  public interface Sink {
    void accept(int index, Answer answer) throws TeacherException;
  }

  /**
   * Sends all {@code requests}. The first request that fails for good (not retryable, or out of
   * retries) stops the run with its exception; replies already journalled stay there for a resumed
   * run.
   */
  public void run(List<TeacherRequest> requests, Sink sink)
      throws TeacherException, InterruptedException {
    Semaphore permits = new Semaphore(concurrency);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Answer>> futures = new ArrayList<>(requests.size());
      for (TeacherRequest request : requests) {
        futures.add(
            executor.submit(
                () -> {
                  permits.acquire();
                  try {
                    return answer(request);
                  } finally {
                    permits.release();
                  }
                }));
      }
      try {
        for (int i = 0; i < futures.size(); i++) {
          sink.accept(i, futures.get(i).get());
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TeacherException te) {
          throw te;
        }
        if (e.getCause() instanceof InterruptedException ie) {
          throw ie;
        }
        throw new IllegalStateException("a teacher request failed unexpectedly", e.getCause());
      } finally {
        futures.forEach(f -> f.cancel(true));
      }
    }
  }

  private Answer answer(TeacherRequest request) throws TeacherException, InterruptedException {
    if (journal != null) {
      var earlier = journal.find(request.key());
      if (earlier.isPresent()) {
        return new Answer(earlier.get(), true);
      }
    }
    for (int attempt = 0; ; attempt++) {
      try {
        TeacherReply reply = teacher.complete(request);
        if (journal != null) {
          journal.append(request, reply);
        }
        return new Answer(reply, false);
      } catch (TeacherException e) {
        if (!e.kind().isRetryable() || attempt >= maxRetries) {
          throw e;
        }
        Duration wait =
            e.retryAfter() != null
                ? e.retryAfter()
                : baseDelay.multipliedBy(1L << Math.min(attempt, 10));
        Thread.sleep(wait.toMillis());
      }
    }
  }
}
