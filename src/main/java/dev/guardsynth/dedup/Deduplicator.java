package dev.guardsynth.dedup;

import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.CrossLabelPair;
import dev.guardsynth.data.Duplicate;
import dev.guardsynth.data.Label;
import java.io.Closeable;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Removes near-duplicate questions. Each question is cut into shingles by a Lucene analyzer ({@link
 * QuestionAnalyzer}), signed with MinHash ({@link MinHasher}) and looked up by LSH banding ({@link
 * Banding}) among the questions kept so far, in this run and, with an index, in earlier releases.
 * Every candidate pair is verified by exact Jaccard similarity of the two shingle sets; a question
 * whose similarity to a kept question of the same label reaches the threshold is a duplicate of the
 * most similar one (the earliest on ties), and the first-seen question of a cluster is the one
 * kept. Questions with different labels are never merged; a kept question near one of another label
 * is reported as a {@link CrossLabelPair}.
 *
 * <p>Output order is input order, and the same input and settings give the same output. Memory
 * grows with the number of kept questions (their shingle hashes and band keys), not with the text.
 * Reading, analysis and index lookups run on one background thread, decisions on the caller's.
 *
 * <p>Use once: {@link #open}, {@link #run}, then {@link #commit} to add the kept questions to the
 * index (if any), and {@link #close}. Closing without a commit leaves the index untouched. Not
 * thread-safe.
 */
public final class Deduplicator implements Closeable {
  private static final System.Logger LOG = System.getLogger("guardsynth.dedup");
  private static final int BATCH = 256;
  private static final int BATCHES_IN_FLIGHT = 64;

  private final double threshold;
  private final QuestionAnalyzer analyzer;
  private final MinHasher minHasher;
  private final Banding banding;
  private final ReleaseIndex index; // null without dedup.index
  private final KeptQuestions kept;
  private final int minSketchAgreements;
  private final BandTable table;
  private final int[] slots; // per band, reused by every lookup
  private final int[] heads;
  private long lookups;
  private boolean ran;

  private Deduplicator(DedupConfig config, ReleaseIndex index) {
    this.threshold = config.threshold();
    this.analyzer = new QuestionAnalyzer(ShingleScheme.parse(config.shingle()));
    this.minHasher = new MinHasher(config.numPerm());
    this.banding = new Banding(config.numPerm(), config.bands());
    this.table = new BandTable(config.bands());
    this.slots = new int[config.bands()];
    this.heads = new int[config.bands()];
    this.kept = new KeptQuestions(config.numPerm());
    this.minSketchAgreements = Sketch.minAgreements(config.numPerm(), config.threshold());
    this.index = index;
  }

  /**
   * A deduplicator for {@code config}, as one new release named by the current time. See {@link
   * #open(DedupConfig, String)}.
   */
  public static Deduplicator open(DedupConfig config) {
    return open(config, "release-" + Instant.now());
  }

  /**
   * A deduplicator for {@code config}; with {@code config.index()} set, opens (or creates) the
   * index of earlier releases.
   *
   * @param release names this batch in the index: its questions are never compared with an earlier
   *     attempt at the same release, which they replace on {@link #commit}
   * @throws dev.guardsynth.data.InputException if the index cannot be read
   * @throws dev.guardsynth.config.ConfigException if the index was built with other settings
   */
  public static Deduplicator open(DedupConfig config, String release) {
    ReleaseIndex index =
        config.index() == null
            ? null
            : ReleaseIndex.open(Path.of(config.index()), indexSettings(config), release);
    Deduplicator deduplicator = new Deduplicator(config, index);
    Banding b = deduplicator.banding;
    double atThreshold = b.candidateProbability(config.threshold());
    LOG.log(
        Level.DEBUG,
        "dedup: {0} shingles, {1} permutations in {2}; a pair at the threshold {3} is found with"
            + " probability {4}",
        config.shingle(),
        config.numPerm(),
        b,
        config.threshold(),
        String.format("%.3f", atThreshold));
    if (atThreshold < 0.75) {
      LOG.log(
          Level.WARNING,
          "dedup: {0} find a pair at the threshold {1} only {2}% of the time; use more bands (or"
              + " fewer rows per band) for better recall",
          b,
          config.threshold(),
          Math.round(atThreshold * 100));
    }
    return deduplicator;
  }

  /** What must match between an index and the run that reads it, keyed as in the config. */
  private static Map<String, String> indexSettings(DedupConfig config) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("shingle", config.shingle());
    settings.put("num_perm", Integer.toString(config.numPerm()));
    settings.put("bands", Integer.toString(config.bands()));
    settings.put("minhash", "multiply-add-shift/" + Long.toHexString(MinHasher.SEED));
    return settings;
  }

  /** Runs over a stream; see {@link #run(Iterator, Consumer, Consumer, Consumer)}. */
  public DedupResult run(
      Stream<Candidate> in,
      Consumer<Candidate> unique,
      Consumer<Duplicate> duplicates,
      Consumer<CrossLabelPair> crossLabel)
      throws InterruptedException {
    return run(in.iterator(), unique, duplicates, crossLabel);
  }

  /**
   * Reads every question from {@code in} and hands each to exactly one of {@code unique} or {@code
   * duplicates}, in input order; near pairs across labels go to {@code crossLabel}. An exception
   * from {@code in} (such as a bad input line) or from a consumer stops the run and is rethrown as
   * is.
   *
   * @throws InterruptedException if the calling thread is interrupted; the run stops cleanly
   */
  public DedupResult run(
      Iterator<Candidate> in,
      Consumer<Candidate> unique,
      Consumer<Duplicate> duplicates,
      Consumer<CrossLabelPair> crossLabel)
      throws InterruptedException {
    return run(in, Function.identity(), unique, duplicates, crossLabel);
  }

  /**
   * Like {@link #run(Iterator, Consumer, Consumer, Consumer)}, over records that carry a question,
   * such as a question with the input line it was read from, so that kept lines can be copied
   * through unchanged. {@code in} and {@code question} are called on the background thread, the
   * consumers on the caller's.
   */
  public <T> DedupResult run(
      Iterator<T> in,
      Function<? super T, Candidate> question,
      Consumer<? super T> unique,
      Consumer<Duplicate> duplicates,
      Consumer<CrossLabelPair> crossLabel)
      throws InterruptedException {
    if (ran) {
      throw new IllegalStateException("a Deduplicator runs once; open another");
    }
    ran = true;
    long start = System.nanoTime();
    BlockingQueue<Batch<T>> queue = new ArrayBlockingQueue<>(BATCHES_IN_FLIGHT);
    Thread analysis =
        Thread.ofPlatform()
            .name("guardsynth-dedup-analysis")
            .daemon()
            .start(() -> analyze(in, question, queue));
    Counts counts = new Counts();
    try {
      for (Batch<T> batch = queue.take(); ; batch = queue.take()) {
        if (batch.failure() != null) {
          throw rethrow(batch.failure());
        }
        for (Analyzed<T> analyzed : batch.questions()) {
          if (decide(analyzed, duplicates, crossLabel, counts)) {
            unique.accept(analyzed.record());
          }
        }
        if (batch.last()) {
          break;
        }
      }
    } finally {
      analysis.interrupt();
      // On success the thread has finished. On failure it stops at its next queue put; a read
      // blocked on stdin does not stop, so do not wait for it: it is a daemon.
      analysis.join(Duration.ofSeconds(5));
    }
    return new DedupResult(
        counts.questions,
        counts.unique,
        counts.duplicates,
        counts.crossLabel,
        index == null ? 0 : index.earlier(),
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * Adds this run's kept questions to the index, atomically; a no-op without an index. Call it
   * after the output files are safely written.
   */
  public void commit() {
    if (index != null) {
      index.commit(index.firstSeq() + kept.size());
    }
  }

  /** Releases the index; without {@link #commit} it is left as it was when opened. */
  @Override
  public void close() {
    try {
      if (index != null) {
        index.close();
      }
    } finally {
      analyzer.close();
    }
  }

  /** A question ready for a decision: everything about it that does not depend on the others. */
  private record Analyzed<T>(
      T record,
      Candidate candidate,
      int[] shingles,
      int[] signature,
      long[] sketch,
      long[] bandKeys,
      List<ReleaseIndex.Match> earlier) {}

  private record Batch<T>(List<Analyzed<T>> questions, Throwable failure, boolean last) {}

  private static final class Counts {
    long questions;
    long unique;
    long duplicates;
    long crossLabel;
  }

  /** A verified near question of another label, reported only if this one is kept. */
  private record Near(String id, Label label, long seq, double similarity) {}

  /** The background thread: reads, analyzes, signs and looks up earlier releases, in order. */
  private <T> void analyze(
      Iterator<T> in, Function<? super T, Candidate> question, BlockingQueue<Batch<T>> queue) {
    Shingler shingler = new Shingler(analyzer);
    try {
      List<Analyzed<T>> batch = new ArrayList<>(BATCH);
      while (in.hasNext()) {
        T record = in.next();
        Candidate candidate = question.apply(record);
        int[] shingles = shingler.shingles(candidate.text());
        int[] signature = minHasher.signature(shingles);
        long[] keys = banding.keys(signature);
        List<ReleaseIndex.Match> earlier =
            index == null ? List.of() : index.matches(keys, shingles, threshold);
        long[] sketch = new long[Sketch.words(signature.length)];
        Sketch.write(signature, sketch, 0);
        // Only the index stores whole signatures; without one, 1 KB less per question to collect.
        batch.add(
            new Analyzed<>(
                record,
                candidate,
                shingles,
                index == null ? null : signature,
                sketch,
                keys,
                earlier));
        if (batch.size() == BATCH) {
          queue.put(new Batch<>(batch, null, false));
          batch = new ArrayList<>(BATCH);
        }
      }
      queue.put(new Batch<>(batch, null, true));
    } catch (InterruptedException e) {
      // The deciding thread stopped first and no longer reads the queue.
    } catch (RuntimeException | Error e) {
      try {
        queue.put(new Batch<>(List.of(), e, true));
      } catch (InterruptedException stopped) {
        // The deciding thread stopped first; it has its own failure to report.
      }
    }
  }

  private static RuntimeException rethrow(Throwable failure) {
    if (failure instanceof Error error) {
      throw error;
    }
    return (RuntimeException) failure;
  }

  /** Decides one question; true if it is kept. */
  private boolean decide(
      Analyzed<?> question,
      Consumer<Duplicate> duplicates,
      Consumer<CrossLabelPair> crossLabel,
      Counts counts) {
    counts.questions++;
    Candidate candidate = question.candidate();
    Label label = candidate.label();
    String bestId = null;
    double bestSimilarity = -1;
    long bestSeq = Long.MAX_VALUE;
    List<Near> near = null;
    for (ReleaseIndex.Match m : question.earlier()) {
      if (m.label() == label) {
        if (isBetter(m.similarity(), m.seq(), bestSimilarity, bestSeq)) {
          bestId = m.id();
          bestSimilarity = m.similarity();
          bestSeq = m.seq();
        }
      } else {
        near = add(near, new Near(m.id(), m.label(), m.seq(), m.similarity()));
      }
    }
    long lookup = ++lookups;
    int[] shingles = question.shingles();
    int rows = minHasher.numPerm();
    long firstSeq = index == null ? 0 : index.firstSeq();
    long[] keys = question.bandKeys();
    int[] slots = this.slots;
    int[] heads = this.heads;
    // All buckets first, then their chains: the bucket reads do not wait on each other.
    for (int band = 0; band < keys.length; band++) {
      slots[band] = table.find(band, keys[band]);
      heads[band] = table.first(band, slots[band]);
    }
    for (int band = 0; band < keys.length; band++) {
      for (int entry = heads[band]; entry >= 0; entry = table.next(entry)) {
        int q = table.question(entry);
        if (!kept.markChecked(q, lookup)) {
          continue; // already checked through another band
        }
        if (kept.sketchAgreements(q, question.sketch(), rows) < minSketchAgreements) {
          continue; // far below the threshold by the sketch; see Sketch for the odds
        }
        int size = kept.shingleCount(q);
        // Jaccard is at most the smaller set over the larger: skip pairs that cannot reach it.
        if (Math.min(size, shingles.length) < threshold * Math.max(size, shingles.length)) {
          continue;
        }
        double similarity = kept.jaccard(q, shingles);
        if (similarity < threshold) {
          continue;
        }
        long seq = firstSeq + q;
        if (kept.label(q) == label) {
          if (isBetter(similarity, seq, bestSimilarity, bestSeq)) {
            bestId = kept.id(q);
            bestSimilarity = similarity;
            bestSeq = seq;
          }
        } else {
          near = add(near, new Near(kept.id(q), kept.label(q), seq, similarity));
        }
      }
    }
    if (bestId != null) {
      counts.duplicates++;
      duplicates.accept(new Duplicate(candidate.id(), bestId, round(bestSimilarity)));
      return false;
    }
    int q = kept.add(candidate.id(), label, shingles, question.sketch());
    table.add(keys, slots); // the slots found above: nothing was added since
    if (index != null) {
      index.add(
          candidate.id(), label, firstSeq + q, shingles, question.signature(), question.bandKeys());
    }
    counts.unique++;
    if (near != null) {
      near.sort(Comparator.comparingLong(Near::seq));
      for (Near n : near) {
        counts.crossLabel++;
        crossLabel.accept(
            new CrossLabelPair(
                candidate.id(), n.id(), round(n.similarity()), List.of(label, n.label())));
      }
    }
    return true;
  }

  /** Higher similarity wins; on a tie, the earlier question. */
  private static boolean isBetter(
      double similarity, long seq, double bestSimilarity, long bestSeq) {
    return similarity > bestSimilarity || (similarity == bestSimilarity && seq < bestSeq);
  }

  private static List<Near> add(List<Near> list, Near near) {
    List<Near> out = list == null ? new ArrayList<>(2) : list;
    out.add(near);
    return out;
  }

  /** Four decimals: enough to read, and stable across platforms. */
  private static double round(double similarity) {
    return Math.round(similarity * 10_000) / 10_000.0;
  }
}
