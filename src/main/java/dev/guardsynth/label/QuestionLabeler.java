package dev.guardsynth.label;

import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Judgement;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.filter.LanguageDetector;
import dev.guardsynth.filter.RefusalDetector;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.FailedRequest;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherRequest;
import dev.guardsynth.teacher.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The label stage. First the teacher, as judge, labels every question; a verdict that differs from
 * the intended label or category is a disagreement, which {@code label.on_disagree} turns into a
 * rejection ({@code judge_disagrees}) or a relabel, and a verdict that cannot be read is rejected
 * ({@code judge_unparseable}). Then the teacher writes a safeguard response to each question left,
 * in the question's language, under the final label; a safe question's response must not be a
 * refusal ({@code response_refused}) and every response must be in the question's language ({@code
 * response_wrong_language}). Requests go through a {@link RequestRunner}, so a resumed run answers
 * them from the journal. Output keeps input order. Not thread-safe.
 */
public final class QuestionLabeler {
  /** Every reason this stage gives. */
  public static final Set<String> REASONS =
      Set.of(
          "judge_disagrees",
          "judge_unparseable",
          "request_failed",
          "response_empty",
          "response_refused",
          "response_wrong_language");

  private final RequestRunner runner;
  private final TeacherConfig teacher;
  private final LabelConfig config;
  private final LabelPrompts prompts;
  private final Taxonomy taxonomy;
  private final JudgeReplyParser parser;

  public QuestionLabeler(
      RequestRunner runner,
      TeacherConfig teacher,
      LabelConfig config,
      LabelPrompts prompts,
      Taxonomy taxonomy) {
    this.runner = runner;
    this.teacher = teacher;
    this.config = config;
    this.prompts = prompts;
    this.taxonomy = taxonomy;
    this.parser = new JudgeReplyParser(taxonomy);
  }

  /**
   * Labels {@code questions}, sending each to {@code labeled} or {@code rejected}; the first
   * request that fails for good stops the stage with its exception.
   */
  public LabelResult run(
      List<Candidate> questions,
      Consumer<Labeled> labeled,
      Consumer<Rejected> rejected,
      Consumer<Disagreement> disagreements)
      throws TeacherException, InterruptedException {
    return run(questions, labeled, rejected, disagreements, null);
  }

