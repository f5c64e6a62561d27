package dev.guardsynth.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AxisDesignTest {
  private static List<AxisDesign.Dim> small() {
    return List.of(
        AxisDesign.Dim.of("a", List.of("a1", "a2", "a3")),
        AxisDesign.Dim.of("b", List.of("b1", "b2", "b3", "b4")),
        AxisDesign.Dim.of("c", List.of("c1", "c2")));
  }

  private static List<Map<String, String>> draw(AxisDesign design, int rows) {
    List<Map<String, String>> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      out.add(design.next());
    }
    return out;
  }

  @Test
  void everyCombinationOnceBeforeAnyRepeatsEvenWhereBalanceAloneWouldForceOne() {
    for (long seed = 0; seed < 20; seed++) {
      List<Map<String, String>> rows = draw(new AxisDesign(small(), seed), 24);
      assertEquals(24, new HashSet<>(rows).size(), "seed " + seed + ": a combination repeats");
      Map<String, Integer> counts = new HashMap<>();
      rows.forEach(r -> r.values().forEach(v -> counts.merge(v, 1, Integer::sum)));
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        int expected = 24 / (e.getKey().startsWith("a") ? 3 : e.getKey().startsWith("b") ? 4 : 2);
        assertEquals(expected, e.getValue(), "seed " + seed + ": " + e.getKey());
      }
    }
  }

  @Test
  void aSharedAxisGivesItsShareAValueAndTheRestNone() {
    AxisDesign design =
        new AxisDesign(
            List.of(
                AxisDesign.Dim.of("a", List.of("a1", "a2")),
                AxisDesign.Dim.shared("t", List.of("t1", "t2"), 0.25)),
            7);
    List<Map<String, String>> rows = draw(design, 8);
    assertEquals(6, rows.stream().filter(r -> r.get("t").equals(Axes.NONE)).count());
    assertEquals(
        Set.of("t1", "t2"),
        Set.copyOf(rows.stream().map(r -> r.get("t")).filter(t -> !t.equals("none")).toList()));
  }

  @Test
  void sameSeedSameRowsAndRecordedRowsAreNotDrawnAgain() {
    assertEquals(draw(new AxisDesign(small(), 3), 10), draw(new AxisDesign(small(), 3), 10));
    AxisDesign design = new AxisDesign(small(), 3);
    Map<String, String> existing = Map.of("a", "a2", "b", "b3", "c", "c1");
    design.record(existing);
    design.record(Map.of("a", "a9", "b", "b3", "c", "c1")); // another design's row: ignored
    assertEquals(1, design.rows());
    List<Map<String, String>> rows = draw(design, 23);
    assertFalse(rows.contains(existing));
    assertEquals(23, new HashSet<>(rows).size());
    assertTrue(rows.stream().allMatch(r -> r.keySet().equals(Set.of("a", "b", "c"))));
  }
}
