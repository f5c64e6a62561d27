package dev.guardsynth.teacher;

import java.time.Duration;

/**
 * A request the teacher did not answer. {@link Kind} says whether trying again may help; the
 * message names the teacher (URL and model) and how to fix the problem, and never a secret.
 */
public class TeacherException extends Exception {
  /** What went wrong, which decides retrying and the exit code. */
  public enum Kind {
    /** 401/403: the key is wrong. Not retried. */
    AUTH(false),
    /** 400/404/422: the request or model name is wrong. Not retried. */
    BAD_REQUEST(false),
    /** 429: too many requests. Retried after {@code Retry-After}. */
    RATE_LIMITED(true),
    /** 5xx. Retried. */
    SERVER(true),
    /** No reply within the timeout. Retried. */
    TIMEOUT(true),
    /** The connection failed or dropped. Retried. */
    CONNECTION(true),
    /** A reply that is not a valid chat completion. Retried. */
    MALFORMED(true),
    /** A replay cassette lacks the request. Not retried. */
    NOT_RECORDED(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean isRetryable() {
      return retryable;
    }
  }

  private final Kind kind;
  private final Duration retryAfter;

  public TeacherException(Kind kind, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  public TeacherException(Kind kind, String message) {
    this(kind, message, null, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The wait the server asked for, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
