package dev.guardsynth.run;

import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.generate.GenerateResult;
import dev.guardsynth.generate.QuestionGenerator;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.teacher.TeacherException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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
   * Runs the stage over {@code prompts}; the one entry of {@code guardsynth generate} and {@code
   * run}.
   *
   * @param journal the request journal; replies already in it are not paid for again
   * @param earlier ids of questions generated before (earlier rounds of a run): exact repeats
   * @param candidates receives the candidates, committed on success
   */
  public static GenerateResult run(
      TeacherSession session,
      Path journal,
      List<PromptSpec> prompts,
      Set<String> earlier,
      JsonlWriter candidates)
      throws TeacherException, InterruptedException {
    Set<String> ids = new HashSet<>();
    prompts.forEach(p -> ids.add(p.id()));
    GenerateResult result;
    try (TeacherSession.StageRequests requests = session.begin("generate", journal, ids)) {
      result =
          new QuestionGenerator(requests.runner(), session.config())
              .run(prompts, earlier, candidates::write, requests::failed);
      requests.finish(prompts.size());
    }
    candidates.commit();
    LOG.log(
        Level.INFO,
        "generate: {0} requests ({1} from the journal, {2} failed), {3} candidates, {4} exact"
            + " duplicates, {5} refusals, {6} unparseable lines, {7} cut items; {8} thinking"
            + " blocks dropped, {9} attached notes set aside",
        result.requests(),
        result.fromJournal(),
        result.failed(),
        result.candidates(),
        result.exactDuplicates(),
        result.refusals(),
        result.unparseable(),
        result.truncated(),
        result.thinkBlocks(),
        result.attachedNotes());
    return result;
  }

  /**
   * What, besides the teacher's replies, decides this stage's output: the prompts, the teacher
   * settings and the questions generated before.
   */
  static String fingerprint(Path prompts, TeacherConfig teacher, Set<String> earlier) {
    return Ids.sha256Hex(
        Ids.sha256File(prompts)
            + Json.write(teacher)
            + Ids.sha256Hex(String.join(",", new TreeSet<>(earlier))));
  }
}
