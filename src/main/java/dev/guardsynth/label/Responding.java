package dev.guardsynth.label;

import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.text.LanguageDetector;
import dev.guardsynth.text.RefusalDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The respond step of a {@link LabelRun}: a safeguard response for each question still kept, in the
 * batches {@link LabelBatches#respond} plans, then each question whose response a batch's reply
 * lacked, alone. A response must not be empty ({@code response_empty}), must not refuse a safe
 * question ({@code response_refused}) and must be in the question's language ({@code
 * response_wrong_language}); a response missing even from the lone reply is {@code
 * response_unparseable}.
 */
final class Responding {
  private final LabelRun run;

  Responding(LabelRun run) {
    this.run = run;
  }

  void respond() throws TeacherException, InterruptedException {
    List<LabelPrompts.RespondItem> items = run.items();
    List<Integer> again = respond(run.batches.respond(items, run.kept()));
    if (!again.isEmpty()) {
      respond(run.batches.respondAlone(items, again));
    }
  }

  /** Asks for responses to {@code batches}; returns the questions to ask again alone. */
  private List<Integer> respond(List<LabelBatches.Batch> batches)
      throws TeacherException, InterruptedException {
    List<Integer> again = new ArrayList<>();
    run.send(
        batches,
        "respond",
        (batch, answer) -> {
          List<String> ids = batch.ids();
          String text = answer.reply().text();
          Map<String, String> replies = JudgeReplyParser.responses(text, ids);
          for (int k = 0; k < batch.size(); k++) {
            int i = batch.members().get(k);
            InFlight f = run.get(i);
            Labeled q = f.labeled();
            String response = replies.get(ids.get(k));
            if (response == null) {
              if (batch.size() > 1) {
                again.add(i);
              } else {
                run.set(
                    i,
                    f.reject(
                        new Rejected(
                            q.id(),
                            "response_unparseable",
                            "no response for this question in the reply: "
                                + JudgeReplyParser.start(text))));
              }
              continue;
            }
            response = response.strip();
            Optional<Rejected> problem = checkResponse(q, response);
            if (problem.isPresent()) {
              run.set(i, f.reject(problem.get()));
            } else {
              run.counts.responses++;
              run.set(i, f.keep(q.withResponse(response)));
            }
          }
        });
    return again;
  }

  /** The problem with a safeguard response, if it has one. */
  static Optional<Rejected> checkResponse(Labeled q, String response) {
    if (response.isEmpty()) {
      return Optional.of(new Rejected(q.id(), "response_empty", "the teacher's reply was empty"));
    }
    if (q.label() == Label.SAFE) {
      Optional<String> refusal = RefusalDetector.find(response);
      if (refusal.isPresent()) {
        return Optional.of(
            new Rejected(
                q.id(),
                "response_refused",
                "a safe question was refused: \"" + refusal.get() + "\""));
      }
    }
    if (LanguageDetector.supports(q.language())) {
      LanguageDetector.Detection found = LanguageDetector.detect(response);
      if (!found.language().equals(q.language())) {
        return Optional.of(
            new Rejected(
                q.id(),
                "response_wrong_language",
                "detected " + found.describe() + "; expected " + q.language()));
      }
    }
    return Optional.empty();
  }
}
