package dev.guardsynth.run;

import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.dedup.DedupResult;
import dev.guardsynth.dedup.Deduplicator;
import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * The dedup stage as {@code guardsynth dedup} and {@code run} both call it. Files are committed
 * before the index, so a failure in between leaves the index one release behind, never ahead of
 * what was written.
 */
public final class DedupStage {
  private static final System.Logger LOG = System.getLogger("guardsynth.dedup");

  private DedupStage() {}

  /**
   * @param release names this batch in the index (see {@link Deduplicator#open(DedupConfig,
   *     String)}), or null for a new release named by the current time
   * @param duplicates receives dropped questions, or null to drop them silently
   * @param crossLabel receives near-identical pairs with different labels, or null
   */
  public static DedupResult run(
      DedupConfig config,
      String release,
      Iterator<Candidate> in,
      JsonlWriter unique,
      JsonlWriter duplicates,
      JsonlWriter crossLabel)
      throws InterruptedException {
    DedupResult result;
    try (Deduplicator deduplicator =
        release == null ? Deduplicator.open(config) : Deduplicator.open(config, release)) {
      result = deduplicator.run(in, unique::write, sink(duplicates), sink(crossLabel));
      if (duplicates != null) {
        duplicates.commit();
      }
      if (crossLabel != null) {
        crossLabel.commit();
      }
      unique.commit();
      deduplicator.commit();
    }
    LOG.log(
        Level.INFO,
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
    return result;
  }

  private static <T> Consumer<T> sink(JsonlWriter writer) {
    return writer == null ? record -> {} : writer::write;
  }
}
