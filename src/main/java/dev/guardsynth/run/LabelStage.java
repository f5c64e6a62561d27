package dev.guardsynth.run;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.data.Label;
import dev.guardsynth.label.LabelResult;
import dev.guardsynth.label.QuestionLabeler;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.TeacherException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The label stage as {@code guardsynth label} and {@code run} both call it: the teacher judges each
 * question and writes its safeguard response; its rejections go to their own file ({@code
 * label_rejected.jsonl}, see docs/dataset.md). Opened before any paid request, so a bad prompt
 * template fails early. Immutable.
 */
public record LabelStage(GuardsynthConfig config, Taxonomy taxonomy, LabelPrompts prompts) {
  private static final System.Logger LOG = System.getLogger("guardsynth.label");

  /** Reads the label prompts the config names. */
  public static LabelStage open(GuardsynthConfig config, Taxonomy taxonomy) {
    return new LabelStage(config, taxonomy, LabelPrompts.read(config, taxonomy));
  }

  /**
   * The judge and respond requests this stage would send at most for the questions {@code prompts}
   * ask for, as if every one survived dedup and filter (each question's text one of its category's
   * seed examples, so the requests are as long as real ones): the label part of a round's estimate,
   * for the dry run and the budget check before a round. Stages with no request are left out.
   */
  List<RunPlan.StageRequests> plannedFor(List<PromptSpec> prompts, Path journal) {
    List<LabelPrompts.RespondItem> questions = new ArrayList<>();
    for (PromptSpec p : prompts) {
      Category category = taxonomy.find(p.category()).orElseThrow();
      List<String> seeds =
          p.label() == Label.SAFE
              ? category.safeExamples(p.language())
              : category.examples(p.language());
      for (int i = 0; i < p.count(); i++) {
        String text = seeds.isEmpty() ? category.name(p.language()) : seeds.get(i % seeds.size());
        questions.add(
            new LabelPrompts.RespondItem(
                String.valueOf(questions.size()), text, p.label(), p.category(), p.language()));
      }
    }
    QuestionLabeler.Planned planned =
        QuestionLabeler.planned(config.teacher(), config.label(), prompts(), taxonomy, questions);
    List<RunPlan.StageRequests> out = new ArrayList<>();
    if (!planned.judge().isEmpty()) {
      out.add(new RunPlan.StageRequests("judge", planned.judge(), planned.judgeSizes(), journal));
    }
    if (!planned.respond().isEmpty()) {
      out.add(
          new RunPlan.StageRequests("respond", planned.respond(), planned.respondSizes(), journal));
    }
    return out;
  }

  /** What decides this stage's output, besides the teacher: its input, settings and prompts. */
  String fingerprint(Path questions) {
    return Ids.sha256Hex(
        Ids.sha256File(questions)
            + Json.write(config.label())
            + Json.write(config.teacher())
            + prompts.fingerprint());
  }

  /**
   * Labels {@code questions}; the one entry of {@code guardsynth label} and {@code run}. A question
   * whose request failed for good is rejected ({@code request_failed}) and listed in the session's
   * {@code failures.jsonl}. The three outputs are committed only when the failures are within
   * {@code teacher.failure_tolerance}.
   */
  public LabelResult run(
      TeacherSession session,
      Path journal,
      List<Candidate> questions,
      JsonlWriter labeled,
      JsonlWriter rejected,
      JsonlWriter disagreements)
      throws TeacherException, InterruptedException {
    Set<String> ids = new HashSet<>();
    questions.forEach(q -> ids.add(q.id()));
    try (TeacherSession.StageRequests requests = session.begin("label", journal, ids)) {
      return run(requests, questions, labeled, rejected, disagreements);
    }
  }

  private LabelResult run(
      TeacherSession.StageRequests requests,
      List<Candidate> questions,
      JsonlWriter labeled,
      JsonlWriter rejected,
      JsonlWriter disagreements)
      throws TeacherException, InterruptedException {
    LabelResult result =
        new QuestionLabeler(requests.runner(), config.teacher(), config.label(), prompts, taxonomy)
            .run(
                questions, labeled::write, rejected::write, disagreements::write, requests::failed);
    requests.finish((int) result.requests() + requests.failures().size());
    rejected.commit();
    disagreements.commit();
    labeled.commit();
    LOG.log(
        Level.INFO,
        "label: {0} questions, {1} labeled, {2} rejected {3}; judge agreed {4}, disagreed {5},"
            + " unparseable {6}; {7} requests ({8} from the journal)",
        result.input(),
        result.labeled(),
        result.rejected(),
        result.rejectedByReason(),
        result.agreed(),
        result.disagreed(),
        result.unparseable(),
        result.requests(),
        result.fromJournal());
    return result;
  }
}
