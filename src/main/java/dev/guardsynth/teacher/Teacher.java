package dev.guardsynth.teacher;

/**
 * A teacher LLM: turns one chat request into one reply. Implementations are thread-safe; the caller
 * decides concurrency, rate limits and retries.
 */
public interface Teacher extends AutoCloseable {
  /** Sends {@code request} once; failures carry a {@link TeacherException.Kind}. */
  TeacherReply complete(TeacherRequest request) throws TeacherException;

  /** Where the teacher is, for messages: a URL or a cassette file. Never holds a secret. */
  String describe();

  /**
   * Whether a server answered HTTP 400 to a request's JSON schema ({@code response_format}) and,
   * under {@code label.structured: auto}, requests now go without it. False for teachers that send
   * no schema.
   */
  default boolean schemaRejected() {
    return false;
  }

  @Override
  default void close() {}

  /**
   * A teacher that wraps another (to record or count its replies): where it is and whether it
   * dropped the schema are the wrapped teacher's.
   */
  interface Wrapper extends Teacher {
    /** The wrapped teacher. */
    Teacher inner();

    @Override
    default String describe() {
      return inner().describe();
    }

    @Override
    default boolean schemaRejected() {
      return inner().schemaRejected();
    }
  }
}
