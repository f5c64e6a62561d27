package dev.guardsynth.run;

import dev.guardsynth.data.Cell;
import dev.guardsynth.prompt.PromptPlanner;
import dev.guardsynth.prompt.PromptSpec;
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

  /** The most prompts one round may plan: what memory holds. */
  default long maxPrompts() {
    return Long.MAX_VALUE;
  }

  /**
   * Prompts asking for about {@code questions.get(cell)} questions per cell (whole calls of {@link
   * #perCall}), for round {@code round} (1-based), showing {@code accepted.get(cell)} as examples
   * to move away from.
   */
  List<PromptSpec> plan(Map<Cell, Integer> questions, Map<Cell, List<String>> accepted, int round);

  /** The prompt planner's rounds. */
  static RoundPlanner of(PromptPlanner planner) {
    return new RoundPlanner() {
      @Override
      public List<Cell> cells() {
        return planner.cells();
      }

      @Override
      public int target(Cell cell) {
        return planner.target(cell);
      }

      @Override
      public int perCall() {
        return planner.perCall();
      }

      @Override
      public long maxPrompts() {
        return PromptPlanner.maxPrompts();
      }

      @Override
      public List<PromptSpec> plan(
          Map<Cell, Integer> questions, Map<Cell, List<String>> accepted, int round) {
        return planner.plan(questions, accepted, round);
      }
    };
  }
}
