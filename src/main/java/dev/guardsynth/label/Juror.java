package dev.guardsynth.label;

import static java.util.Objects.requireNonNull;

import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Secrets;
import dev.guardsynth.teacher.RequestRunner;

/**
 * One judge of a jury ({@code label.judges}): its teacher config, which names the model its
 * requests ask for, and the runner that sends them, with a journal of its own so that no judge's
 * reply answers another's request. Immutable; the caller owns the runner's journal.
 */
public record Juror(TeacherConfig teacher, RequestRunner runner) {
  public Juror {
    requireNonNull(teacher, "teacher");
    requireNonNull(runner, "runner");
  }

  /** The judge as people read it: {@code model@base_url}, never a key. */
  public String name() {
    return name(teacher);
  }

  /**
   * {@code model@base_url} of a judge's teacher config (the first URL of a list), without any
   * credentials the URL carries: the name goes into files.
   */
  public static String name(TeacherConfig teacher) {
    return teacher.model() + "@" + Secrets.redactUrl(teacher.baseUrl());
  }
}
