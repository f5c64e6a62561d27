package dev.guardsynth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Ids;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts faults in front of another responder, as a flaky provider would: a share of attempts gets
 * 429 with {@code Retry-After}, 500, a reply slower than the client's timeout, or a malformed body.
 * Which attempt fails is fixed by a hash of the request body and how often that body was seen
 * before, so a run's faults are the same whatever order concurrent requests arrive in. Thread-safe.
 *
 * @see #issue10() the rates issue #10 was filed with
 */
public final class FaultyResponder implements FakeOpenAiServer.Responder {
  /**
   * Shares of attempts, each 0 to 1, that get each fault.
   *
   * @param retryAfter the 429's {@code Retry-After}, in seconds
   * @param hangMillis how long a hang waits before answering (past the client's timeout)
   */
  public record Rates(
      double rateLimited,
      double serverError,
      double hang,
      double malformed,
      int retryAfter,
      long hangMillis) {}

  private final FakeOpenAiServer.Responder delegate;
  private final Rates rates;
  private final String salt;
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final AtomicLong faults = new AtomicLong();

  public FaultyResponder(FakeOpenAiServer.Responder delegate, Rates rates, String salt) {
    this.delegate = delegate;
    this.rates = rates;
    this.salt = salt;
  }

  /**
   * Issue #10's faults: 20% 429, 5% 500, 2% hangs, 2% malformed; {@code retryAfter} and {@code
   * hangMillis} as given (tests use 0 s and a hang just past a 1 s timeout).
   */
  public static Rates issue10(int retryAfter, long hangMillis) {
    return new Rates(0.20, 0.05, 0.02, 0.02, retryAfter, hangMillis);
  }

  /** How many attempts got a fault. */
  public long faults() {
    return faults.get();
  }

  @Override
  public FakeOpenAiServer.Reply respond(JsonNode request) throws Exception {
    String body = request.toString();
    int attempt = attempts.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet();
    String hash = Ids.sha256Hex(salt + "\n" + attempt + "\n" + body);
    double roll = Long.parseLong(hash.substring(0, 12), 16) / (double) (1L << 48);
    double edge = rates.rateLimited();
    if (roll < edge) {
      faults.incrementAndGet();
      return FakeOpenAiServer.Reply.status(429, "rate limited")
          .withHeader("Retry-After", Integer.toString(rates.retryAfter()));
    }
    if (roll < (edge += rates.serverError())) {
      faults.incrementAndGet();
      return FakeOpenAiServer.Reply.status(500, "server error");
    }
    if (roll < (edge += rates.hang())) {
      faults.incrementAndGet();
      return delegate.respond(request).delayed(rates.hangMillis());
    }
    if (roll < (edge += rates.malformed())) {
      faults.incrementAndGet();
      return FakeOpenAiServer.Reply.raw(200, "{\"choices\": [ {\"message\": trunc");
    }
    return delegate.respond(request);
  }
}
