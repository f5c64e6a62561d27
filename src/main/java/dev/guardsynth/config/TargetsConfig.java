package dev.guardsynth.config;

/**
 * What a run should deliver: {@code unsafe} harmful and {@code safe} harmless (hard negatives
 * included) questions EXPORTED per category × label × language, asked for {@code per_call} at a
 * time. {@code run} generates in rounds until every cell has its target, a cell saturates, the
 * budget is spent or {@code max_rounds} is reached.
 *
 * @param minFill the share of its target each cell must reach for the run to exit 0
 * @param minYield a cell whose last round gave fewer new exported questions per question asked is
 *     saturated: it gets no more prompts
 * @param maxRounds the most rounds a run makes
 */
public record TargetsConfig(
    Integer unsafe,
    Integer safe,
    Integer perCall,
    Double minFill,
    Double minYield,
    Integer maxRounds) {
  public TargetsConfig {
    unsafe = Check.intRange("unsafe", unsafe, 20, 0, 10_000_000);
    safe = Check.intRange("safe", safe, 20, 0, 10_000_000);
    perCall = Check.intRange("per_call", perCall, 10, 1, 100);
    minFill = Check.range("min_fill", minFill, 1.0, 0.0, 1.0);
    minYield = Check.range("min_yield", minYield, 0.05, 0.0, 1.0);
    maxRounds = Check.intRange("max_rounds", maxRounds, 8, 1, 1000);
    if (unsafe == 0 && safe == 0) {
      // Caught here, not after a run has planned nothing and found nothing to export.
      throw new IllegalArgumentException(
          "unsafe: 0 and safe: 0 ask for no question at all; set unsafe and/or safe to the"
              + " questions to export per category and language (such as 20)");
    }
  }

  /** Targets with the default fill, yield and rounds. */
  public TargetsConfig(Integer unsafe, Integer safe, Integer perCall) {
    this(unsafe, safe, perCall, null, null, null);
  }

  static TargetsConfig defaults() {
    return new TargetsConfig(null, null, null);
  }
}
