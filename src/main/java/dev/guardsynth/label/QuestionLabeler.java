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
import dev.guardsynth.prompt.RuleSet;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.FailedRequest;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.ResponseSchema;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherRequest;
import dev.guardsynth.teacher.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The label stage. First the teacher, as judge, labels the questions, {@code label.batch_size} per
 * request, and answers the rule checks of each question's rule set: a "yes" rejects the question
 * ({@code rule:<id>}); a verdict that differs from the intended label or category is a
 * disagreement, which {@code label.on_disagree} turns into a rejection ({@code judge_disagrees}) or
 * a relabel; a question whose verdict is missing or unreadable in a batch's reply is asked again
 * alone, and rejected ({@code judge_unparseable}) when even that reply cannot be read. Then the
 * teacher writes a safeguard response to each question left, {@code label.respond_batch_size} per
 * request, in the question's language, under the final label; a missing response is asked again
 * alone ({@code response_unparseable} when that fails too), a safe question's response must not be
 * a refusal ({@code response_refused}) and every response must be in the question's language
 * ({@code response_wrong_language}). Requests go through a {@link RequestRunner}, so a resumed run
 * answers each batch from the journal. Output keeps input order. Not thread-safe.
 */
public final class QuestionLabeler {
  /** Every reason this stage gives, but the rule checks' {@code rule:<id>}. */
  public static final Set<String> REASONS =
      Set.of(
          "judge_disagrees",
          "judge_unparseable",
          "request_failed",
          "response_empty",
          "response_refused",
          "response_unparseable",
          "response_wrong_language");

  /** The prefix of a rule check's reason: {@code rule:celebrity}. */
  public static final String RULE = "rule:";

