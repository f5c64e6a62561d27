package dev.guardsynth.teacher;

import java.nio.file.Path;

/** Passes requests to a teacher and appends every reply to a cassette for later replay. */
public final class RecordingTeacher implements Teacher.Wrapper {
  private final Teacher inner;
  private final Journal cassette;

  public RecordingTeacher(Teacher inner, Path cassette) {
    this.inner = inner;
    this.cassette = Journal.record(cassette);
  }

  @Override
  public TeacherReply complete(TeacherRequest request) throws TeacherException {
    TeacherReply reply = inner.complete(request);
    if (cassette.find(request.key()).isEmpty()) {
      cassette.append(request, reply);
    }
    return reply;
  }

  @Override
  public Teacher inner() {
    return inner;
  }

  @Override
  public void close() {
    cassette.close();
    inner.close();
  }
}
