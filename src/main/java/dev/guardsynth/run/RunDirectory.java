package dev.guardsynth.run;

import java.nio.file.Path;

/** The files of one run, all under {@code output/<run-name>/}. */
public record RunDirectory(Path root) {
  public Path prompts() {
    return root.resolve("prompts.jsonl");
  }

  /** The request journal: every teacher reply, appended as it arrives. */
  public Path responses() {
    return root.resolve("responses.jsonl");
  }

  public Path candidates() {
    return root.resolve("candidates.jsonl");
  }

  /** The candidates that survived dedup, in candidate order. */
  public Path unique() {
    return root.resolve("unique.jsonl");
  }

  /** Dropped near-duplicates: id, duplicate_of, similarity. */
  public Path duplicates() {
    return root.resolve("duplicates.jsonl");
  }

  /** Near-identical kept pairs with different labels, for review. */
  public Path crossLabel() {
    return root.resolve("cross_label.jsonl");
  }

  public Path dataset() {
    return root.resolve("dataset");
  }

  public Path runJson() {
    return root.resolve("run.json");
  }
}
