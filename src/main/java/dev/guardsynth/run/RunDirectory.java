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

  /** The stage files of round {@code round} (1-based) of a run that works in rounds. */
  public RunDirectory round(int round) {
    return new RunDirectory(root.resolve("rounds").resolve(String.format("%02d", round)));
  }

  public Path dataset() {
    return root.resolve("dataset");
  }

  /** Requests that failed for good, with their errors; a re-run retries exactly these. */
  public Path failures() {
    return root.resolve("failures.jsonl");
  }

  /** The batches {@code stage} submitted in {@code teacher.mode: batch}, so a resume polls them. */
  public Path batches(String stage) {
    return root.resolve("batches-" + stage + ".json");
  }

  public Path runJson() {
    return root.resolve("run.json");
  }

  public Path kept() {
    return root.resolve("kept.jsonl");
  }

  /** Every question the filter dropped, with its one reason. */
  public Path rejected() {
    return root.resolve("rejected.jsonl");
  }

  /** Every question the label stage dropped, with its one reason. */
  public Path labelRejected() {
    return root.resolve("label_rejected.jsonl");
  }

  public Path labeled() {
    return root.resolve("labeled.jsonl");
  }

  /** The judge's disagreements with the intended labels, for human audit. */
  public Path disagreements() {
    return root.resolve("disagreements.jsonl");
  }
}
