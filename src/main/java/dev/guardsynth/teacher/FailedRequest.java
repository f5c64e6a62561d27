package dev.guardsynth.teacher;

/**
 * A request that failed for good, as a line of {@code failures.jsonl} in the run directory. Running
 * the run again retries exactly these: every other request is answered from the journal. Immutable.
 *
 * @param stage the stage that made the request ({@code generate}, {@code label}...)
 * @param id the stage's id for what was asked (the prompt id for {@code generate})
 * @param key the request's journal key
 * @param kind the {@link TeacherException.Kind} of the last attempt, lower case
 * @param message what went wrong on the last attempt
 * @param attempts how many times it was sent
 */
public record FailedRequest(
    String stage, String id, String key, String kind, String message, int attempts) {
  public FailedRequest {
    message = dev.guardsynth.data.Secrets.redact(message); // messages name the teacher's URL
  }

  public static FailedRequest of(String stage, String id, RequestRunner.Failure failure) {
    return new FailedRequest(
        stage,
        id,
        failure.key(),
        failure.kind().name().toLowerCase(java.util.Locale.ROOT),
        failure.message(),
        failure.attempts());
  }
}
