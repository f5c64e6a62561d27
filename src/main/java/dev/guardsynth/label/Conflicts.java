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
import java.util.LinkedHashMap;
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
 * be trusted. Without a judge ({@code label.judge: false}) the first copy's label stands. A copy of
 * a question an earlier round kept is settled without a request: the earlier copy's label stands,
 * as its own round's judge gave it and its cell counted it, and no round rewrites another's files.
 * Not thread-safe.
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

  /**
   * Finds and settles the conflicts among the kept questions, and between them and {@code settled}
   * (the questions earlier rounds kept, which stay as they are).
   */
  Found settle(List<Labeled> settled) throws TeacherException, InterruptedException {
    List<Integer> kept = new ArrayList<>();
    for (int i : run.kept()) {
      Labeled q = run.get(i).labeled();
      if (q.judge() == null || !q.judge().keptAsControversial()) { // its label is open on purpose
        kept.add(i);
      }
    }
    List<Pair> conflicts = new ArrayList<>();
    Map<Integer, Pair> earlier =
        new LinkedHashMap<>(); // a kept question: the settled one it copies
    long[] contrast = {0};
    double low = Math.min(dedup.threshold(), config.conflictThreshold());
    DedupConfig finder =
        new DedupConfig(dedup.shingle(), dedup.numPerm(), dedup.bands(), low, null);
    List<String> texts = new ArrayList<>();
    List<Label> labels = new ArrayList<>();
    settled.forEach(q -> texts.add(q.text()));
    settled.forEach(q -> labels.add(q.label()));
    kept.forEach(i -> texts.add(run.get(i).question().text()));
    kept.forEach(i -> labels.add(label(i)));
    int first = settled.size(); // texts[first + k] is kept.get(k)
    try (QuestionShingles shingles = new QuestionShingles(finder)) {
      shingles.forEachNearPair(
          texts,
          (a, b) -> {
            if (b < first || labels.get(a) == labels.get(b)) {
              return; // both settled, or the same label: dedup's business, not a conflict
            }
            double similarity =
                QuestionShingles.similarity(shingles.of(texts.get(a)), shingles.of(texts.get(b)));
            if (similarity < config.conflictThreshold()) {
              contrast[0] += similarity >= dedup.threshold() ? 1 : 0;
            } else if (a < first) {
              earlier.putIfAbsent(kept.get(b - first), new Pair(a, b - first, similarity));
            } else {
              conflicts.add(new Pair(kept.get(a - first), kept.get(b - first), similarity));
            }
          });
    }
    earlier.forEach((i, p) -> {
      Labeled copy = settled.get(p.a());
      reject(
          i,
          copy.id(),
          p.similarity(),
          "an earlier round kept it as " + copy.label().json() + ", which stands");
    });
    long found = conflicts.size() + earlier.size();
    // A pair whose copy an earlier round's settled is no longer in question: no request for it.
    conflicts.removeIf(p -> !run.get(p.a()).kept() || !run.get(p.b()).kept());
    if (!conflicts.isEmpty()) {
      resolve(conflicts);
    }
    return new Found(found, contrast[0]);
  }

  /** Rejects copy {@code i} of the text of {@code otherId}, saying who settled it and how. */
  private void reject(int i, String otherId, double similarity, String verdict) {
    InFlight f = run.get(i);
    run.set(
        i,
        f.reject(
            new Rejected(
                f.question().id(),
                REASON,
                "the same text as "
                    + otherId
                    + " (similarity "
                    + Math.round(similarity * 10_000) / 10_000.0
                    + ") under the other label; "
                    + verdict)));
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
      Label aLabel = label(p.a());
      Label bLabel = label(p.b());
      if (winner == null || aLabel != winner) {
        reject(p.a(), run.get(p.b()).question().id(), p.similarity(), verdict);
      }
      if (winner == null || bLabel != winner) {
        reject(p.b(), run.get(p.a()).question().id(), p.similarity(), verdict);
      }
    }
  }
}
