package dev.guardsynth.doctor;

import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Judgement;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Secrets;
import dev.guardsynth.doctor.DoctorReport.Judge;
import dev.guardsynth.doctor.DoctorReport.JudgeBatch;
import dev.guardsynth.doctor.DoctorReport.Status;
import dev.guardsynth.label.JudgeReply;
import dev.guardsynth.label.LabelReplies;
import dev.guardsynth.label.QuestionLabeler;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.teacher.StageUsage;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherReply;
import dev.guardsynth.teacher.TeacherRequest;
import dev.guardsynth.text.RefusalDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The judge probe: per probed language, the label stage's judge request ({@link
 * QuestionLabeler#planned}) about up to {@code label.batch_size} of the questions the filter kept,
 * read by the stage's parser ({@link LabelReplies#verdicts}). It fails when most verdicts cannot be
 * read, when the judge refuses, or when it keeps none of the questions.
 */
final class JudgeCheck {
  private final ProbeRun run;

  JudgeCheck(ProbeRun run) {
    this.run = run;
  }

  Judge probe(ProbePlan plan) throws InterruptedException {
    List<String> languages = new ArrayList<>();
    List<List<Candidate>> batches = new ArrayList<>();
    List<TeacherRequest> requests = new ArrayList<>();
    for (String language : plan.languages()) {
      List<List<Candidate>> groups = new ArrayList<>();
      run.kept.forEach((cell, qs) -> {
        if (cell.language().equals(language)) {
          groups.add(qs);
        }
      });
      List<Candidate> batch = ProbeRun.interleave(groups, run.label.batchSize());
      if (batch.isEmpty()) {
        continue;
      }
      // Capped at label.batch_size questions of one language: exactly one request, as the stage
      // would send for these questions.
      List<TeacherRequest> planned =
          QuestionLabeler.planned(
                  run.teacherConfig,
                  run.label,
                  run.labelPrompts,
                  run.taxonomy,
                  ProbeRun.items(batch.stream().map(c -> Labeled.of(c, null, null)).toList()))
              .judge();
      languages.add(language);
      batches.add(batch);
      requests.add(planned.get(0));
    }
    if (requests.isEmpty()) {
      return new Judge(Status.SKIPPED, 0, null, List.of(), StageUsage.ZERO);
    }
    JudgeBatch[] out = new JudgeBatch[requests.size()];
    boolean[] schemaRefused = {false};
    List<String> refusals = new ArrayList<>();
    ProbeRun.RequestSink onReply =
        (i, reply) -> {
          run.judgeQuestions += batches.get(i).size();
          out[i] = readVerdicts(languages.get(i), batches.get(i), requests.get(i), reply, refusals);
        };
    ProbeRun.FailureSink onFailure =
        (i, failure) -> {
          schemaRefused[0] |= run.isSchemaRefusal(failure);
          out[i] = failedBatch(languages.get(i), batches.get(i), Secrets.redact(failure.message()));
        };
    // The first request goes alone: a server that refuses the JSON schema refuses it once, and
    // the teacher sends the rest without it.
    TeacherException fatal = run.send("judge", requests.subList(0, 1), onReply, onFailure);
    if (fatal != null && out[0] == null) {
      out[0] = failedBatch(languages.get(0), batches.get(0), Secrets.redact(fatal.getMessage()));
    }
    if (fatal == null && requests.size() > 1) {
      fatal =
          run.send(
              "judge",
              requests.subList(1, requests.size()),
              (i, reply) -> onReply.accept(i + 1, reply),
              (i, failure) -> onFailure.accept(i + 1, failure));
    }
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) { // stopped with the others by a wrong key or a missing cassette entry
        out[i] = failedBatch(languages.get(i), batches.get(i), "not sent");
      }
    }
    List<JudgeBatch> all = List.of(out);
    checkJudge(all, fatal, schemaRefused[0], refusals);
    return new Judge(
        run.status("judge"),
        run.requests("judge"),
        run.schema(schemaRefused[0]),
        all,
        run.usage("judge"));
  }

  private static JudgeBatch failedBatch(String language, List<Candidate> batch, String why) {
    return new JudgeBatch(language, batch.size(), 0, 0, 0, 0, null, why);
  }

  private JudgeBatch readVerdicts(
      String language,
      List<Candidate> batch,
      TeacherRequest request,
      TeacherReply reply,
      List<String> refusals) {
    List<JudgeReply> verdicts =
        LabelReplies.verdicts(run.taxonomy, run.labelPrompts, language, request, reply.text());
    int readable = 0;
    int agree = 0;
    int disagree = 0;
    int broken = 0;
    String unreadable = null;
    for (int k = 0; k < batch.size(); k++) {
      Candidate c = batch.get(k);
      YieldEstimate.Tally tally = run.tally(Cell.of(c));
      switch (verdicts.get(k)) {
        case JudgeReply.Parsed p -> {
          readable++;
          tally.judged++;
          boolean agrees = p.label() == c.label() && p.category().equals(c.category());
          agree += agrees ? 1 : 0;
          disagree += agrees ? 0 : 1;
          if (!p.violated().isEmpty()) {
            broken++; // rejected whatever its label, as the stage does
          } else if (agrees) {
            tally.agreed++;
            run.judged.add(Labeled.of(c, new Judgement(p.label(), p.category(), true), null));
          } else if (run.label.onDisagree() == LabelConfig.OnDisagree.RELABEL) {
            tally.agreed++;
            run.judged.add(
                Labeled.of(c, new Judgement(p.label(), p.category(), false), null)
                    .relabeled(run.taxonomy.find(p.category()).map(Category::group).orElse(null)));
          }
        }
        case JudgeReply.Unparseable u -> unreadable = unreadable == null ? u.why() : unreadable;
      }
    }
    if (readable == 0) {
      RefusalDetector.find(reply.text()).ifPresent(r -> refusals.add(ProbeRun.start(reply.text())));
    }
    return new JudgeBatch(
        language, batch.size(), readable, agree, disagree, broken, unreadable, null);
  }

  private void checkJudge(
      List<JudgeBatch> batches,
      TeacherException fatal,
      boolean schemaRefused,
      List<String> refusals) {
    if (fatal != null) {
      run.problem("judge", fatal.getMessage());
      return;
    }
    for (JudgeBatch b : batches) {
      if (b.failure() != null && !b.failure().equals("not sent")) {
        run.problem(
            "judge",
            "request failed: the judge request for "
                + b.language()
                + ": "
                + b.failure()
                + (schemaRefused ? ProbeRun.schemaHint() : ""));
      }
    }
    int questions =
        batches.stream().filter(b -> b.failure() == null).mapToInt(JudgeBatch::questions).sum();
    int readable = batches.stream().mapToInt(JudgeBatch::readable).sum();
    if (questions > 0 && readable < TeacherDoctor.MIN_READABLE_SHARE * questions) {
      String why =
          batches.stream()
              .map(JudgeBatch::unreadable)
              .filter(w -> w != null)
              .findFirst()
              .orElse("");
      run.problem(
          "judge",
          refusals.isEmpty()
              ? "format: only "
                  + readable
                  + " of "
                  + questions
                  + " verdicts could be read ("
                  + why
                  + "); the label stage reads a JSON object with a verdict (label, category,"
                  + " checks) per question id"
              : "refusals: the teacher refused to judge the questions (" + refusals.get(0) + ")");
      return;
    }
    int agree = batches.stream().mapToInt(JudgeBatch::agreed).sum();
    if (readable > 0 && run.judged.isEmpty()) {
      int broken = batches.stream().mapToInt(JudgeBatch::rulesBroken).sum();
      run.problem(
          "judge",
          "agreement: the judge kept none of the "
              + readable
              + " questions it judged (agreed with "
              + agree
              + ", found a rule broken in "
              + broken
              + "; label.on_disagree "
              + run.label.onDisagree()
              + "): the run would export nothing");
      return;
    }
    if (readable > 0 && agree * 2 < readable) {
      run.notes.add(
          String.format(
              Locale.ROOT,
              "the judge agreed with only %d of %d readable verdicts: most questions miss"
                  + " their intended label or category (label.on_disagree %s; see the yield)",
              agree,
              readable,
              run.label.onDisagree()));
    }
  }
}
