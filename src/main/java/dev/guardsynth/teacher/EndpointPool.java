package dev.guardsynth.teacher;

import dev.guardsynth.config.TeacherConfig;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One teacher made of several endpoints serving the same model (a fleet of vLLM servers, say). Each
 * request goes to the healthy endpoint with the fewest requests in flight. An endpoint that fails
 * with a fault of its own (refused connection, 5xx, timeout, 429, a malformed body) hands the
 * request on to the next one at once, without spending one of the runner's retries; one that keeps
 * failing is set aside by its own {@link CircuitBreaker} and, after {@code retry_seconds}, gets one
 * trial request: an answer brings it back, a failure sets it aside again.
 *
 * <p>The runner above still holds the run's concurrency, rate limits, retries and breaker: it sees
 * a failure only when every endpoint it could try failed, and a request's journal key never names
 * the endpoint, so a resumed run finds its replies wherever they came from. An endpoint's own
 * {@code concurrency} and {@code requests_per_minute} cap that endpoint on top. Thread-safe.
 */
final class EndpointPool implements Teacher {
  private static final System.Logger LOG = System.getLogger("guardsynth.teacher");

  /** Consecutive failures that set an endpoint aside: a dead server costs this many attempts. */
  static final int MAX_WINDOW = 3;

  private final List<Member> members;
  private final TeacherConfig.CircuitBreaker breakerConfig;
  private final long retryNanos;
  private final Ticker ticker;
  // A lock rather than synchronized/wait: requests run on virtual threads, which must not pin
  // their carrier while they wait for an endpoint to free up.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();
  private int next; // where the search for the least busy endpoint starts, so ties take turns

  /** One endpoint and what the pool knows of it; guarded by the pool's lock. */
  static final class Member {
    final Teacher teacher;
    final String url;
    final Integer concurrency;
    final RateLimiter limiter;
    CircuitBreaker breaker;
    int inFlight;
    long setAsideUntil = -1; // ticker nanos; -1 while in service
    boolean trial; // a trial request is in flight while set aside
    long answered;
    long failed;

    Member(Teacher teacher, TeacherConfig.Endpoint endpoint, CircuitBreaker breaker, long now) {
      this.teacher = teacher;
      this.url = endpoint.url();
      this.concurrency = endpoint.concurrency();
      Integer rpm = endpoint.requestsPerMinute();
      this.limiter =
          rpm == null || rpm == 0
              ? null
              : new RateLimiter(rpm * RequestRunner.RPM_HEADROOM, 1, now);
      this.breaker = breaker;
    }

    boolean inService() {
      return setAsideUntil < 0;
    }

    boolean full() {
      return concurrency != null && inFlight >= concurrency;
    }
  }

  /** What the pool has done, per endpoint, for tests and the end-of-run summary. */
  record EndpointCount(String url, long answered, long failed, boolean inService) {}

  /**
   * @param teachers one teacher per endpoint, in the order of {@code endpoints}
   */
  EndpointPool(
      List<Teacher> teachers,
      List<TeacherConfig.Endpoint> endpoints,
      TeacherConfig.CircuitBreaker breaker,
      Ticker ticker) {
    if (teachers.size() != endpoints.size() || teachers.isEmpty()) {
      throw new IllegalArgumentException("one teacher per endpoint, at least one");
    }
    // The endpoint's breaker uses the run's rule over a short window, so a dead server is found
    // after a few attempts rather than after a run-sized window of them.
    this.breakerConfig =
        new TeacherConfig.CircuitBreaker(
            breaker.failureRate() > 0 ? breaker.failureRate() : 1.0,
            Math.min(breaker.window(), MAX_WINDOW),
            breaker.seconds(),
            breaker.retrySeconds());
    this.retryNanos = breaker.retrySeconds() * 1_000_000_000L;
    this.ticker = ticker;
    long now = ticker.nanos();
    List<Member> list = new ArrayList<>();
    for (int i = 0; i < teachers.size(); i++) {
      list.add(
          new Member(teachers.get(i), endpoints.get(i), new CircuitBreaker(breakerConfig), now));
    }
    this.members = List.copyOf(list);
  }

  @Override
  public TeacherReply complete(TeacherRequest request) throws TeacherException {
    Set<Member> tried = new HashSet<>();
    TeacherException last = null;
    while (true) {
      Member m = acquire(tried);
      if (m == null) {
        throw last != null ? last : allSetAside();
      }
      tried.add(m);
      try {
        pace(m);
      } catch (TeacherException interrupted) {
        abandon(m);
        throw interrupted;
      }
      try {
        TeacherReply reply = m.teacher.complete(request);
        release(m, null);
        return reply;
      } catch (TeacherException e) {
        boolean endpointFault = e.kind().isRetryable();
        release(m, endpointFault ? e : null);
        if (!endpointFault) {
          throw e; // a wrong key or request fails the same way everywhere
        }
        last = e;
      } catch (RuntimeException | Error e) {
        abandon(m);
        throw e;
      }
    }
  }

  /**
   * The endpoint to send to next, counted as in flight: a set-aside endpoint whose wait is over (as
   * its one trial), else the in-service endpoint with the fewest in flight. Waits while every such
   * endpoint is at its own concurrency cap; null when none is left untried.
   */
  private Member acquire(Set<Member> tried) throws TeacherException {
    lock.lock();
    try {
      return choose(tried);
    } finally {
      lock.unlock();
    }
  }

