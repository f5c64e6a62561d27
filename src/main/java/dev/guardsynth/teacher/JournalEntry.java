package dev.guardsynth.teacher;

/**
 * One answered request, as stored in a journal or cassette line. Immutable.
 *
 * @param key {@link TeacherRequest#key()}
 * @param batch true when the reply came through the Batch API (billed at the batch price); null
 *     (omitted from the line) otherwise
 */
public record JournalEntry(String key, TeacherRequest request, TeacherReply reply, Boolean batch) {
  public JournalEntry(String key, TeacherRequest request, TeacherReply reply) {
    this(key, request, reply, null);
  }

  /** Whether the reply came through the Batch API. (Not {@code isBatch}: that would be a key.) */
  public boolean viaBatch() {
    return Boolean.TRUE.equals(batch);
  }
}
