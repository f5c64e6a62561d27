package dev.guardsynth.label;

import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Judgement;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.prompt.RuleSet;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.TeacherException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The judge step of a {@link LabelRun}: the batches {@link LabelBatches#judge} plans, then each
 * question whose verdict a batch's reply lacked or garbled, alone; a verdict is a keep, a relabel,
 * a rejection for disagreeing ({@code judge_disagrees}), for a broken rule ({@code rule:<id>}) or,
 * when even the lone reply cannot be read, {@code judge_unparseable}.
 */
record Judging(
    LabelRun run,
    LabelConfig config,
    LabelPrompts prompts,
    Taxonomy taxonomy,
    JudgeReplyParser parser) {

  /** What a judge's verdict on one question, by its position, becomes. */
  @FunctionalInterface
  interface Verdicts {
    void accept(int question, JudgeReply verdict);
  }

  void judge() throws TeacherException, InterruptedException {
    collect(
        run.batches,
        run.runner(),
        (i, reply) -> {
          switch (reply) {
            case JudgeReply.Parsed p -> verdict(i, p, checks(i), null);
            case JudgeReply.Unparseable u -> unparseable(i, u);
          }
        });
  }

  /**
   * Has one judge ({@code batches} built for its model, {@code runner} its requests) judge every
   * question: the batches {@link LabelBatches#judge} plans, then alone each question whose verdict
   * a batch's reply lacked or garbled. Each question's last verdict goes to {@code verdicts}, in
   * request order: {@link JudgeReply.Unparseable} only when even its lone reply could not be read.
   * The questions of a request that failed for good get none (the run rejected them).
   */
  void collect(LabelBatches batches, RequestRunner runner, Verdicts verdicts)
      throws TeacherException, InterruptedException {
    List<LabelPrompts.RespondItem> items = run.items();
    List<Integer> again = judge(batches.judge(items), runner, verdicts);
    if (!again.isEmpty()) {
      judge(batches.judgeAlone(items, again), runner, verdicts);
    }
  }

  /** The rule checks of question {@code i}'s language. */
  List<RuleSet.Check> checks(int i) {
    return prompts.checks(run.get(i).question().language());
  }

  /** Judges {@code batches}; returns the questions to ask again alone. */
  private List<Integer> judge(
      List<LabelBatches.Batch> batches, RequestRunner runner, Verdicts verdicts)
      throws TeacherException, InterruptedException {
    List<Integer> again = new ArrayList<>();
    run.send(
        runner,
        batches,
        "judge",
        (batch, answer) -> {
          List<String> ids = batch.ids();
          List<RuleSet.Check> checks = checks(batch.members().get(0));
          Map<String, JudgeReply> replies =
              parser.parse(
                  answer.reply().text(), ids, checks.stream().map(RuleSet.Check::id).toList());
          for (int k = 0; k < batch.size(); k++) {
            int i = batch.members().get(k);
            JudgeReply reply = replies.get(ids.get(k));
            if (reply instanceof JudgeReply.Unparseable && batch.size() > 1) {
              again.add(i);
            } else {
              verdicts.accept(i, reply);
            }
          }
        });
    return again;
  }

  void unparseable(int i, JudgeReply.Unparseable u) {
    InFlight f = run.get(i);
    run.counts.unreadable(f.question().category());
    run.set(i, f.reject(new Rejected(f.question().id(), "judge_unparseable", u.why())));
  }

  /**
   * Settles question {@code i} by verdict {@code p}, a single judge's or a jury's vote.
   *
   * @param verdicts each juror's verdict, for {@code disagreements.jsonl}; null for a single judge
   */
  void verdict(
      int i,
      JudgeReply.Parsed p,
      List<RuleSet.Check> checks,
      List<Disagreement.JudgeVerdict> verdicts) {
    InFlight f = run.get(i);
    Candidate c = f.question();
    boolean agrees = p.label() == c.label() && p.category().equals(c.category());
    run.counts.judged(c.category(), agrees);
    run.counts.unansweredChecks += p.unanswered().size();
    if (!p.violated().isEmpty()) {
      // A broken rule rejects the question whatever its label: it is not what the rule set
      // asked for, and relabeling cannot fix that.
      run.counts.ruleViolations++;
      String rule = p.violated().get(0);
      String check =
          checks.stream()
              .filter(x -> x.id().equals(rule))
              .map(RuleSet.Check::judgeCheck)
              .findFirst()
              .orElse("");
      run.set(
          i,
          f.reject(
              new Rejected(
                  c.id(),
                  QuestionLabeler.RULE + rule,
                  QuestionLabeler.JUDGE_DETAIL + "yes to \"" + check.strip() + "\"")));
      return;
    }
    Labeled judged = Labeled.of(c, new Judgement(p.label(), p.category(), agrees), null);
    if (agrees) {
      run.set(i, f.keep(judged));
      return;
    }
    boolean relabel = config.onDisagree() == LabelConfig.OnDisagree.RELABEL;
    InFlight disagreeing =
        f.disagreeing(
            disagreement(c, p.label(), p.category(), relabel ? "relabeled" : "rejected", verdicts));
    if (relabel) {
      run.counts.relabeled++;
      run.set(i, disagreeing.keep(judged.relabeled(group(p.category()))));
    } else {
      run.set(
          i,
          disagreeing.reject(
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
                      + p.category())));
    }
  }

  /** The disagreement about {@code c}: its intended label and category, and the verdict. */
  static Disagreement disagreement(
      Candidate c,
      Label judgeLabel,
      String judgeCategory,
      String action,
      List<Disagreement.JudgeVerdict> verdicts) {
    return new Disagreement(
        c.id(),
        c.text(),
        c.language(),
        c.label(),
        c.category(),
        judgeLabel,
        judgeCategory,
        action,
        verdicts);
  }

  private String group(String category) {
    return taxonomy.find(category).map(Category::group).orElse(null);
  }
}
