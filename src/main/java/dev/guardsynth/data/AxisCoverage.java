package dev.guardsynth.data;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How often each axis value occurs among a set of questions, per cell: {@code
 * crime_advice/unsafe/ko → persona → teenager → 12}. For {@code stats}, {@code run.json} and the
 * dataset card, from labeled or exported records; questions without axis values (made before axes
 * existed) count towards no axis. Immutable; maps are sorted by cell, axis and value.
 *
 * @param cells questions per value, per axis, per cell
 */
public record AxisCoverage(Map<Cell, Map<String, Map<String, Long>>> cells) {
  public AxisCoverage {
    cells = copy(cells);
  }

  /** Counts the axis values of {@code questions}, each in the cell it ends up in. */
  public static AxisCoverage of(Iterable<Labeled> questions) {
    Map<Cell, Map<String, Map<String, Long>>> counts = new TreeMap<>();
    for (Labeled q : questions) {
      if (q.source() == null || q.language() == null) {
        continue;
      }
      Map<String, Map<String, Long>> axes = null;
      for (Map.Entry<String, String> e : q.source().axes().entrySet()) {
        if (axes == null) {
          axes = counts.computeIfAbsent(Cell.of(q), c -> new TreeMap<>());
        }
        axes.computeIfAbsent(e.getKey(), k -> new TreeMap<>()).merge(e.getValue(), 1L, Long::sum);
      }
    }
    return new AxisCoverage(counts);
  }

  /** Questions per value of {@code axis} in {@code cell}; empty when none has that axis. */
  public Map<String, Long> values(Cell cell, String axis) {
    return cells.getOrDefault(cell, Map.of()).getOrDefault(axis, Map.of());
  }

  /** How many distinct values of {@code axis} occur in {@code cell}: the 5 of a "5/6" column. */
  public int valuesSeen(Cell cell, String axis) {
    return values(cell, axis).size();
  }

  private static Map<Cell, Map<String, Map<String, Long>>> copy(
      Map<Cell, Map<String, Map<String, Long>>> m) {
    Map<Cell, Map<String, Map<String, Long>>> out = new TreeMap<>();
    m.forEach((cell, axes) -> {
      Map<String, Map<String, Long>> a = new TreeMap<>();
      axes.forEach(
          (axis, values) -> a.put(axis, Collections.unmodifiableMap(new TreeMap<>(values))));
      out.put(cell, Collections.unmodifiableMap(a));
    });
    return Collections.unmodifiableMap(out);
  }
}
