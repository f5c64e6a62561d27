package dev.guardsynth.run;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.filter.FilterResult;
import dev.guardsynth.filter.QuestionFilter;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The filter stage as {@code guardsynth filter} and {@code run} both call it: each question is kept
 * or rejected with its one reason.
 */
public final class FilterStage {
  private static final System.Logger LOG = System.getLogger("guardsynth.filter");

  private FilterStage() {}

  /** What decides this stage's output: its input and the filter's settings. */
  static String fingerprint(QuestionFilter filter, Path questions) {
    return Ids.sha256Hex(Ids.sha256File(questions) + filter.fingerprint());
  }

  /** Filters {@code in} into {@code kept} and {@code rejected}, committing both on success. */
  public static FilterResult run(
      QuestionFilter filter, Stream<Candidate> in, JsonlWriter kept, JsonlWriter rejected) {
    FilterResult result = filter.run(in, kept::write, rejected::write);
    rejected.commit();
    kept.commit();
    LOG.log(
        Level.INFO,
        "filter: {0} questions, {1} kept ({2} masked), {3} rejected {4} into {5}",
        result.input(),
        result.kept(),
        result.masked(),
        result.rejected(),
        result.rejectedByReason(),
        rejected.name());
    return result;
  }
}