  /** How the detail of a rule check's rejection starts, beside the filter's same-named ones. */
  static final String JUDGE_DETAIL = "judge: ";

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
   * Labels {@code questions}, sending each to {@code labeled} or {@code rejected}. The questions of
   * a judge or respond request that fails for good are rejected ({@code request_failed}) and the
   * failure goes to {@code failures}, once per question; with {@code failures} null, the failure
   * stops the stage instead.
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
    Run run = new Run(questions, failures);
    if (config.judge()) {
      run.judge();
    } else {
      for (int i = 0; i < questions.size(); i++) {
        run.kept[i] = Labeled.of(questions.get(i), null, null);
      }
    }
    if (config.respond()) {
      run.respond();
    }
    return run.emit(labeled, rejected, disagreements);
  }

  /**
   * The judge and respond requests {@link #run} would send for {@code questions} if the judge kept
   * every one and every batched answer could be read: the first round's estimate of {@code run
   * --dry-run}. Built by the same code as the real requests, so the estimate's input tokens are
   * those of the real prompts.
   */
  public static Planned planned(
      TeacherConfig teacher,
      LabelConfig config,
      LabelPrompts prompts,
      Taxonomy taxonomy,
      List<LabelPrompts.RespondItem> questions) {
    List<TeacherRequest> judge = new ArrayList<>();
    List<Integer> judgeSizes = new ArrayList<>();
    if (config.judge()) {
      Map<String, List<LabelPrompts.RespondItem>> byLanguage = new LinkedHashMap<>();
      questions.forEach(
          q -> byLanguage.computeIfAbsent(q.language(), l -> new ArrayList<>()).add(q));
      for (Map.Entry<String, List<LabelPrompts.RespondItem>> e : byLanguage.entrySet()) {
        ResponseSchema schema =
            ReplySchemas.judge(config.structured(), taxonomy.ids(), prompts.checks(e.getKey()));
        for (List<LabelPrompts.RespondItem> batch : chunks(e.getValue(), config.batchSize())) {
          List<LabelPrompts.JudgeItem> items = new ArrayList<>();
          for (int k = 0; k < batch.size(); k++) {
            items.add(new LabelPrompts.JudgeItem(itemId(k), batch.get(k).question()));
          }
          judge.add(
              request(
                  teacher, prompts.judge(e.getKey(), items), config.judgeTemperature(), schema));
          judgeSizes.add(batch.size());
        }
      }
    }
    List<TeacherRequest> respond = new ArrayList<>();
    List<Integer> respondSizes = new ArrayList<>();
    if (config.respond()) {
      ResponseSchema schema = ReplySchemas.respond(config.structured());
      for (List<LabelPrompts.RespondItem> batch : chunks(questions, config.respondBatchSize())) {
        List<LabelPrompts.RespondItem> items = new ArrayList<>();
        for (int k = 0; k < batch.size(); k++) {
          LabelPrompts.RespondItem q = batch.get(k);
          items.add(
              new LabelPrompts.RespondItem(
                  itemId(k), q.question(), q.label(), q.category(), q.language()));
        }
        respond.add(request(teacher, prompts.respond(items), config.respondTemperature(), schema));
        respondSizes.add(batch.size());
      }
    }
    return new Planned(judge, judgeSizes, respond, respondSizes);
  }

  /** Requests of {@link #planned}; the sizes are the questions each request asks about. */
  public record Planned(
      List<TeacherRequest> judge,
      List<Integer> judgeSizes,
      List<TeacherRequest> respond,
      List<Integer> respondSizes) {
    public Planned {
      judge = List.copyOf(judge);
      judgeSizes = List.copyOf(judgeSizes);
      respond = List.copyOf(respond);
      respondSizes = List.copyOf(respondSizes);
    }
  }

  /** The state of one {@link #run}: per question, what became of it; and the counts. */
  private final class Run {
    final List<Candidate> questions;
    final Labeled[] kept;
    final Rejected[] dropped;
    final Disagreement[] disagreed;
    long agreed, disagreements, unparseable, relabeled, ruleViolations, responses;
    long requests, fromJournal;
    Usage usage = Usage.ZERO;
    final Map<String, LabelResult.Agreement> byCategory = new HashMap<>();
    final Consumer<FailedRequest> failures;

    Run(List<Candidate> questions, Consumer<FailedRequest> failures) {
      this.questions = questions;
      this.failures = failures;
      int n = questions.size();
      kept = new Labeled[n];
      dropped = new Rejected[n];
      disagreed = new Disagreement[n];
    }

    void answered(RequestRunner.Answer answer) {
      requests++;
      fromJournal += answer.fromJournal() ? 1 : 0;
      usage = usage.plus(answer.reply().usage());
    }

    void judge() throws TeacherException, InterruptedException {
      // A batch holds questions of one language only, so every request of that language shares
      // its system message (the rule set's checks) and the provider can cache it.
      Map<String, List<Integer>> byLanguage = new LinkedHashMap<>();
      for (int i = 0; i < questions.size(); i++) {
        byLanguage.computeIfAbsent(questions.get(i).language(), l -> new ArrayList<>()).add(i);
      }
      List<List<Integer>> batches = new ArrayList<>();
      byLanguage.values().forEach(ids -> batches.addAll(chunks(ids, config.batchSize())));
      List<Integer> again = judge(batches);
      if (!again.isEmpty()) {
        judge(again.stream().map(List::of).toList());
      }
    }

    /** Judges {@code batches}; returns the questions to ask again alone. */
    private List<Integer> judge(List<List<Integer>> batches)
        throws TeacherException, InterruptedException {
      List<TeacherRequest> requests = new ArrayList<>(batches.size());
      Map<String, ResponseSchema> schemas = new HashMap<>();
      for (List<Integer> batch : batches) {
        String language = questions.get(batch.get(0)).language();
        List<LabelPrompts.JudgeItem> items = new ArrayList<>();
        for (int k = 0; k < batch.size(); k++) {
          items.add(new LabelPrompts.JudgeItem(itemId(k), questions.get(batch.get(k)).text()));
        }
        ResponseSchema schema =
            schemas.computeIfAbsent(
                language,
                l -> ReplySchemas.judge(config.structured(), taxonomy.ids(), prompts.checks(l)));
        requests.add(request(prompts.judge(language, items), config.judgeTemperature(), schema));
      }
      List<Integer> again = new ArrayList<>();
      runner.run(
          requests,
          sink(
              b -> failedBatch(batches.get(b), "judge"),
              (b, answer) -> {
                answered(answer);
                List<Integer> batch = batches.get(b);
                String language = questions.get(batch.get(0)).language();
                List<String> ids = new ArrayList<>();
                for (int k = 0; k < batch.size(); k++) {
                  ids.add(itemId(k));
                }
                List<RuleSet.Check> checks = prompts.checks(language);
                Map<String, JudgeReply> verdicts =
                    parser.parse(
                        answer.reply().text(),
                        ids,
                        checks.stream().map(RuleSet.Check::id).toList());
                for (int k = 0; k < batch.size(); k++) {
                  int i = batch.get(k);
                  switch (verdicts.get(ids.get(k))) {
                    case JudgeReply.Parsed p -> verdict(i, p, checks);
                    case JudgeReply.Unparseable u -> {
                      if (batch.size() > 1) {
                        again.add(i);
                      } else {
                        unparseable(i, u);
                      }
                    }
                  }
                }
              }));
      return again;
    }

    private void unparseable(int i, JudgeReply.Unparseable u) {
      Candidate c = questions.get(i);
      unparseable++;
      byCategory.merge(
          c.category(), new LabelResult.Agreement(1, 0, 0, 1), LabelResult.Agreement::plus);
      dropped[i] = new Rejected(c.id(), "judge_unparseable", u.why());
    }

    private void verdict(int i, JudgeReply.Parsed p, List<RuleSet.Check> checks) {
      Candidate c = questions.get(i);
      boolean agrees = p.label() == c.label() && p.category().equals(c.category());
      byCategory.merge(
          c.category(),
          new LabelResult.Agreement(1, agrees ? 1 : 0, agrees ? 0 : 1, 0),
          LabelResult.Agreement::plus);
      if (agrees) {
        agreed++;
      } else {
        disagreements++;
      }
      if (!p.violated().isEmpty()) {
        // A broken rule rejects the question whatever its label: it is not what the rule set
        // asked for, and relabeling cannot fix that.
        ruleViolations++;
        String rule = p.violated().get(0);
        String check =
            checks.stream()
                .filter(x -> x.id().equals(rule))
                .map(RuleSet.Check::judgeCheck)
                .findFirst()
                .orElse("");
        dropped[i] =
            new Rejected(c.id(), RULE + rule, JUDGE_DETAIL + "yes to \"" + check.strip() + "\"");
        return;
      }
      Labeled judged = Labeled.of(c, new Judgement(p.label(), p.category(), agrees), null);
      if (agrees) {
        kept[i] = judged;
        return;
      }
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
        relabeled++;
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

    void respond() throws TeacherException, InterruptedException {
      List<Integer> open = new ArrayList<>();
      for (int i = 0; i < kept.length; i++) {
        if (kept[i] != null) {
          open.add(i);
        }
      }
      List<Integer> again = respond(chunks(open, config.respondBatchSize()));
      if (!again.isEmpty()) {
        respond(again.stream().map(List::of).toList());
      }
    }

    /** Asks for responses to {@code batches}; returns the questions to ask again alone. */
    private List<Integer> respond(List<List<Integer>> batches)
        throws TeacherException, InterruptedException {
      ResponseSchema schema = ReplySchemas.respond(config.structured());
      List<TeacherRequest> requests = new ArrayList<>(batches.size());
      for (List<Integer> batch : batches) {
        List<LabelPrompts.RespondItem> items = new ArrayList<>();
        for (int k = 0; k < batch.size(); k++) {
          Labeled q = kept[batch.get(k)];
          items.add(
              new LabelPrompts.RespondItem(
                  itemId(k), q.text(), q.label(), q.category(), q.language()));
        }
        requests.add(request(prompts.respond(items), config.respondTemperature(), schema));
      }
      List<Integer> again = new ArrayList<>();
      runner.run(
          requests,
          sink(
              b -> failedBatch(batches.get(b), "respond"),
              (b, answer) -> {
                answered(answer);
                List<Integer> batch = batches.get(b);
                List<String> ids = new ArrayList<>();
                for (int k = 0; k < batch.size(); k++) {
                  ids.add(itemId(k));
                }
                String text = answer.reply().text();
                Map<String, String> replies = JudgeReplyParser.responses(text, ids);
                for (int k = 0; k < batch.size(); k++) {
                  int i = batch.get(k);
                  Labeled q = kept[i];
                  String response = replies.get(ids.get(k));
                  if (response == null) {
                    if (batch.size() > 1) {
                      again.add(i);
                    } else {
                      kept[i] = null;
                      dropped[i] =
                          new Rejected(
                              q.id(),
                              "response_unparseable",
                              "no response for this question in the reply: "
                                  + JudgeReplyParser.start(text));
                    }
                    continue;
                  }
                  response = response.strip();
                  Optional<Rejected> problem = checkResponse(q, response);
                  if (problem.isPresent()) {
                    kept[i] = null;
                    dropped[i] = problem.get();
                  } else {
                    responses++;
                    kept[i] = q.withResponse(response);
                  }
                }
              }));
      return again;
    }

    /**
     * A sink that hands answers to {@code answers} and, when the stage records failures, rejects
     * the questions of a request that failed for good through {@code onFailure}; else a failure
     * stops the stage.
     */
    private RequestRunner.Sink sink(
        java.util.function.IntFunction<Consumer<RequestRunner.Failure>> onFailure,
        RequestRunner.Sink answers) {
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
          onFailure.apply(index).accept(failure);
        }
      };
    }

    /**
     * Rejects every question of a batch whose request failed for good, and lists the request once
     * (its id: the batch's question ids, comma-separated), so the failure tolerance counts
     * requests, as for every other stage.
     */
    private Consumer<RequestRunner.Failure> failedBatch(List<Integer> batch, String task) {
      return failure -> {
        List<String> ids = batch.stream().map(i -> questions.get(i).id()).toList();
        failures.accept(FailedRequest.of("label", String.join(",", ids), failure));
        for (int i : batch) {
          kept[i] = null;
          dropped[i] =
              new Rejected(
                  questions.get(i).id(),
                  "request_failed",
                  task + " request failed for good: " + failure.message());
        }
      };
    }

    LabelResult emit(
        Consumer<Labeled> labeled, Consumer<Rejected> rejected, Consumer<Disagreement> out) {
      Map<String, Long> byReason = new HashMap<>();
      long labeledCount = 0;
      int n = questions.size();
      for (int i = 0; i < n; i++) {
        if (disagreed[i] != null) {
          out.accept(disagreed[i]);
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
          agreed,
          disagreements,
          unparseable,
          relabeled,
          ruleViolations,
          responses,
          requests,
          fromJournal,
          usage,
          byReason,
          byCategory);
    }
  }

  /** {@code ids} cut into lists of at most {@code size}, in order. */
  static <T> List<List<T>> chunks(List<T> ids, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += size) {
      out.add(List.copyOf(ids.subList(from, Math.min(ids.size(), from + size))));
    }
    return out;
  }

  /** A question's id inside one request: its position, from 1. Short, so it costs few tokens. */
  private static String itemId(int k) {
    return String.valueOf(k + 1);
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

  private TeacherRequest request(
      List<ChatMessage> messages, double temperature, ResponseSchema schema) {
    return request(teacher, messages, temperature, schema);
  }

  private static TeacherRequest request(
      TeacherConfig teacher,
      List<ChatMessage> messages,
      double temperature,
      ResponseSchema schema) {
    return new TeacherRequest(
        teacher.model(), messages, temperature, teacher.maxTokens(), 0, schema);
  }

  private String group(String category) {
    return taxonomy.find(category).map(Category::group).orElse(null);
  }
}
