package dev.guardsynth.teacher;

import dev.guardsynth.teacher.RequestRunner.Answer;
import dev.guardsynth.teacher.RequestRunner.Failure;

/** What became of one request, in sync and batch mode alike. */
sealed interface Outcome permits Outcome.Answered, Outcome.Failed, Outcome.Skipped {

  record Answered(Answer answer) implements Outcome {}

  record Failed(Failure failure) implements Outcome {}

  /** Not settled because the run stopped first. */
  record Skipped() implements Outcome {}

  static final Skipped SKIPPED = new Skipped();
}
