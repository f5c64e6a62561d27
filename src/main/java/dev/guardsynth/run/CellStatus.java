package dev.guardsynth.run;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Why a cell got no more prompts; {@code FILLED} is the goal. As {@code run.json} writes it. */
public enum CellStatus {
  FILLED,
  /** Generation stopped bringing new unique questions: its last round's yield fell too low. */
  SATURATED,
  /**
   * Generation still brought new unique questions, but later stages dropped so many that too few
   * were kept; the cell's losses name the stages and reasons.
   */
  DROPPED,
  MAX_ROUNDS,
  /** The budget stopped the run before this cell was filled; a higher budget resumes it. */
  BUDGET,
  /** Not settled: the run is still going, or it stopped. */
  OPEN;

  /** As run.json writes it; Jackson reads it back by the same value. */
  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Why a cell with this status is short, for people. */
  public String why() {
    return switch (this) {
      case SATURATED ->
          "saturated (its last round brought too few new unique questions: below"
              + " targets.min_yield)";
      case DROPPED ->
          "its questions were dropped after generation (too few kept per question asked:"
              + " below targets.min_yield)";
      case MAX_ROUNDS -> "targets.max_rounds reached";
      case BUDGET -> "the budget stopped the run";
      case FILLED, OPEN -> json();
    };
  }
}
