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
    this.cassette = Journal.replay(cassette);
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
                    + "); "
                    + whyMissing()
                    + ": record it again against a live teacher with --record"));
  }

  /** Why a request may be missing: a cassette cut short says so; otherwise either cause. */
  private String whyMissing() {
    if (cassette.cutShortLine() > 0) {
      return "the cassette is cut short (line "
          + cassette.cutShortLine()
          + " ends without a newline, as a recording stopped or a copy cut off leaves it), so"
          + " the replies recorded after that line are missing";
    }
    return "the prompts or teacher settings changed since it was recorded, or the recording"
        + " stopped before this request";
  }

  @Override
  public String describe() {
    return "cassette " + cassette.file();
  }
}
