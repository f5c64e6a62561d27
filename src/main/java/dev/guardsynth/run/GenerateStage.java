package dev.guardsynth.run;

import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.generate.GenerateResult;
import dev.guardsynth.generate.QuestionGenerator;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.teacher.TeacherException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;

/**
 * The generate stage as {@code guardsynth generate} and {@code run} both call it: prompts in,
 * candidates out, every reply journalled, each prompt that failed for good listed in {@code
 * failures.jsonl}. The candidates are committed only when the failures are within {@code
 * teacher.failure_tolerance}.
 */
public final class GenerateStage {
  private static final System.Logger LOG = System.getLogger("guardsynth.generate");

  private GenerateStage() {}

  /**
   * @param journal the request journal; replies already in it are not paid for again
   * @param candidates receives the candidates, committed on success
   */
  public static GenerateResult run(
      TeacherSession session, List<PromptSpec> prompts, Path journal, JsonlWriter candidates)
      throws TeacherException, InterruptedException {
    try (TeacherSession.StageRequests requests = session.begin("generate", journal)) {
      return run(requests, session.config(), prompts, candidates);
    }
  }

  /** Runs the stage on requests {@link TeacherSession#begin begun} by the caller. */
  static GenerateResult run(
      TeacherSession.StageRequests requests,
      TeacherConfig teacher,
      List<PromptSpec> prompts,
      JsonlWriter candidates)
      throws TeacherException, InterruptedException {
    GenerateResult result =
        new QuestionGenerator(requests.runner(), teacher)
            .run(prompts, candidates::write, requests::failed);
    requests.finish(prompts.size());
    candidates.commit();
    LOG.log(
        Level.INFO,
        "generate: {0} requests ({1} from the journal, {2} failed), {3} candidates, {4} exact"
            + " duplicates, {5} refusals, {6} unparseable lines",
        result.requests(),
        result.fromJournal(),
        result.failed(),
        result.candidates(),
        result.exactDuplicates(),
        result.refusals(),
        result.unparseable());
    return result;
  }
}
