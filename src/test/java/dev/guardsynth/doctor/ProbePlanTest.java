package dev.guardsynth.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Label;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The probe plan stays within the request cap, harmful cells first, one per rule set. */
class ProbePlanTest {
  private static List<Cell> cells(int languages) {
    List<Cell> out = new ArrayList<>();
    for (int l = 0; l < languages; l++) {
      for (String category : List.of("crime_advice", "privacy_violation")) {
        for (Label label : Label.values()) {
          out.add(new Cell(category, label, "l" + l));
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @CsvSource({
    // languages, judge, respond, schema retry -> generation prompts, probed languages, total
    "1, true, true, true, 2, 1, 5",
    "2, true, true, true, 4, 2, 8",
    "3, true, true, true, 5, 3, 10",
    "4, true, true, true, 4, 4, 10",
    "5, true, true, true, 4, 4, 10",
    "5, false, false, false, 10, 5, 10",
    "2, true, true, false, 4, 2, 7",
  })
  void staysWithinTheCap(
      int languages,
      boolean judge,
      boolean respond,
      boolean schemaRetry,
      int prompts,
      int probed,
      int total) {
    ProbePlan plan =
        ProbePlan.of(cells(languages), judge, respond, schemaRetry, TeacherDoctor.MAX_REQUESTS);
    assertEquals(prompts, plan.cells().size(), plan.toString());
    assertEquals(probed, plan.languages().size(), plan.toString());
    assertEquals(languages - probed, plan.unprobed().size(), plan.toString());
    assertEquals(total, plan.total(), plan.toString());
    assertTrue(plan.total() <= TeacherDoctor.MAX_REQUESTS);
    // A harmful cell for every probed language comes before any harmless one.
    for (int i = 0; i < probed; i++) {
      assertEquals(Label.UNSAFE, plan.cells().get(i).label(), plan.toString());
      assertEquals(plan.languages().get(i), plan.cells().get(i).language(), plan.toString());
    }
    // Each language probes another category, so two rule sets show two topics.
    if (probed >= 2) {
      assertTrue(
          !plan.cells().get(0).category().equals(plan.cells().get(1).category()), plan.toString());
    }
  }
}
