package dev.guardsynth.cli;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.JsonlReader;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.dedup.DedupResult;
import dev.guardsynth.dedup.Deduplicator;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
  @Mixin CommonOptions common;

  @Option(
      names = "--in",
      paramLabel = "FILE",
      description = "Candidate questions (JSONL), or - for stdin (default: stdin).")
  String in;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Kept questions, in input order, or - for stdout (default: stdout).")
  String out;

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
    DedupConfig config = settings(common.load().dedup());
    try (Deduplicator deduplicator =
            release == null ? Deduplicator.open(config) : Deduplicator.open(config, release);
        JsonlReader<Candidate> reader = StageIo.input(in, Candidate.class);
        JsonlWriter uniqueOut = StageIo.output(out);
        JsonlWriter duplicatesOut = duplicates == null ? null : JsonlWriter.create(duplicates);
        JsonlWriter crossOut = crossLabel == null ? null : JsonlWriter.create(crossLabel)) {
      DedupResult result =
          deduplicator.run(
              reader.iterator(), uniqueOut::write, sink(duplicatesOut), sink(crossOut));
      // Files first, index last: a failure in between leaves the index one release behind,
      // never ahead of what was written.
      if (duplicatesOut != null) {
        duplicatesOut.commit();
      }
      if (crossOut != null) {
        crossOut.commit();
      }
      uniqueOut.commit();
      deduplicator.commit();
      System.getLogger("guardsynth.dedup")
          .log(
              System.Logger.Level.INFO,
              "dedup: {0} questions, {1} kept, {2} duplicates, {3} cross-label pairs{4} in {5}s"
                  + " ({6} questions/s)",
              result.questions(),
              result.unique(),
              result.duplicates(),
              result.crossLabelPairs(),
              config.index() == null
                  ? ""
                  : ", checked against " + result.earlierReleases() + " from earlier releases",
              String.format("%.2f", result.seconds()),
              Math.round(result.questionsPerSecond()));
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

  /** A question and the input line it was read from, which is what a kept question writes. */
  private record Line(Candidate question, String json) {}

  /**
   * The input as lines with their questions. Kept lines are copied through as they were read: keys
   * dedup does not know pass on untouched, and nothing is serialized twice.
   */
  private static Iterator<Line> lines(JsonlReader<Candidate> reader) {
    return new Iterator<>() {
      private Line next = read();

      private Line read() {
        Candidate question = reader.read();
        return question == null ? null : new Line(question, reader.line());
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Line next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Line current = next;
        next = read();
        return current;
      }
    };
  }

  private static <T> Consumer<T> sink(JsonlWriter writer) {
    return writer == null ? record -> {} : writer::write;
  }
}
