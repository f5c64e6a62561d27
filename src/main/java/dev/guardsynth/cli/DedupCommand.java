package dev.guardsynth.cli;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.run.DedupStage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code guardsynth dedup}: removes near-duplicate questions. */
@Command(
    name = "dedup",
    mixinStandardHelpOptions = true,
    description = "Remove near-duplicate questions, keeping the first of each cluster (JSONL).",
    footer = {
      "",
      "Example:",
      "  guardsynth dedup --in candidates.jsonl -o unique.jsonl --duplicates duplicates.jsonl"
          + " --cross-label cross_label.jsonl --index output/dedup-index"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure while running",
      "2:bad usage, config, input line or index (nothing is written)",
      "3:interrupted (nothing is written; the index is unchanged)"
    })
final class DedupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin QuestionsInOut io;

  @Option(
      names = "--duplicates",
      paramLabel = "FILE",
      description =
          "Write dropped questions here: id, duplicate_of, similarity (default: not written).")
  Path duplicates;

  @Option(
      names = "--cross-label",
      paramLabel = "FILE",
      description =
          "Write near-identical pairs with different labels here, for review: id, other_id,"
              + " similarity, labels (default: not written).")
  Path crossLabel;

  @Option(
      names = "--threshold",
      paramLabel = "T",
      description =
          "Jaccard similarity, 0.01 to 1, at which two questions are duplicates (default: dedup.threshold, 0.7).")
  Double threshold;

  @Option(
      names = "--shingle",
      paramLabel = "KIND:N",
      description =
          "Shingles: char:N characters, word:N words or nori:N Korean morphemes (default: dedup.shingle, char:3).")
  String shingle;

  @Option(
      names = "--num-perm",
      paramLabel = "K",
      description = "MinHash permutations, 8 to 1024 (default: dedup.num_perm, 256).")
  Integer numPerm;

  @Option(
      names = "--bands",
      paramLabel = "B",
      description = "LSH bands; must divide the permutations (default: dedup.bands, 32).")
  Integer bands;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      description =
          "Lucene index of earlier releases: questions near any of them are dropped, and the kept"
              + " ones are added when the run succeeds (default: dedup.index, none).")
  Path index;

  @Option(
      names = "--release",
      paramLabel = "NAME",
      description =
          "Name of this batch in the index; re-running a release replaces it instead of matching"
              + " against it (default: a new release named by the current time).")
  String release;

  @Override
  public Integer call() throws InterruptedException {
    DedupConfig config = settings(CommonOptions.of(spec).load().dedup());
    try (JsonlReader<Candidate> reader = StageIo.input(io.in, Candidate.class);
        JsonlWriter uniqueOut = StageIo.output(io.out);
        JsonlWriter duplicatesOut = duplicates == null ? null : JsonlWriter.create(duplicates);
        JsonlWriter crossOut = crossLabel == null ? null : JsonlWriter.create(crossLabel)) {
      DedupStage.run(
          config, release, List.of(), reader.iterator(), uniqueOut, duplicatesOut, crossOut);
    }
    return Main.OK;
  }

  /** The config's dedup section with the flags given on the command line laid over it. */
  private DedupConfig settings(DedupConfig config) {
    try {
      return new DedupConfig(
          shingle != null ? shingle : config.shingle(),
          numPerm != null ? numPerm : config.numPerm(),
          bands != null ? bands : config.bands(),
          threshold != null ? threshold : config.threshold(),
          index != null ? index.toString() : config.index());
    } catch (IllegalArgumentException e) {
      // The message starts with the config key; the flag of the same name is what to change.
      throw new ConfigException("dedup settings: " + e.getMessage());
    }
  }
}
