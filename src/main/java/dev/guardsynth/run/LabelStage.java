package dev.guardsynth.run;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.label.Juror;
import dev.guardsynth.label.LabelResult;
import dev.guardsynth.label.QuestionLabeler;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherRequest;
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
    List<TeacherRequest> judge = new ArrayList<>(planned.judge());
    List<Integer> judgeSizes = new ArrayList<>(planned.judgeSizes());
    if (config.label().hasJury()) {
      // Each judge of the jury asks about every question, for its own model, not the teacher.
      judge.clear();
      judgeSizes.clear();
      for (TeacherConfig j : config.label().judges()) {
        QuestionLabeler.Planned mine =
            QuestionLabeler.planned(j, config.label(), prompts(), taxonomy, questions);
        judge.addAll(mine.judge());
        judgeSizes.addAll(mine.judgeSizes());
      }
    }
    List<RunPlan.StageRequests> out = new ArrayList<>();
    if (!judge.isEmpty()) {
      out.add(new RunPlan.StageRequests("judge", judge, judgeSizes, journal));
    }
    if (!planned.respond().isEmpty()) {
      out.add(
          new RunPlan.StageRequests("respond", planned.respond(), planned.respondSizes(), journal));
    }
    return out;
  }

  /** What decides this stage's output, besides the teacher: its input, settings and prompts. */
  String fingerprint(Path questions) {
    return fingerprint(questions, List.of());
  }

  /**
   * Like {@link #fingerprint(Path)}, in a round after others: the questions they kept ({@code
   * settled}) decide which of this round's are copies of them.
   */
  String fingerprint(Path questions, List<Labeled> settled) {
    StringBuilder earlier = new StringBuilder();
    settled.forEach(q -> earlier.append(q.id()).append(q.label().json()).append(','));
    return Ids.sha256Hex(
        Ids.sha256File(questions)
            + Json.write(config.label())
            + Json.write(config.teacher())
            + prompts.fingerprint()
            + (settled.isEmpty() ? "" : Ids.sha256Hex(earlier.toString())));
  }

  /**
   * Labels {@code questions}; the one entry of {@code guardsynth label} and {@code run}. A question
   * whose request failed for good is rejected ({@code request_failed}) and listed in the session's
   * {@code failures.jsonl}. The three outputs are committed only when the failures are within
   * {@code teacher.failure_tolerance}. In a round after others, a question that copies one of
   * {@code settled} (what earlier rounds kept; empty for {@code guardsynth label}) under the other
   * label is rejected ({@code label_conflict}).
   */
  public LabelResult run(
      TeacherSession session,
      Path journal,
      List<Candidate> questions,
      List<Labeled> settled,
      JsonlWriter labeled,
      JsonlWriter rejected,
      JsonlWriter disagreements)
      throws TeacherException, InterruptedException {
    Set<String> ids = new HashSet<>();
    questions.forEach(q -> ids.add(q.id()));
    List<TeacherSession.JudgeRequests> judges = new ArrayList<>();
    try (TeacherSession.StageRequests requests = session.begin("label", journal, ids)) {
      if (config.label().hasJury()) {
        for (TeacherConfig judge : config.label().judges()) {
          judges.add(session.openJudge("label", judge, judgeJournal(journal, judge)));
        }
      }
      List<Juror> jurors = new ArrayList<>();
      for (int j = 0; j < judges.size(); j++) {
        jurors.add(new Juror(config.label().judges().get(j), judges.get(j).runner()));
      }
      LabelResult result =
          new QuestionLabeler(
                  requests.runner(),
                  config.teacher(),
                  config.label(),
                  prompts,
                  taxonomy,
                  jurors,
                  config.dedup())
              .run(
                  questions,
                  settled,
                  labeled::write,
                  rejected::write,
                  disagreements::write,
                  requests::failed);
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
    } finally {
      judges.forEach(TeacherSession.JudgeRequests::close);
    }
  }

  /**
   * The journal of one judge of a jury, beside the stage's ({@code responses.jsonl} → {@code
   * responses.judge-<hash>.jsonl}): named by the judge's provider, URLs and model, so listing the
   * judges in another order finds each one's replies again, and two judges serving the same model
   * name never answer each other's requests.
   */
  static Path judgeJournal(Path journal, TeacherConfig judge) {
    String file = journal.getFileName().toString();
    String stem = file.endsWith(".jsonl") ? file.substring(0, file.length() - 6) : file;
    StringBuilder who = new StringBuilder(judge.provider() + " " + judge.model());
    judge.endpoints().forEach(e -> who.append(' ').append(e.url()));
    return journal.resolveSibling(
        stem + ".judge-" + Ids.sha256Hex(who.toString()).substring(0, 12) + ".jsonl");
  }
}
