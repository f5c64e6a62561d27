package dev.guardsynth.config;

/**
 * How many questions to ask the teacher for, per category: {@code unsafe} harmful questions and
 * {@code safe} harmless ones (hard negatives included), {@code per_call} in each request.
 */
public record TargetsConfig(Integer unsafe, Integer safe, Integer perCall) {
  public TargetsConfig {
    unsafe = Check.intRange("unsafe", unsafe, 20, 0, 10_000_000);
    safe = Check.intRange("safe", safe, 20, 0, 10_000_000);
    perCall = Check.intRange("per_call", perCall, 10, 1, 100);
  }

  static TargetsConfig defaults() {
    return new TargetsConfig(null, null, null);
  }
}
