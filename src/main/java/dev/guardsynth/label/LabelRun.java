package dev.guardsynth.label;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.teacher.FailedRequest;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.TeacherException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The state of one {@link QuestionLabeler#run}: each question {@link InFlight}, by its position in
 * the input, the {@link LabelCounts}, and the one way its requests are sent, so a request that
 * fails for good is handled alike by {@link Judging} and {@link Responding}. Not thread-safe.
 */
final class LabelRun {
  /** What a step does with one answered request. */
  @FunctionalInterface
  interface Answers {
    void accept(LabelBatches.Batch batch, RequestRunner.Answer answer) throws TeacherException;
  }

  final LabelBatches batches;
  final LabelCounts counts = new LabelCounts();
  private final RequestRunner runner;
  private final Consumer<FailedRequest> failures; // null: a failure stops the stage
  private final List<InFlight> flights = new ArrayList<>();

  LabelRun(
      RequestRunner runner,
      LabelBatches batches,
      List<Candidate> questions,
      Consumer<FailedRequest> failures) {
    this.runner = runner;
    this.batches = batches;
    this.failures = failures;
    questions.forEach(q -> flights.add(InFlight.of(q)));
  }

  /** The teacher's runner: the judge's, unless a jury judges, and always the responses'. */
  RequestRunner runner() {
    return runner;
  }

  /** How many questions the run holds. */
  int size() {
    return flights.size();
  }

  InFlight get(int i) {
    return flights.get(i);
  }

  void set(int i, InFlight flight) {
    flights.set(i, flight);
  }

  /** The positions of the questions still kept, in input order. */
  List<Integer> kept() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < flights.size(); i++) {
      if (flights.get(i).kept()) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * Every question as the planner takes it: a kept one under its label and category so far, a
   * rejected one as it came in (it is never asked about again).
   */
  List<LabelPrompts.RespondItem> items() {
    List<LabelPrompts.RespondItem> out = new ArrayList<>(flights.size());
    for (InFlight f : flights) {
      Labeled q = f.kept() ? f.labeled() : Labeled.of(f.question(), null, null);
      out.add(
          new LabelPrompts.RespondItem(q.id(), q.text(), q.label(), q.category(), q.language()));
    }
    return out;
  }

  /**
   * Sends {@code requests} through the runner and hands each answer, in request order, to {@code
   * answers}. When the stage records failures, the questions of a request that failed for good are
   * rejected ({@code request_failed}); otherwise the failure stops the stage.
   */
  void send(List<LabelBatches.Batch> requests, String task, Answers answers)
      throws TeacherException, InterruptedException {
    send(runner, requests, task, answers);
  }

  /** Like {@link #send(List, String, Answers)}, through another judge's {@code via}. */
  void send(RequestRunner via, List<LabelBatches.Batch> requests, String task, Answers answers)
      throws TeacherException, InterruptedException {
    via.run(
        requests.stream().map(LabelBatches.Batch::request).toList(),
        new RequestRunner.Sink() {
          @Override
          public void accept(int index, RequestRunner.Answer answer) throws TeacherException {
            counts.answered(answer);
            answers.accept(requests.get(index), answer);
          }

          @Override
          public void failed(int index, RequestRunner.Failure failure) throws TeacherException {
            if (failures == null) {
              throw failure.cause();
            }
            failedBatch(requests.get(index), task, failure);
          }
        });
  }

  /**
   * Rejects every question of a batch whose request failed for good, and lists the request once
   * (its id: the batch's question ids, comma-separated), so the failure tolerance counts requests,
   * as for every other stage.
   */
  private void failedBatch(LabelBatches.Batch batch, String task, RequestRunner.Failure failure) {
    List<String> ids = batch.members().stream().map(i -> flights.get(i).question().id()).toList();
    failures.accept(FailedRequest.of("label", String.join(",", ids), failure));
    for (int i : batch.members()) {
      InFlight f = flights.get(i);
      flights.set(
          i,
          f.reject(
              new Rejected(
                  f.question().id(),
                  "request_failed",
                  task + " request failed for good: " + failure.message())));
    }
  }

  /**
   * Writes each question, in input order, to its output, and returns the counts, with the jury's
   * (null without one) and the conflicts found.
   */
  LabelResult emit(
      Consumer<Labeled> labeled,
      Consumer<Rejected> rejected,
      Consumer<Disagreement> disagreements,
      JuryCounts jury,
      Conflicts.Found conflicts) {
    Map<String, Long> byReason = new HashMap<>();
    long labeledCount = 0;
    for (InFlight f : flights) {
      if (f.disagreement() != null) {
        disagreements.accept(f.disagreement());
      }
      if (f.kept()) {
        labeledCount++;
        labeled.accept(f.labeled());
      } else {
        byReason.merge(f.rejected().reason(), 1L, Long::sum);
        rejected.accept(f.rejected());
      }
    }
    return counts.result(flights.size(), labeledCount, byReason, jury, conflicts);
  }
}
