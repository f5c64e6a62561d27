package dev.guardsynth.doctor;

import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.data.Secrets;
import dev.guardsynth.doctor.DoctorReport.LanguageShare;
import dev.guardsynth.doctor.DoctorReport.Respond;
import dev.guardsynth.doctor.DoctorReport.Status;
import dev.guardsynth.label.LabelReplies;
import dev.guardsynth.label.QuestionLabeler;
import dev.guardsynth.teacher.StageUsage;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherRequest;
import dev.guardsynth.text.RefusalDetector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The respond probe: the label stage's respond request ({@link QuestionLabeler#planned}) about up
 * to {@code label.respond_batch_size} of the questions the judge kept, taking turns by language and
 * label, each response checked as the stage checks it ({@link LabelReplies#responses}). It fails
 * when most responses cannot be read, when the teacher refuses the request or most harmless
 * questions, or when most responses to a language's questions are in another language.
 */
final class RespondCheck {
  /** Above this share of harmless questions refused, the responses would teach over-refusal. */
  static final double MAX_REFUSED_SHARE = 0.5;

  private final ProbeRun run;

  RespondCheck(ProbeRun run) {
    this.run = run;
  }

  /** The respond block of a report whose respond request was not sent. */
  static Respond notSent(Status status) {
    return new Respond(status, 0, null, 0, 0, 0, 0, List.of(), null, null, StageUsage.ZERO);
  }

  Respond probe() throws InterruptedException {
    Map<String, List<Labeled>> groups = new LinkedHashMap<>();
    for (Labeled q : run.judged) {
      groups.computeIfAbsent(q.language() + "/" + q.label(), g -> new ArrayList<>()).add(q);
    }
    List<Labeled> questions =
        ProbeRun.interleave(List.copyOf(groups.values()), run.label.respondBatchSize());
    if (questions.isEmpty()) {
      return notSent(Status.SKIPPED);
    }
    // Capped at label.respond_batch_size questions: exactly one request.
    TeacherRequest request =
        QuestionLabeler.planned(
                run.teacherConfig,
                run.label,
                run.labelPrompts,
                run.taxonomy,
                ProbeRun.items(questions))
            .respond()
            .get(0);
    List<Optional<Rejected>> checked = new ArrayList<>();
    String[] failure = {null};
    String[] refusal = {null};
    boolean[] schemaRefused = {false};
    TeacherException fatal =
        run.send(
            "respond",
            List.of(request),
            (i, reply) -> {
              run.respondQuestions += questions.size();
              checked.addAll(LabelReplies.responses(questions, request, reply.text()));
              RefusalDetector.find(reply.text())
                  .ifPresent(r -> refusal[0] = ProbeRun.start(reply.text()));
            },
            (i, f) -> {
              schemaRefused[0] = run.isSchemaRefusal(f);
              failure[0] = Secrets.redact(f.message());
            });
    if (fatal != null) {
      failure[0] = Secrets.redact(fatal.getMessage());
    }
    int readable = 0;
    int safe = 0;
    int refused = 0;
    String unreadable = null;
    Map<String, int[]> byLanguage = new LinkedHashMap<>(); // responses, in language
    Map<String, String> examples = new LinkedHashMap<>();
    for (int k = 0; k < checked.size(); k++) {
      Labeled q = questions.get(k);
      Optional<Rejected> problem = checked.get(k);
      String reason = problem.map(Rejected::reason).orElse(null);
      if ("response_unparseable".equals(reason) || "response_empty".equals(reason)) {
        unreadable = unreadable == null ? problem.get().detail() : unreadable;
        continue;
      }
      readable++;
      safe += q.label() == Label.SAFE ? 1 : 0;
      // The probed cell it came from, also when the judge relabeled it.
      YieldEstimate.Tally tally = run.tally(run.probedCell.get(q.id()));
      tally.responses++;
      tally.responsesKept += problem.isEmpty() ? 1 : 0;
      refused += "response_refused".equals(reason) ? 1 : 0;
      int[] counts = byLanguage.computeIfAbsent(q.language(), l -> new int[2]);
      counts[0]++;
      if ("response_wrong_language".equals(reason)) {
        examples.putIfAbsent(q.language(), problem.get().detail());
      } else {
        counts[1]++;
      }
    }
    List<LanguageShare> languages = new ArrayList<>();
    byLanguage.forEach((l, c) -> languages.add(new LanguageShare(l, c[0], c[1], examples.get(l))));
    checkRespond(
        questions.size(),
        readable,
        safe,
        refused,
        languages,
        unreadable,
        failure[0],
        refusal[0],
        schemaRefused[0]);
    return new Respond(
        run.status("respond"),
        run.requests("respond"),
        run.schema(schemaRefused[0]),
        questions.size(),
        readable,
        safe,
        refused,
        languages,
        unreadable,
        failure[0],
        run.usage("respond"));
  }

  private void checkRespond(
      int questions,
      int readable,
      int safe,
      int refused,
      List<LanguageShare> languages,
      String unreadable,
      String failure,
      String refusal,
      boolean schemaRefused) {
    if (failure != null) {
      run.problem(
          "respond", "request failed: " + failure + (schemaRefused ? ProbeRun.schemaHint() : ""));
      return;
    }
    if (readable < TeacherDoctor.MIN_READABLE_SHARE * questions) {
      run.problem(
          "respond",
          readable == 0 && refusal != null
              ? "refusals: the teacher refused to write the responses (" + refusal + ")"
              : "format: only "
                  + readable
                  + " of "
                  + questions
                  + " responses could be read ("
                  + unreadable
                  + "); the label stage reads a JSON object with a response per question id");
      return;
    }
    for (LanguageShare l : languages) {
      if (l.inLanguage() < TeacherDoctor.MIN_LANGUAGE_SHARE * l.responses()) {
        run.problem(
            "respond",
            "language: only "
                + l.inLanguage()
                + " of "
                + l.responses()
                + " responses to questions in "
                + l.language()
                + " are in "
                + l.language()
                + " ("
                + l.example()
                + "): the label stage rejects the rest as response_wrong_language");
      }
    }
    if (safe > 0 && refused > MAX_REFUSED_SHARE * safe) {
      run.problem(
          "respond",
          "refusals: the teacher refused "
              + refused
              + " of "
              + safe
              + " harmless questions: the label stage rejects them as response_refused, and a"
              + " guard trained on such answers over-refuses");
    }
  }
}
