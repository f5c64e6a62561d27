package dev.guardsynth.label;

import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.text.LanguageDetector;
import dev.guardsynth.text.RefusalDetector;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The respond step of a {@link LabelRun}: a safeguard response for each question still kept, in the
 * batches {@link LabelBatches#respond} plans. A response must be there ({@code
 * response_unparseable}), must not be empty ({@code response_empty}), must not refuse a safe
 * question ({@code response_refused}) and must be in the question's language ({@code
 * response_wrong_language}). A response that fails is the response's fault, not the question's, so
 * the question is asked again alone, with its language and label stated plainly ({@link
 * LabelBatches#respondAgain}), up to {@code label.respond_retries} times; only then does {@code
 * label.on_bad_response} reject it with the last response's reason or keep it without a response.
 */
final class Responding {
  private final LabelRun run;
  private final LabelConfig config;

  Responding(LabelRun run, LabelConfig config) {
    this.run = run;
    this.config = config;
  }

  void respond() throws TeacherException, InterruptedException {
    List<LabelPrompts.RespondItem> items = run.items();
    Map<Integer, Rejected> bad = respond(run.batches.respond(items, run.kept()), false);
    for (int attempt = 1; attempt <= config.respondRetries() && !bad.isEmpty(); attempt++) {
      run.counts.respondRetries += bad.size();
      bad = respond(run.batches.respondAgain(items, List.copyOf(bad.keySet()), attempt), true);
    }
    bad.forEach(this::giveUp);
  }

  /**
   * Asks for responses to {@code batches}; returns the questions whose response failed, by
   * position, with why.
   */
  private Map<Integer, Rejected> respond(List<LabelBatches.Batch> batches, boolean retry)
      throws TeacherException, InterruptedException {
    Map<Integer, Rejected> bad = new TreeMap<>();
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
            Optional<Rejected> problem = checkReplied(q, response, text);
            if (problem.isPresent()) {
              bad.put(i, problem.get());
            } else {
              run.counts.responses++;
              run.counts.responsesRepaired += retry ? 1 : 0;
              run.set(i, f.keep(q.withResponse(response)));
            }
          }
        });
    return bad;
  }

  /** Settles a question whose response is still bad after every retry. */
  private void giveUp(int i, Rejected why) {
    InFlight f = run.get(i);
    switch (config.onBadResponse()) {
      case REJECT -> run.set(i, f.reject(why));
      case DETECT_ONLY -> run.counts.detectOnly++; // kept as it is: no response
    }
  }

  /** The problem with a safeguard response, if it has one. */
  /**
   * What is wrong with the response a reply gave {@code q}, if anything: none at all ({@code
   * response == null}) is {@code response_unparseable}, naming how the reply starts.
   */
  static Optional<Rejected> checkReplied(Labeled q, String response, String reply) {
    return response == null
        ? Optional.of(
            new Rejected(
                q.id(),
                "response_unparseable",
                "no response for this question in the reply: " + JudgeReplyParser.start(reply)))
        : checkResponse(q, response.strip());
  }

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
