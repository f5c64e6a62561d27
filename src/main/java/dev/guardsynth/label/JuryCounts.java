package dev.guardsynth.label;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a jury did in one label stage: part of its {@link LabelResult}, absent without a jury. Every
 * number adds up over rounds (run.json sums a run's rounds), and Fleiss' kappa is computed from the
 * sums ({@link #kappa()}), never added. Immutable.
 *
 * @param judges each judge as {@code model@base_url}, in {@code label.judges} order
 * @param vote {@code label.vote}
 * @param onSplit {@code label.on_split}
 * @param byCategory per intended category
 */
public record JuryCounts(
    List<String> judges, String vote, String onSplit, Map<String, Tally> byCategory) {
  public JuryCounts {
    judges = List.copyOf(judges);
    byCategory = Collections.unmodifiableMap(new TreeMap<>(byCategory));
  }

  /**
   * The jury's verdicts on one category's questions.
   *
   * @param rated questions every judge gave a readable verdict on: kappa's subjects
   * @param squares over those, the sum of the squared votes per label (Σ n<sub>ij</sub>²)
   * @param unsafeVotes over those, the verdicts {@code unsafe}
   * @param safeVotes over those, the verdicts {@code safe}
   * @param splits questions the vote did not decide ({@code label.on_split})
   * @param controversial of those, kept as {@code controversial}
   */
  public record Tally(
      long rated, long squares, long unsafeVotes, long safeVotes, long splits, long controversial) {
    Tally plus(Tally o) {
      return new Tally(
          rated + o.rated,
          squares + o.squares,
          unsafeVotes + o.unsafeVotes,
          safeVotes + o.safeVotes,
          splits + o.splits,
          controversial + o.controversial);
    }

    /** Fleiss' kappa of these verdicts among {@code raters} judges; null when undefined. */
    Double kappa(int raters) {
      return FleissKappa.of(raters, rated, squares, new long[] {unsafeVotes, safeVotes});
    }
  }

  /** Every category's tally added up. */
  public Tally total() {
    Tally t = new Tally(0, 0, 0, 0, 0, 0);
    for (Tally c : byCategory.values()) {
      t = t.plus(c);
    }
    return t;
  }

  /** Fleiss' kappa over every question all judges rated; null when undefined. */
  public Double kappa() {
    return total().kappa(judges.size());
  }

  /** Fleiss' kappa per intended category; a category's null: undefined (all verdicts alike). */
  public Map<String, Double> kappaByCategory() {
    Map<String, Double> out = new TreeMap<>();
    byCategory.forEach((c, t) -> out.put(c, t.kappa(judges.size())));
    return out;
  }
}
