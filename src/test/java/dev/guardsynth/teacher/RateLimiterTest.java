package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void pacesReservationsEvenlyAtTheConfiguredRate() {
    RateLimiter limiter = new RateLimiter(600, 1, 0); // 10 a second
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waits.add(limiter.reserve(1, 0));
    }
    assertEquals(
        List.of(0L, SECOND / 10, 2 * SECOND / 10, 3 * SECOND / 10, 4 * SECOND / 10), waits);
  }

  @Test
  void aQuietSpellStoresNoMoreThanTheBurst() {
    RateLimiter limiter = new RateLimiter(600, 1, 0);
    limiter.reserve(1, 0);
    long later = 60 * SECOND; // a minute of nothing
    assertEquals(0, limiter.reserve(1, later));
    assertEquals(SECOND / 10, limiter.reserve(1, later), "only one permit was stored");
  }

  @Test
  void atTheRunnersPaceNoSixtySecondWindowSeesMoreThanTheLimit() {
    RateLimiter limiter = new RateLimiter(600 * RequestRunner.RPM_HEADROOM, 1, 0);
    List<Long> sendTimes = new ArrayList<>();
    long now = 0;
    for (int i = 0; i < 2_000; i++) {
      now += (i % 7 == 0) ? SECOND / 3 : 0; // callers arrive in uneven bursts
      sendTimes.add(now + limiter.reserve(1, now));
    }
    sendTimes.sort(Long::compare);
    int max = 0;
    for (int lo = 0, hi = 0; hi < sendTimes.size(); hi++) {
      while (sendTimes.get(hi) - sendTimes.get(lo) >= 60 * SECOND) {
        lo++;
      }
      max = Math.max(max, hi - lo + 1);
    }
    assertTrue(max <= 600, "at most 600 sends in any minute, saw " + max);
    assertTrue(max >= 580, "but close to it: " + max);
  }

  @Test
  void largeRequestsGoIntoDebtAndRefundsPayItBack() {
    RateLimiter tokens = new RateLimiter(60_000, 1_000, 0); // 1,000 tokens a second
    assertEquals(0, tokens.reserve(1_000, 0));
    assertEquals(2 * SECOND, tokens.reserve(2_000, 0), "waits until the debt is paid");
    tokens.adjust(-2_000, 0); // the reply used far fewer tokens than reserved: debt repaid
    assertEquals(SECOND / 2, tokens.reserve(500, 0), "a refill's wait, not the debt's");
  }
}
