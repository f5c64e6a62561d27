package dev.guardsynth.run;

import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.prompt.PromptSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the rounds of {@code run} need from the prompt planner: the cells, their targets, and the
 * prompts of one round asking for a number of questions per cell.
 */
interface RoundPlanner {
  /** Every cell the targets cover, in plan order. */
  List<Cell> cells();

  /** Exported questions wanted for {@code cell}. */
  int target(Cell cell);

  /** Questions asked per request. */
  int perCall();

  /**
   * Prompts asking for about {@code questions.get(cell)} questions per cell (whole calls of {@link
   * #perCall}), for round {@code round} (1-based), showing {@code accepted.get(cell)} as examples
   * to move away from.
   */
  List<PromptSpec> plan(Map<Cell, Integer> questions, Map<Cell, List<String>> accepted, int round);

  /**
   * The planner's rounds. TODO(#11): PromptPlanner gains plan(questions, accepted, round) with
   * prompts distinct in content (the diversity axes); until then round 1 is the planner's plan and
   * later rounds repeat each cell's prompt under new sample numbers.
   */
  static RoundPlanner of(PromptPlanner planner) {
    List<PromptSpec> full = planner.plan();
    Map<Cell, List<PromptSpec>> byCell = new LinkedHashMap<>();
    for (PromptSpec p : full) {
      byCell
          .computeIfAbsent(new Cell(p.category(), p.label(), p.language()), c -> new ArrayList<>())
          .add(p);
    }
    Map<Cell, Integer> targets = new LinkedHashMap<>();
    byCell.forEach(
        (cell, prompts) -> targets.put(cell, prompts.stream().mapToInt(PromptSpec::count).sum()));
    int perCall = full.stream().mapToInt(PromptSpec::count).max().orElse(1);
    return new RoundPlanner() {
      @Override
      public List<Cell> cells() {
        return List.copyOf(byCell.keySet());
      }

      @Override
      public int target(Cell cell) {
        return targets.getOrDefault(cell, 0);
      }

      @Override
      public int perCall() {
        return perCall;
      }

      @Override
      public List<PromptSpec> plan(
          Map<Cell, Integer> questions, Map<Cell, List<String>> accepted, int round) {
        if (round == 1 && questions.equals(targets)) {
          return full;
        }
        List<PromptSpec> out = new ArrayList<>();
        for (Map.Entry<Cell, List<PromptSpec>> e : byCell.entrySet()) {
          int asked = questions.getOrDefault(e.getKey(), 0);
          PromptSpec model = e.getValue().get(0);
          for (int call = 0; call * model.count() < asked; call++) {
            int sample = round * 100_000 + call;
            out.add(
                new PromptSpec(
                    Ids.sha256Hex(Json.write(model.messages()) + "\n" + sample).substring(0, 16),
                    model.category(),
                    model.group(),
                    model.label(),
                    model.language(),
                    model.template(),
                    model.ruleSet(),
                    model.count(),
                    sample,
                    model.messages()));
          }
        }
        return out;
      }
    };
  }

  /** The target of a label under {@code unsafe} and {@code safe}. */
  static int target(Label label, int unsafe, int safe) {
    return label == Label.UNSAFE ? unsafe : safe;
  }
}
