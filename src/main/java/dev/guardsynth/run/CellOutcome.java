package dev.guardsynth.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One cell's outcome after a run's rounds, as {@code run.json} ({@code cells}) and {@code stats}
 * show it (the dataset card shows what it can tell from the questions alone). Immutable.
 *
 * @param cell the cell's id, {@code category/label/language}
 * @param target exported questions wanted
 * @param exported exported questions, never more than the target
 * @param fill exported over target, 0 to 1 (1 for a target of 0)
 * @param rounds rounds that asked this cell for questions
 * @param yieldPerRound new exported questions per question asked, per round; null where the cell
 *     was not asked
 * @param status {@code filled}, {@code saturated} (its last round's new unique questions per
 *     question asked fell below {@code targets.min_yield}), {@code dropped} (later stages dropped
 *     what generation brought; see {@code losses}), {@code max_rounds} or {@code budget} (the
 *     budget stopped the run)
 * @param axisCoverage per axis, how many exported questions came from a prompt with each value
 * @param losses questions lost on the way, per stage ({@code generate}, {@code dedup}, {@code
 *     filter}, {@code label}) and reason, over the rounds; empty for a run from before losses
 */
public record CellOutcome(
    String cell,
    int target,
    int exported,
    double fill,
    int rounds,
    List<Double> yieldPerRound,
    CellStatus status,
    Map<String, Map<String, Long>> axisCoverage,
    Map<String, Map<String, Long>> losses) {
  public CellOutcome {
    yieldPerRound = Collections.unmodifiableList(new ArrayList<>(yieldPerRound));
    axisCoverage = Collections.unmodifiableMap(new TreeMap<>(axisCoverage));
    losses = Collections.unmodifiableMap(new TreeMap<>(losses == null ? Map.of() : losses));
  }

  /** The cells as a text table, for {@code stats}. */
  static String renderText(List<CellOutcome> cells) {
    StringBuilder out = new StringBuilder();
    out.append(
        "\ncells (exported questions per category × label × language)\n"
            + String.format(
                Locale.ROOT,
                "  %-36s %6s %8s %6s %6s  %-10s  %s%n",
                "cell",
                "target",
                "exported",
                "fill",
                "rounds",
                "status",
                "yield per round"));
    for (CellOutcome c : cells) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %-36s %6d %8d %5.0f%% %6d  %-10s  %s%n",
              c.cell(),
              c.target(),
              c.exported(),
              c.fill() * 100,
              c.rounds(),
              c.status().json(),
              yields(c)));
    }
    if (cells.stream().anyMatch(c -> !c.losses().isEmpty())) {
      out.append("\nlosses (questions each cell lost, per stage and reason, largest first)\n");
      for (CellOutcome c : cells) {
        if (!c.losses().isEmpty()) {
          out.append(
              String.format(Locale.ROOT, "  %-36s %s%n", c.cell(), CellLosses.render(c.losses())));
        }
      }
    }
    out.append("\naxis coverage (exported questions per axis value)\n");
    for (CellOutcome c : cells) {
      if (!c.axisCoverage().isEmpty()) {
        out.append("  ").append(c.cell()).append('\n');
        c.axisCoverage()
            .forEach((axis, values) ->
                out.append("    ").append(axis).append(": ").append(values(values)).append('\n'));
      }
    }
    return out.toString();
  }

  private static String yields(CellOutcome c) {
    List<String> parts = new ArrayList<>();
    c.yieldPerRound()
        .forEach(y -> parts.add(y == null ? "-" : String.format(Locale.ROOT, "%.2f", y)));
    return String.join(" ", parts);
  }

  private static String values(Map<String, Long> values) {
    List<String> parts = new ArrayList<>();
    values.forEach((value, n) -> parts.add(value + " " + n));
    return String.join(", ", parts);
  }
}