  /**
   * Labels {@code questions}, sending each to {@code labeled} or {@code rejected}. A question whose
   * judge or respond request fails for good is rejected ({@code request_failed}) and its request
   * goes to {@code failures}; with {@code failures} null, the failure stops the stage instead.
   */
  public LabelResult run(
      List<Candidate> questions,
      Consumer<Labeled> labeled,
      Consumer<Rejected> rejected,
      Consumer<Disagreement> disagreements,
      Consumer<FailedRequest> failures)
      throws TeacherException, InterruptedException {
    for (Candidate c : questions) {
      if (taxonomy.find(c.category()).isEmpty()) {
        throw new InputException(
            "question "
                + c.id()
                + ": category '"
                + c.category()
                + "' is not in the taxonomy; use one of "
                + String.join(", ", taxonomy.ids())
                + " or add it to the taxonomy");
      }
    }
    int n = questions.size();
    Labeled[] kept = new Labeled[n];
    Rejected[] dropped = new Rejected[n];
    Disagreement[] disagreed = new Disagreement[n];
    var counts =
        new Object() {
          long agreed, disagreed, unparseable, relabeled, responses, requests, fromJournal;
          Usage usage = Usage.ZERO;
          final Map<String, LabelResult.Agreement> byCategory = new HashMap<>();

          void answered(RequestRunner.Answer answer) {
            requests++;
            fromJournal += answer.fromJournal() ? 1 : 0;
            usage = usage.plus(answer.reply().usage());
          }
        };

    if (config.judge()) {
      List<TeacherRequest> requests = new ArrayList<>(n);
      for (Candidate c : questions) {
        requests.add(request(prompts.judge(c.text()), config.judgeTemperature()));
      }
      runner.run(
          requests,
          sink(
              failures,
              (i, failure) ->
                  dropped[i] = failed(failures, questions.get(i).id(), "judge", failure),
              (i, answer) -> {
                counts.answered(answer);
                Candidate c = questions.get(i);
                switch (parser.parse(answer.reply().text())) {
                  case JudgeReply.Unparseable u -> {
                    counts.unparseable++;
                    counts.byCategory.merge(
                        c.category(),
                        new LabelResult.Agreement(1, 0, 0, 1),
                        LabelResult.Agreement::plus);
                    dropped[i] = new Rejected(c.id(), "judge_unparseable", u.why());
                  }
                  case JudgeReply.Parsed p -> {
                    boolean agrees = p.label() == c.label() && p.category().equals(c.category());
                    Labeled judged =
                        Labeled.of(c, new Judgement(p.label(), p.category(), agrees), null);
                    counts.byCategory.merge(
                        c.category(),
                        new LabelResult.Agreement(1, agrees ? 1 : 0, agrees ? 0 : 1, 0),
                        LabelResult.Agreement::plus);
                    if (agrees) {
                      counts.agreed++;
                      kept[i] = judged;
                    } else {
                      counts.disagreed++;
                      boolean relabel = config.onDisagree() == LabelConfig.OnDisagree.RELABEL;
                      disagreed[i] =
                          new Disagreement(
                              c.id(),
                              c.text(),
                              c.language(),
                              c.label(),
                              c.category(),
                              p.label(),
                              p.category(),
                              relabel ? "relabeled" : "rejected");
                      if (relabel) {
                        counts.relabeled++;
                        kept[i] = judged.relabeled(group(p.category()));
                      } else {
                        dropped[i] =
                            new Rejected(
                                c.id(),
                                "judge_disagrees",
                                "intended "
                                    + c.label().json()
                                    + "/"
                                    + c.category()
                                    + ", judge says "
                                    + p.label().json()
                                    + "/"
                                    + p.category());
                      }
                    }
                  }
                }
              }));
    } else {
      for (int i = 0; i < n; i++) {
        kept[i] = Labeled.of(questions.get(i), null, null);
      }
    }

    if (config.respond()) {
      List<Integer> open = new ArrayList<>();
      List<TeacherRequest> requests = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Labeled q = kept[i];
        if (q != null) {
          open.add(i);
          requests.add(
              request(
                  prompts.respond(q.text(), q.label(), q.category(), q.language()),
                  config.respondTemperature()));
        }
      }
      runner.run(
          requests,
          sink(
              failures,
              (k, failure) -> {
                int i = open.get(k);
                kept[i] = null;
                dropped[i] = failed(failures, questions.get(i).id(), "respond", failure);
              },
              (k, answer) -> {
                counts.answered(answer);
                int i = open.get(k);
                Labeled q = kept[i];
                String response = answer.reply().text().strip();
                Optional<Rejected> problem = checkResponse(q, response);
                if (problem.isPresent()) {
                  kept[i] = null;
                  dropped[i] = problem.get();
                } else {
                  counts.responses++;
                  kept[i] = q.withResponse(response);
                }
              }));
    }

    Map<String, Long> byReason = new HashMap<>();
    long labeledCount = 0;
    for (int i = 0; i < n; i++) {
      if (disagreed[i] != null) {
        disagreements.accept(disagreed[i]);
      }
      if (kept[i] != null) {
        labeledCount++;
        labeled.accept(kept[i]);
      } else {
        byReason.merge(dropped[i].reason(), 1L, Long::sum);
        rejected.accept(dropped[i]);
      }
    }
    return new LabelResult(
        n,
        labeledCount,
        n - labeledCount,
        counts.agreed,
        counts.disagreed,
        counts.unparseable,
        counts.relabeled,
        counts.responses,
        counts.requests,
        counts.fromJournal,
        counts.usage,
        byReason,
        counts.byCategory);
  }

  /** What to do with a request that failed for good, in place of the default (stop the stage). */
  private interface OnFailure {
    void failed(int index, RequestRunner.Failure failure);
  }

  /**
   * A sink that hands answers to {@code answers} and, when {@code failures} is given, records a
   * failed request there and lets {@code onFailure} reject its question; else a failure stops the
   * stage.
   */
  private static RequestRunner.Sink sink(
      Consumer<FailedRequest> failures, OnFailure onFailure, RequestRunner.Sink answers) {
    return new RequestRunner.Sink() {
      @Override
      public void accept(int index, RequestRunner.Answer answer) throws TeacherException {
        answers.accept(index, answer);
      }

      @Override
      public void failed(int index, RequestRunner.Failure failure) throws TeacherException {
        if (failures == null) {
          throw failure.cause();
        }
        onFailure.failed(index, failure);
      }
    };
  }

  private static Rejected failed(
      Consumer<FailedRequest> failures,
      String questionId,
      String task,
      RequestRunner.Failure failure) {
    failures.accept(FailedRequest.of("label", questionId, failure));
    return new Rejected(
        questionId, "request_failed", task + " request failed for good: " + failure.message());
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

  private TeacherRequest request(List<ChatMessage> messages, double temperature) {
    return new TeacherRequest(teacher.model(), messages, temperature, teacher.maxTokens(), 0);
  }

  private String group(String category) {
    return taxonomy.find(category).map(Category::group).orElse(null);
  }
}
