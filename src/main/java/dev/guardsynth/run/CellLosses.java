package dev.guardsynth.run;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Rejected;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The questions one round lost per cell, by the stage and reason that dropped them: generate (fewer
 * new questions than asked: refusals, unparseable lines, exact repeats, short replies), dedup (near
 * duplicates), filter and label (their rejection reasons). Not thread-safe.
 */
final class CellLosses {
  /** Generate's one reason: the teacher brought fewer new questions than the prompts asked. */
  static final String FEWER_THAN_ASKED = "fewer_new_than_asked";

  private final Map<Cell, Counts> byCell = new HashMap<>();

  /** What the prompts asked of each cell against the new candidates generate brought. */
  void generate(Map<Cell, Integer> asked, List<Candidate> candidates) {
    Map<Cell, Integer> got = count(candidates);
    asked.forEach(
        (cell, n) -> of(cell).add("generate", FEWER_THAN_ASKED, n - got.getOrDefault(cell, 0)));
  }

  /** Candidates that dedup found near an earlier question. */
  void dedup(List<Candidate> in, List<Candidate> unique) {
    Map<Cell, Integer> out = count(unique);
    count(in)
        .forEach(
            (cell, n) -> of(cell).add("dedup", "near_duplicate", n - out.getOrDefault(cell, 0)));
  }

  /** {@code stage}'s rejections of {@code in}, each in the cell of the question it names. */
  void rejected(String stage, List<Candidate> in, List<Rejected> rejected) {
    Map<String, Cell> cellOf = new HashMap<>();
    in.forEach(c -> cellOf.put(c.id(), Cell.of(c)));
    for (Rejected r : rejected) {
      Cell cell = cellOf.get(r.id());
      if (cell != null) {
        of(cell).add(stage, r.reason(), 1);
      }
    }
  }

  /** The losses of {@code cell} (empty when it lost nothing). */
  Counts of(Cell cell) {
    return byCell.computeIfAbsent(cell, c -> new Counts());
  }

  private static Map<Cell, Integer> count(List<Candidate> questions) {
    Map<Cell, Integer> out = new HashMap<>();
    questions.forEach(c -> out.merge(Cell.of(c), 1, Integer::sum));
    return out;
  }

  /** Questions lost per stage and reason. Mutable. */
  static final class Counts {
    private final Map<String, Map<String, Long>> byStage = new LinkedHashMap<>();

    void add(String stage, String reason, long n) {
      if (n > 0) {
        byStage.computeIfAbsent(stage, s -> new TreeMap<>()).merge(reason, n, Long::sum);
      }
    }

    void add(Counts other) {
      other.byStage.forEach(
          (stage, reasons) -> reasons.forEach((reason, n) -> add(stage, reason, n)));
    }

    /** A copy, per stage and reason, for run.json. */
    Map<String, Map<String, Long>> asMap() {
      Map<String, Map<String, Long>> out = new TreeMap<>();
      byStage.forEach((stage, reasons) -> out.put(stage, Map.copyOf(reasons)));
      return out;
    }
  }

  /**
   * Losses for people, largest first: {@code label: response_wrong_language 78, judge_disagrees 17;
   * filter: wrong_language 3}; empty when nothing was lost.
   */
  static String render(Map<String, Map<String, Long>> losses) {
    List<Map.Entry<String, Map<String, Long>>> stages = new ArrayList<>(losses.entrySet());
    stages.sort(
        Comparator.comparingLong((Map.Entry<String, Map<String, Long>> e) -> -total(e.getValue()))
            .thenComparing(Map.Entry::getKey));
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Map<String, Long>> stage : stages) {
      List<Map.Entry<String, Long>> reasons = new ArrayList<>(stage.getValue().entrySet());
      reasons.sort(
          Comparator.comparingLong((Map.Entry<String, Long> e) -> -e.getValue())
              .thenComparing(Map.Entry::getKey));
      List<String> each = new ArrayList<>();
      reasons.forEach(r -> each.add(r.getKey() + " " + r.getValue()));
      parts.add(stage.getKey() + ": " + String.join(", ", each));
    }
    return String.join("; ", parts);
  }

  private static long total(Map<String, Long> reasons) {
    return reasons.values().stream().mapToLong(Long::longValue).sum();
  }
}