  private Member choose(Set<Member> tried) throws TeacherException {
    while (true) {
      long now = ticker.nanos();
      Member best = null;
      boolean waitable = false;
      for (int k = 0; k < members.size(); k++) {
        Member m = members.get((next + k) % members.size());
        if (tried.contains(m)) {
          continue;
        }
        if (!m.inService()) {
          if (!m.trial && now >= m.setAsideUntil && !m.full()) {
            m.trial = true;
            return take(m);
          }
          continue;
        }
        if (m.full()) {
          waitable = true;
          continue;
        }
        if (best == null || m.inFlight < best.inFlight) {
          best = m;
        }
      }
      if (best != null) {
        next = (members.indexOf(best) + 1) % members.size();
        return take(best);
      }
      if (!waitable) {
        return null;
      }
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TeacherException(
            TeacherException.Kind.CONNECTION, "interrupted while waiting for a teacher endpoint");
      }
    }
  }

  private Member take(Member m) {
    m.inFlight++;
    return m;
  }

  /** Ends one attempt on {@code m}; {@code fault} is the endpoint's own failure, or null. */
  private void release(Member m, TeacherException fault) {
    lock.lock();
    try {
      settle(m, fault);
      released.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void settle(Member m, TeacherException fault) {
    m.inFlight--;
    long now = ticker.nanos();
    boolean wasTrial = m.trial;
    m.trial = false;
    if (fault == null) {
      m.answered++;
      m.breaker.recordSuccess();
      if (!m.inService()) {
        m.setAsideUntil = -1;
        m.breaker = new CircuitBreaker(breakerConfig);
        LOG.log(Level.INFO, "teacher endpoint {0} answers again", shown(m.url));
      }
    } else {
      m.failed++;
      if (wasTrial) {
        m.setAsideUntil = now + retryNanos;
        LOG.log(
            Level.DEBUG,
            "teacher endpoint {0} still failing: {1}",
            shown(m.url),
            fault.getMessage());
      } else if (m.inService() && m.breaker.recordFailure(now)) {
        m.setAsideUntil = now + retryNanos;
        LOG.log(
            Level.WARNING,
            "teacher endpoint {0} set aside for {1} s: {2}; last error: {3}",
            shown(m.url),
            retryNanos / 1_000_000_000L,
            m.breaker.openReason(),
            fault.getMessage());
      }
    }
  }

  /** Ends an attempt that never reached the endpoint, or whose outcome says nothing of it. */
  private void abandon(Member m) {
    lock.lock();
    try {
      m.inFlight--;
      m.trial = false;
      released.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the endpoint's own request limit, if it has one. */
  private void pace(Member m) throws TeacherException {
    if (m.limiter == null) {
      return;
    }
    try {
      ticker.sleep(m.limiter.reserve(1, ticker.nanos()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TeacherException(
          TeacherException.Kind.CONNECTION,
          "interrupted while waiting for the request limit of " + shown(m.url));
    }
  }

  /** The failure when no endpoint may be tried: retryable, after the earliest endpoint's wait. */
  private TeacherException allSetAside() {
    lock.lock();
    try {
      return allSetAsideLocked();
    } finally {
      lock.unlock();
    }
  }

  private TeacherException allSetAsideLocked() {
    long now = ticker.nanos();
    long soonest = Long.MAX_VALUE;
    StringJoiner which = new StringJoiner(", ");
    for (Member m : members) {
      which.add(shown(m.url));
      if (!m.inService()) {
        soonest = Math.min(soonest, Math.max(0, m.setAsideUntil - now));
      }
    }
    Duration wait = soonest == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(soonest);
    return new TeacherException(
        TeacherException.Kind.CONNECTION,
        "every teacher endpoint is set aside after repeated failures ("
            + which
            + "); the next is tried again in "
            + Math.max(1, wait.toSeconds())
            + " s",
        wait,
        null);
  }

  List<EndpointCount> counts() {
    lock.lock();
    try {
      List<EndpointCount> out = new ArrayList<>();
      for (Member m : members) {
        out.add(new EndpointCount(m.url, m.answered, m.failed, m.inService()));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String describe() {
    StringJoiner all = new StringJoiner(", ");
    for (Member m : members) {
      all.add(m.teacher.describe());
    }
    return all.toString();
  }

  /** Whether any endpoint rejected a JSON schema: each falls back on its own. */
  @Override
  public boolean schemaRejected() {
    return members.stream().anyMatch(m -> m.teacher.schemaRejected());
  }

  @Override
  public void close() {
    for (Member m : members) {
      m.teacher.close();
    }
  }

  /**
   * An endpoint URL as messages show it: without user info, query or fragment, which may carry
   * credentials. Every message that names an endpoint goes through here.
   */
  static String shown(String url) {
    try {
      URI u = new URI(url);
      if (u.getScheme() == null || u.getHost() == null) {
        return u.getUserInfo() == null && u.getQuery() == null ? url : "(a URL)";
      }
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      return "(a URL that does not parse)";
    }
  }
}
