package dev.guardsynth.teacher;

import dev.guardsynth.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Answers from a recorded cassette ({@code --record FILE} writes one). A request the cassette does
 * not hold is an error, never a made-up answer. Thread-safe.
 */
public final class ReplayTeacher implements Teacher {
  private final Journal cassette;

  public ReplayTeacher(Path cassette) {
    if (!Files.isRegularFile(cassette)) {
      throw new ConfigException(
          cassette + ": no such cassette; record one with --record FILE or fix teacher.cassette");
    }
    this.cassette = Journal.open(cassette);
  }

  @Override
  public TeacherReply complete(TeacherRequest request) throws TeacherException {
    return cassette
        .find(request.key())
        .orElseThrow(() ->
            new TeacherException(
                TeacherException.Kind.NOT_RECORDED,
                "cassette "
                    + cassette.file()
                    + " holds no reply for request "
                    + request.key()
                    + " (model '"
                    + request.model()
                    + "', sample "
                    + request.sample()
                    + "); the prompts or teacher settings changed since it was recorded:"
                    + " record it again against a live teacher with --record"));
  }

  @Override
  public String describe() {
    return "cassette " + cassette.file();
  }
}
