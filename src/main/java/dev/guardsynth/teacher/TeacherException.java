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

  /**
   * The failure for an HTTP error {@code status} from {@code where}, for every HTTP provider: 401
   * and 403 a wrong key, 429 and 529 (Anthropic's "overloaded") rate limited, other 5xx a server
   * fault, 408 a timeout, anything else a bad request, shown with the first line of the server's
   * {@code detail} (the key scrubbed from it). A rejected key's error body may echo part of the
   * key, so it is neither shown nor kept as the cause (whose message -x would print).
   */
  static TeacherException forStatus(
      String where,
      int status,
      String detail,
      Duration retryAfter,
      String apiKey,
      Throwable cause) {
    String message = where + " answered HTTP " + status;
    Kind kind;
    if (status == 401 || status == 403) {
      return new TeacherException(Kind.AUTH, message + "; check the API key", retryAfter, null);
    } else if (status == 429 || status == 529) {
      kind = Kind.RATE_LIMITED;
    } else if (status >= 500) {
      kind = Kind.SERVER;
    } else if (status == 408) {
      kind = Kind.TIMEOUT;
    } else {
      kind = Kind.BAD_REQUEST;
      message +=
          ": "
              + OpenAiTeacher.scrub(OpenAiTeacher.firstLine(detail), apiKey)
              + "; check the model name and parameters";
    }
    return new TeacherException(kind, message, retryAfter, cause);
  }

  public Kind kind() {
    return kind;
  }

  /** The wait the server asked for, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
