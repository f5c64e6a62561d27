package dev.guardsynth.teacher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.TeacherConfig;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void opensWhenMostOfTheWindowFailed() {
    CircuitBreaker breaker = new CircuitBreaker(new TeacherConfig.CircuitBreaker(0.8, 10, 3600));
    for (int i = 0; i < 2; i++) {
      breaker.recordSuccess();
    }
    for (int i = 0; i < 7; i++) {
      assertFalse(breaker.recordFailure(i * SECOND), "window not full yet");
    }
    assertTrue(breaker.recordFailure(8 * SECOND), "8 of the last 10 failed");
    assertTrue(breaker.openReason().contains("8 of the last 10"), breaker.openReason());
  }

  @Test
  void staysClosedUnderScatteredFailures() {
    CircuitBreaker breaker = new CircuitBreaker(new TeacherConfig.CircuitBreaker(0.9, 50, 300));
    for (int i = 0; i < 10_000; i++) {
      if (i % 3 == 0) {
        assertFalse(breaker.recordFailure(i * SECOND / 100));
      } else {
        breaker.recordSuccess();
      }
    }
    assertFalse(breaker.isOpen());
  }

  @Test
  void opensWhenFailuresLastLongerThanTheLimitWithoutASuccess() {
    CircuitBreaker breaker = new CircuitBreaker(new TeacherConfig.CircuitBreaker(0.0, 1000, 120));
    assertFalse(breaker.recordFailure(0));
    assertFalse(breaker.recordFailure(100 * SECOND));
    breaker.recordSuccess(); // a success resets the clock
    assertFalse(breaker.recordFailure(110 * SECOND));
    assertFalse(breaker.recordFailure(200 * SECOND));
    assertTrue(breaker.recordFailure(231 * SECOND));
    assertTrue(breaker.openReason().contains("without a success"), breaker.openReason());
  }
}
