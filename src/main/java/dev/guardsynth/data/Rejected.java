package dev.guardsynth.data;

import static java.util.Objects.requireNonNull;

/**
 * A question dropped by a stage, with the one reason it was dropped: a line of {@code
 * rejected.jsonl}. Reasons are stable snake_case keys ({@code too_short}, {@code wrong_language},
 * {@code rule:celebrity}, {@code judge_disagrees}...; docs/dataset.md lists them all); {@code
 * detail} says what was found, for a person auditing the file. Immutable.
 */
public record Rejected(String id, String reason, String detail) {
  public Rejected {
    requireNonNull(id, "id");
    requireNonNull(reason, "reason");
    detail = detail == null ? "" : detail;
  }
}
