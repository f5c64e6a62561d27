package dev.guardsynth.eval;

import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Ids;
import dev.guardsynth.teacher.FailedRequest;
import dev.guardsynth.teacher.OpenAiTeacher;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.Teacher;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherRequest;
import dev.guardsynth.teacher.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Asks a live guard model about every gold question and reads its answers. Requests go through a
 * {@link RequestRunner}, so concurrency, retries on 429 and 5xx (honouring {@code Retry-After}) and
 * the resumable journal work as for the teacher. Requests use temperature 0: a guard is scored on
 * its most likely answer. Holds no state of its own, so it is as thread-safe as its runner.
 */
public record LiveGuard(
    RequestRunner runner,
    String model,
    String systemPrompt,
    Shots shots,
    int maxTokens,
    String describe) {

  /**
   * @param systemPrompt sent before each question (the detect prompt), or null for none
   * @param describe where the model is, for messages (a URL; never a key)
   */
  public LiveGuard(
      RequestRunner runner, String model, String systemPrompt, int maxTokens, String describe) {
    this(runner, model, systemPrompt, Shots.NONE, maxTokens, describe);
  }

  /**
   * The moderation endpoint of {@code client} as a teacher for a {@link RequestRunner}: flagged
   * reads as unsafe. Closing it closes {@code client}.
   */
  public static Teacher moderationEndpoint(OpenAiTeacher client) {
    return new ModerationTeacher(client);
  }

  /** What one run asked and got. */
  public record Answers(Predictions predictions, int requests, int fromJournal, Usage usage) {}

  /**
   * Asks about every distinct question of {@code gold}, in gold order; unreadable answers are kept
   * (as unreadable). A question that appears twice is asked once, so both copies get one answer.
   */
  public Answers predict(Gold gold) throws TeacherException, InterruptedException {
    return predict(gold, null);
  }

  /**
   * Like {@link #predict(Gold)}, but a question whose request fails for good gets no answer (it
   * reads as unreadable) and its request goes to {@code failures}; with {@code failures} null, the
   * failure stops the run instead.
   */
  public Answers predict(Gold gold, Consumer<FailedRequest> failures)
      throws TeacherException, InterruptedException {
    Map<String, GoldExample> distinct = new LinkedHashMap<>();
    for (GoldExample g : gold.examples()) {
      distinct.putIfAbsent(Ids.normalize(g.text()), g);
    }
    List<GoldExample> asked = List.copyOf(distinct.values());
    List<TeacherRequest> requests = new ArrayList<>(asked.size());
    for (GoldExample g : asked) {
      List<ChatMessage> messages = new ArrayList<>();
      if (systemPrompt != null) {
        messages.add(ChatMessage.system(systemPrompt));
      }
      messages.addAll(shots.messages());
      messages.add(ChatMessage.user(g.text()));
      requests.add(new TeacherRequest(model, messages, 0.0, maxTokens, 0));
    }
    List<Prediction> predictions = new ArrayList<>(asked.size());
    int[] fromJournal = {0};
    Usage[] usage = {Usage.ZERO};
    runner.run(
        requests,
        new RequestRunner.Sink() {
          @Override
          public void accept(int index, RequestRunner.Answer answer) {
            GoldExample g = asked.get(index);
            String text = answer.reply().text();
            predictions.add(
                new Prediction(g.id(), g.text(), AnswerParser.parse(text), text, g.where()));
            fromJournal[0] += answer.fromJournal() ? 1 : 0;
            usage[0] = usage[0].plus(answer.reply().usage());
          }

          @Override
          public void failed(int index, RequestRunner.Failure failure) throws TeacherException {
            if (failures == null) {
              throw failure.cause();
            }
            GoldExample g = asked.get(index);
            failures.accept(FailedRequest.of("eval", g.id() != null ? g.id() : g.where(), failure));
            predictions.add(
                new Prediction(
                    g.id(),
                    g.text(),
                    null,
                    "(no answer: the request failed for good: " + failure.message() + ")",
                    g.where()));
          }
        });
    Predictions p = Predictions.of(model, "model '" + model + "' at " + describe, predictions);
    return new Answers(p, requests.size(), fromJournal[0], usage[0]);
  }
}
