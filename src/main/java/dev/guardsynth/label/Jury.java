package dev.guardsynth.label;

import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Judgement;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.prompt.RuleSet;
import dev.guardsynth.teacher.TeacherException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The judge step with a jury ({@code label.judges}): every judge judges every question, batched and
 * asked again alone exactly as the single judge is ({@link Judging#collect}), and {@code
 * label.vote} turns their readable verdicts into one. A decided vote is settled as a single judge's
 * verdict would be (keep, relabel, {@code judge_disagrees}, {@code rule:<id>}); a split ({@code
 * majority}: no label has more than half the votes; {@code unanimous}: any dissent) is rejected
 * ({@code judge_split}) or kept as {@code controversial}, per {@code label.on_split}, and written
 * to {@code disagreements.jsonl} with every judge's verdict. A question no judge gave a readable
 * verdict on is {@code judge_unparseable}. Not thread-safe.
 */
final class Jury {
  /** The reason of a question the jury split on, with {@code label.on_split: reject}. */
  static final String SPLIT = "judge_split";

  private final LabelRun run;
  private final LabelConfig config;
  private final Judging judging;
  private final List<Juror> jurors;
  private final List<LabelBatches> batches = new ArrayList<>();
  private final Map<String, JuryCounts.Tally> tallies = new HashMap<>();

  Jury(LabelRun run, LabelConfig config, Judging judging, List<Juror> jurors) {
    this.run = run;
    this.config = config;
    this.judging = judging;
    this.jurors = List.copyOf(jurors);
    for (Juror j : jurors) {
      // The judge's own model and max_tokens; the prompts, schema and batching are the stage's.
      batches.add(
          new LabelBatches(j.teacher(), config, run.batches.prompts(), run.batches.taxonomy()));
    }
  }

  /** Every judge's verdicts, one judge after another, then each question's vote. */
  JuryCounts judge() throws TeacherException, InterruptedException {
    List<Map<Integer, JudgeReply>> verdicts = new ArrayList<>();
    for (int j = 0; j < jurors.size(); j++) {
      Map<Integer, JudgeReply> mine = new HashMap<>();
      judging.collect(batches.get(j), jurors.get(j).runner(), mine::put);
      verdicts.add(mine);
    }
    for (int i = 0; i < run.size(); i++) {
      if (run.get(i).kept()) { // not a question whose request failed for good
        decide(i, verdicts);
      }
    }
    return new JuryCounts(
        jurors.stream().map(Juror::name).toList(), config.vote(), config.onSplit(), tallies);
  }

  private void decide(int i, List<Map<Integer, JudgeReply>> verdicts) {
    Candidate c = run.get(i).question();
    List<JudgeReply.Parsed> readable = new ArrayList<>();
    List<Disagreement.JudgeVerdict> named = new ArrayList<>();
    JudgeReply.Unparseable firstUnreadable = null;
    for (int j = 0; j < jurors.size(); j++) {
      switch (verdicts.get(j).get(i)) {
        case JudgeReply.Parsed p -> {
          readable.add(p);
          named.add(new Disagreement.JudgeVerdict(jurors.get(j).name(), p.label(), p.category()));
        }
        case JudgeReply.Unparseable u ->
            firstUnreadable = firstUnreadable == null ? u : firstUnreadable;
        case null -> {}
      }
    }
    if (readable.isEmpty()) {
      judging.unparseable(i, firstUnreadable);
      return;
    }
    int unsafe = (int) readable.stream().filter(p -> p.label() == Label.UNSAFE).count();
    int safe = readable.size() - unsafe;
    boolean everyone = readable.size() == jurors.size();
    Label decided =
        switch (config.voteRule()) {
          case MAJORITY ->
              2 * unsafe > readable.size()
                  ? Label.UNSAFE
                  : 2 * safe > readable.size() ? Label.SAFE : null;
          case UNANIMOUS -> safe == 0 ? Label.UNSAFE : unsafe == 0 ? Label.SAFE : null;
        };
    boolean controversial =
        decided == null && config.splitRule() == LabelConfig.OnSplit.CONTROVERSIAL;
    tallies.merge(
        c.category(),
        new JuryCounts.Tally(
            everyone ? 1 : 0,
            everyone ? (long) unsafe * unsafe + (long) safe * safe : 0,
            everyone ? unsafe : 0,
            everyone ? safe : 0,
            decided == null ? 1 : 0,
            controversial ? 1 : 0),
        JuryCounts.Tally::plus);
    List<String> violated = violated(readable, judging.checks(i));
    if (decided != null) {
      judging.verdict(
          i,
          new JudgeReply.Parsed(decided, category(readable, decided, c), violated),
          judging.checks(i),
          named);
      return;
    }
    if (!violated.isEmpty()) {
      // A broken rule rejects the question whatever its label, split or not.
      judging.verdict(
          i, new JudgeReply.Parsed(c.label(), c.category(), violated), judging.checks(i), named);
      return;
    }
    split(i, c, named, controversial);
  }

  /** Settles a question the vote did not decide, per {@code label.on_split}. */
  private void split(
      int i, Candidate c, List<Disagreement.JudgeVerdict> named, boolean controversial) {
    InFlight f = run.get(i);
    run.counts.judged(c.category(), false);
    InFlight disagreeing =
        f.disagreeing(
            Judging.disagreement(
                c, null, null, controversial ? "controversial" : "rejected", named));
    if (controversial) {
      // Its own label and category stay, so it stays in the cell it was asked for; the verdict
      // marks it, and export writes the third label.
      run.set(
          i,
          disagreeing.keep(
              Labeled.of(c, new Judgement(c.label(), c.category(), false, true), null)));
      return;
    }
    StringBuilder detail = new StringBuilder("the judges split (" + config.vote() + " vote):");
    for (Disagreement.JudgeVerdict v : named) {
      detail.append(' ').append(v.judge()).append(' ').append(v.label().json()).append(',');
    }
    detail.setLength(detail.length() - 1);
    run.set(i, disagreeing.reject(new Rejected(c.id(), SPLIT, detail.toString())));
  }

  /**
   * The category of a decided vote: the one most verdicts for {@code label} give; on a tie the
   * question's own, if tied, else the first judge's.
   */
  private static String category(List<JudgeReply.Parsed> readable, Label label, Candidate c) {
    Map<String, Integer> votes = new LinkedHashMap<>();
    readable.stream()
        .filter(p -> p.label() == label)
        .forEach(p -> votes.merge(p.category(), 1, Integer::sum));
    int most = votes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    if (votes.getOrDefault(c.category(), 0) == most) {
      return c.category();
    }
    return votes.entrySet().stream()
        .filter(e -> e.getValue() == most)
        .findFirst()
        .orElseThrow()
        .getKey();
  }

  /** The rule checks more than half of the readable verdicts found broken, in rule-set order. */
  private static List<String> violated(
      List<JudgeReply.Parsed> readable, List<RuleSet.Check> checks) {
    List<String> out = new ArrayList<>();
    for (RuleSet.Check check : checks) {
      long yes = readable.stream().filter(p -> p.violated().contains(check.id())).count();
      if (2 * yes > readable.size()) {
        out.add(check.id());
      }
    }
    return out;
  }
}
