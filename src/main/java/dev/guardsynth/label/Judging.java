package dev.guardsynth.label;

import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Judgement;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.prompt.RuleSet;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
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

  void judge() throws TeacherException, InterruptedException {
    List<LabelPrompts.RespondItem> items = run.items();
    List<Integer> again = judge(run.batches.judge(items));
    if (!again.isEmpty()) {
      judge(run.batches.judgeAlone(items, again));
    }
  }

  /** Judges {@code batches}; returns the questions to ask again alone. */
  private List<Integer> judge(List<LabelBatches.Batch> batches)
      throws TeacherException, InterruptedException {
    List<Integer> again = new ArrayList<>();
    run.send(
        batches,
        "judge",
        (batch, answer) -> {
          List<String> ids = batch.ids();
          String language = run.get(batch.members().get(0)).question().language();
          List<RuleSet.Check> checks = prompts.checks(language);
          Map<String, JudgeReply> verdicts =
              parser.parse(
                  answer.reply().text(), ids, checks.stream().map(RuleSet.Check::id).toList());
          for (int k = 0; k < batch.size(); k++) {
            int i = batch.members().get(k);
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
        });
    return again;
  }

  private void unparseable(int i, JudgeReply.Unparseable u) {
    InFlight f = run.get(i);
    run.counts.unreadable(f.question().category());
    run.set(i, f.reject(new Rejected(f.question().id(), "judge_unparseable", u.why())));
  }

  private void verdict(int i, JudgeReply.Parsed p, List<RuleSet.Check> checks) {
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
            new Disagreement(
                c.id(),
                c.text(),
                c.language(),
                c.label(),
                c.category(),
                p.label(),
                p.category(),
                relabel ? "relabeled" : "rejected"));
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

  private String group(String category) {
    return taxonomy.find(category).map(Category::group).orElse(null);
  }
}
