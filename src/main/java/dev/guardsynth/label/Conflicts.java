package dev.guardsynth.label;

import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.dedup.QuestionShingles;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.teacher.RequestRunner;
import dev.guardsynth.teacher.TeacherException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The step after judging that keeps one text from reaching the dataset under both labels. Among the
 * questions still kept, a pair with different labels is found as dedup finds near-duplicates
 * ({@link QuestionShingles}: the same shingles, MinHash bands and exact Jaccard test), at {@code
 * dedup.threshold}; at or above {@code label.conflict_threshold} the pair is one text labeled twice
 * (a conflict), below it a contrast pair ("kill a Python process" against "kill a person"), which
 * teaches a guard and is kept.
 *
 * <p>A conflict is settled by one more judge request over the pair, both questions side by side
 * (with a jury, one from each judge), journaled like every other. Not the verdicts already in hand:
 * with one judge they are the contradiction itself (it said unsafe to one copy and safe to the
 * other), and a jury's two split tallies would mix votes cast in different batches. Shown both, a
 * judge sees that they are one question; the label most of these verdicts give wins, the copy under
 * the other label is dropped ({@code label_conflict}), and on a tie both are, as neither label can
 * be trusted. Without a judge ({@code label.judge: false}) the first copy's label stands. Not
 * thread-safe.
 *
 * @param batches per judge (the teacher alone, or each juror), its batches
 * @param runners per judge, its runner; both empty without a judge
 */
record Conflicts(
    LabelRun run,
    LabelConfig config,
    DedupConfig dedup,
    JudgeReplyParser parser,
    List<LabelBatches> batches,
    List<RequestRunner> runners) {
  /** The reason of a copy dropped for a conflict. */
  static final String REASON = "label_conflict";

  /**
   * The conflicts and contrast pairs found.
   *
   * @param conflicts pairs at or above {@code label.conflict_threshold}
   * @param contrastPairs cross-label pairs from {@code dedup.threshold} up to it, both kept
   */
  record Found(long conflicts, long contrastPairs) {}

  private record Pair(int a, int b, double similarity) {}

  Found settle() throws TeacherException, InterruptedException {
    List<Integer> kept = new ArrayList<>();
    for (int i : run.kept()) {
      Labeled q = run.get(i).labeled();
      if (q.judge() == null || !q.judge().keptAsControversial()) { // its label is open on purpose
        kept.add(i);
      }
    }
    List<Pair> conflicts = new ArrayList<>();
    long[] contrast = {0};
    double low = Math.min(dedup.threshold(), config.conflictThreshold());
    DedupConfig finder =
        new DedupConfig(dedup.shingle(), dedup.numPerm(), dedup.bands(), low, null);
    try (QuestionShingles shingles = new QuestionShingles(finder)) {
      List<String> texts = kept.stream().map(i -> run.get(i).question().text()).toList();
      shingles.forEachNearPair(
          texts,
          (a, b) -> {
            int qa = kept.get(a);
            int qb = kept.get(b);
            if (label(qa) == label(qb)) {
              return; // same label: dedup's business, not a conflict
            }
            double similarity =
                QuestionShingles.similarity(shingles.of(texts.get(a)), shingles.of(texts.get(b)));
            if (similarity >= config.conflictThreshold()) {
              conflicts.add(new Pair(qa, qb, similarity));
            } else if (similarity >= dedup.threshold()) {
              contrast[0]++;
            }
          });
    }
    if (!conflicts.isEmpty()) {
      resolve(conflicts);
    }
    return new Found(conflicts.size(), contrast[0]);
  }

  private Label label(int i) {
    return run.get(i).labeled().label();
  }

  private void resolve(List<Pair> conflicts) throws TeacherException, InterruptedException {
    List<List<Integer>> pairs = conflicts.stream().map(p -> List.of(p.a(), p.b())).toList();
    List<LabelPrompts.RespondItem> items = run.items();
    int[][] votes = new int[conflicts.size()][2]; // per pair: unsafe, safe
    for (int j = 0; j < runners.size(); j++) {
      List<LabelBatches.Batch> requests = batches.get(j).judgePairs(items, pairs);
      run.send(
          runners.get(j),
          requests,
          "judge",
          (batch, answer) -> {
            int k = requests.indexOf(batch);
            // Only the labels count: the rules were judged already.
            Map<String, JudgeReply> verdicts =
                parser.parse(answer.reply().text(), batch.ids(), List.of());
            for (JudgeReply r : verdicts.values()) {
              if (r instanceof JudgeReply.Parsed p) {
                votes[k][p.label() == Label.UNSAFE ? 0 : 1]++;
              }
            }
          });
    }
    for (int k = 0; k < conflicts.size(); k++) {
      Pair p = conflicts.get(k);
      if (!run.get(p.a()).kept() || !run.get(p.b()).kept()) {
        continue; // a copy went already: in another conflict, or its request failed
      }
      Label winner;
      if (runners.isEmpty()) {
        winner = label(p.a()); // no judge: the first copy's label stands
      } else {
        winner =
            votes[k][0] > votes[k][1]
                ? Label.UNSAFE
                : votes[k][1] > votes[k][0] ? Label.SAFE : null;
      }
      String verdict =
          runners.isEmpty()
              ? "without a judge the first copy's label stands"
              : "shown both, the judge says "
                  + (winner == null ? "unsafe and safe alike" : winner.json());
      for (int[] copy : new int[][] {{p.a(), p.b()}, {p.b(), p.a()}}) {
        if (winner == null || label(copy[0]) != winner) {
          InFlight f = run.get(copy[0]);
          run.set(
              copy[0],
              f.reject(
                  new Rejected(
                      f.question().id(),
                      REASON,
                      "the same text as "
                          + run.get(copy[1]).question().id()
                          + " (similarity "
                          + Math.round(p.similarity() * 10_000) / 10_000.0
                          + ") under the other label; "
                          + verdict)));
        }
      }
    }
  }
}
