package dev.guardsynth.run;

import dev.guardsynth.label.JuryCounts;
import dev.guardsynth.label.LabelResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a run's labels were decided, over all its rounds: {@code labels} in run.json, a section of
 * {@code stats} and lines of the dataset card. Conflicts (one text under both labels, settled by
 * the judge) and contrast pairs (near twins with different labels below {@code
 * label.conflict_threshold}, both kept) are counted apart; with a jury, its agreement. Immutable.
 *
 * @param conflicts pairs at or above {@code label.conflict_threshold}; their dropped copies are the
 *     label stage's {@code label_conflict} rejections
 * @param contrastPairs cross-label pairs from {@code dedup.threshold} up to the conflict threshold,
 *     found among each label stage's questions, both kept
 * @param jury with {@code label.judges}, the jury's agreement; else null
 */
public record LabelDecisions(long conflicts, long contrastPairs, Jury jury) {

  /**
   * A jury's agreement over the run.
   *
   * @param judges each judge as {@code model@base_url}
   * @param rated questions every judge gave a readable verdict on (kappa's subjects)
   * @param splits questions the vote did not decide
   * @param controversial of those, kept as {@code controversial}
   * @param kappa Fleiss' kappa of the judges' labels over the rated questions; null when undefined
   *     (none rated, or every verdict the same label)
   * @param kappaByCategory the same per intended category
   */
  public record Jury(
      List<String> judges,
      String vote,
      String onSplit,
      long rated,
      long splits,
      long controversial,
      Double kappa,
      Map<String, Double> kappaByCategory) {
    public Jury {
      judges = List.copyOf(judges);
      kappaByCategory = kappaByCategory == null ? Map.of() : kappaByCategory;
    }
  }

  /** The decisions in the label stage's counts (a run's totals over its rounds), or null. */
  static LabelDecisions of(LabelResult label) {
    if (label == null) {
      return null;
    }
    JuryCounts j = label.jury();
    Jury jury = null;
    if (j != null) {
      JuryCounts.Tally t = j.total();
      jury =
          new Jury(
              j.judges(),
              String.valueOf(j.vote()),
              String.valueOf(j.onSplit()),
              t.rated(),
              t.splits(),
              t.controversial(),
              round(j.kappa()),
              rounded(j.kappaByCategory()));
    }
    return new LabelDecisions(label.conflicts(), label.contrastPairs(), jury);
  }

  /** Whether there is nothing to report: no conflict, no contrast pair, no jury. */
  boolean isEmpty() {
    return conflicts == 0 && contrastPairs == 0 && jury == null;
  }

  /** Lines for people: the card's "Labels" section and {@code stats}. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            Locale.ROOT,
            "Conflicts: %d pairs of one text under both labels (similarity at or above"
                + " `label.conflict_threshold`), each settled by the judge, the other copy dropped"
                + " (`label_conflict`); contrast pairs (near twins with different labels below it,"
                + " both kept): %d",
            conflicts,
            contrastPairs));
    if (jury != null) {
      out.add(
          String.format(
              Locale.ROOT,
              "Jury: %d judges (%s), %s vote; Fleiss' kappa %s over %d questions every judge"
                  + " rated; %d splits (%s), %d kept as `controversial`",
              jury.judges().size(),
              String.join(", ", jury.judges()),
              jury.vote(),
              kappa(jury.kappa()),
              jury.rated(),
              jury.splits(),
              "on_split: " + jury.onSplit(),
              jury.controversial()));
      StringBuilder perCategory = new StringBuilder("Fleiss' kappa per category:");
      jury.kappaByCategory()
          .forEach(
              (c, k) -> perCategory.append(' ').append(c).append(' ').append(kappa(k)).append(';'));
      if (!jury.kappaByCategory().isEmpty()) {
        perCategory.setLength(perCategory.length() - 1);
        out.add(perCategory.toString());
      }
    }
    return out;
  }

  private static String kappa(Double k) {
    return k == null ? "undefined (every verdict alike)" : String.format(Locale.ROOT, "%.3f", k);
  }

  private static Double round(Double k) {
    return k == null ? null : Math.round(k * 10_000) / 10_000.0;
  }

  private static Map<String, Double> rounded(Map<String, Double> byCategory) {
    Map<String, Double> out = new java.util.TreeMap<>();
    byCategory.forEach((c, k) -> out.put(c, round(k)));
    return out;
  }
}
