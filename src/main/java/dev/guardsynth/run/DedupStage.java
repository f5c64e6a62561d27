package dev.guardsynth.run;

import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Duplicate;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.JsonlWriter;
import dev.guardsynth.dedup.DedupResult;
import dev.guardsynth.dedup.Deduplicator;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

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
   * @param earlier questions kept before (earlier rounds of a run), in the order they were kept:
   *     {@code in} is deduplicated against them too, and they belong to {@code release} in the
   *     index, but they are not written again
   * @param duplicates receives dropped questions, or null to drop them silently
   * @param crossLabel receives near-identical pairs with different labels, or null
   */
  public static DedupResult run(
      DedupConfig config,
      String release,
      List<Candidate> earlier,
      Iterator<Candidate> in,
      JsonlWriter unique,
      JsonlWriter duplicates,
      JsonlWriter crossLabel)
      throws InterruptedException {
    DedupResult result;
    try (Deduplicator deduplicator =
        release == null ? Deduplicator.open(config) : Deduplicator.open(config, release)) {
      Set<String> before = new HashSet<>();
      earlier.forEach(c -> before.add(c.id()));
      // A question an earlier round kept, word for word, is a duplicate whatever its length (a
      // very short one has too few shingles for MinHash to match it). Found on the reading
      // thread, written on this one once the run is over.
      List<Duplicate> repeats = Collections.synchronizedList(new ArrayList<>());
      Iterator<Tagged> all =
          Stream.concat(
                  earlier.stream().map(c -> new Tagged(c, true)),
                  // Each element checks hasNext, then next() takes it: the input, lazily.
                  Stream.iterate(in, Iterator::hasNext, i -> i)
                      .map(i -> new Tagged(i.next(), false))
                      .filter(t -> {
                        if (before.contains(t.question().id())) {
                          repeats.add(new Duplicate(t.question().id(), t.question().id(), 1.0));
                          return false;
                        }
                        return true;
                      }))
              .iterator();
      // Earlier questions were kept before, one after another, under the same settings: none of
      // them is a duplicate now, and their pairs were reported then.
      long[] pairs = {0};
      DedupResult whole =
          deduplicator.run(
              all,
              Tagged::question,
              t -> {
                if (!t.earlier()) {
                  unique.write(t.question());
                }
              },
              sink(duplicates),
              pair -> {
                if (!(before.contains(pair.id()) && before.contains(pair.otherId()))) {
                  pairs[0]++;
                  if (crossLabel != null) {
                    crossLabel.write(pair);
                  }
                }
              });
      // This input's counts: the earlier questions went through again, but only as a reference.
      result =
          new DedupResult(
              whole.questions() - earlier.size() + repeats.size(),
              whole.unique() - earlier.size(),
              whole.duplicates() + repeats.size(),
              pairs[0],
              whole.earlierReleases(),
              whole.seconds());
      if (duplicates != null) {
        repeats.forEach(duplicates::write);
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
        (earlier.isEmpty() ? "" : ", checked against " + earlier.size() + " kept in earlier rounds")
            + (config.index() == null
                ? ""
                : ", checked against " + result.earlierReleases() + " from earlier releases"),
        String.format("%.2f", result.seconds()),
        Math.round(result.questionsPerSecond()));
    return result;
  }

  /**
   * What decides this stage's output: its input, the questions kept before it ({@code earlier}) and
   * the dedup settings.
   */
  static String fingerprint(DedupConfig config, Path questions, List<Candidate> earlier) {
    StringBuilder kept = new StringBuilder();
    earlier.forEach(c -> kept.append(c.id()).append('\t').append(c.text()).append('\n'));
    return Ids.sha256Hex(
        Ids.sha256File(questions) + Ids.sha256Hex(kept.toString()) + Json.write(config));
  }

  /** A question and whether an earlier round kept it. */
  private record Tagged(Candidate question, boolean earlier) {}

  private static <T> Consumer<T> sink(JsonlWriter writer) {
    return writer == null ? record -> {} : writer::write;
  }
}
