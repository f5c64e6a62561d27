package dev.guardsynth.dedup;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.JsonlReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Measures dedup output against the truth: exhaustive exact Jaccard over every pair of a sample, on
 * the same analyzer's shingles compared as strings (not hashes). Run by {@code scripts/bench}.
 *
 * <p>Modes: {@code histogram SAMPLE SHINGLE} prints the similarity distribution of all pairs and
 * the candidate pairs each banding would verify; {@code evaluate SAMPLE TRUTH UNIQUE DUPLICATES
 * CROSS SHINGLE THRESHOLD} prints pair precision and recall of a dedup run.
 */
public final class DedupBenchmark {
  private DedupBenchmark() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "histogram" -> histogram(Path.of(args[1]), args[2]);
      case "planted" -> planted(Path.of(args[1]), Path.of(args[2]), args[3]);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  /** The shingle sets of a sample as sorted ids of distinct shingle strings. */
  static int[][] exactSets(List<Candidate> questions, String shingle) {
    QuestionAnalyzer analyzer = new QuestionAnalyzer(ShingleScheme.parse(shingle));
    Map<String, Integer> ids = new HashMap<>();
    int[][] sets = new int[questions.size()][];
    for (int i = 0; i < sets.length; i++) {
      String text = questions.get(i).text();
      List<String> shingles = terms(analyzer, QuestionAnalyzer.SHINGLES, text);
      if (shingles.isEmpty()) {
        shingles = terms(analyzer, QuestionAnalyzer.WHOLE, text);
      }
      if (shingles.isEmpty()) {
        shingles = List.of("\u0000" + text.strip());
      }
      sets[i] =
          shingles.stream()
              .mapToInt(s -> ids.computeIfAbsent(s, k -> ids.size()))
              .distinct()
              .sorted()
              .toArray();
    }
    return sets;
  }

  private static List<String> terms(QuestionAnalyzer analyzer, String field, String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<Candidate> read(Path file) {
    try (JsonlReader<Candidate> in = JsonlReader.open(file, Candidate.class)) {
      return in.stream().toList();
    }
  }

  /** Calls {@code pair} for every pair i &lt; j, split over two threads. */
  interface PairVisitor {
    void visit(int i, int j, double similarity);
  }

  static void allPairs(int[][] sets, double minSimilarity, PairVisitor visitor)
      throws InterruptedException {
    AtomicInteger nextRow = new AtomicInteger();
    Runnable work =
        () -> {
          for (int i = nextRow.getAndIncrement(); i < sets.length; i = nextRow.getAndIncrement()) {
            int[] a = sets[i];
            for (int j = i + 1; j < sets.length; j++) {
              int[] b = sets[j];
              int small = Math.min(a.length, b.length);
              int large = Math.max(a.length, b.length);
              if (small < minSimilarity * large) {
                continue; // cannot reach minSimilarity
              }
              visitor.visit(i, j, Jaccard.of(a, b));
            }
          }
        };
    Thread other = Thread.ofPlatform().start(work);
    work.run();
    other.join();
  }

  /**
   * For each planted kind, the exact similarity of variant and original; for originals, the
   * similarity to their nearest other original (accidental near-duplicates).
   */
  private static void planted(Path sample, Path truth, String shingle) throws Exception {
    List<Candidate> questions = read(sample);
    int[][] sets = exactSets(questions, shingle);
    List<String[]> rows = Files.readAllLines(truth).stream().map(l -> l.split("\t")).toList();
    Map<String, List<Double>> byKind = new java.util.TreeMap<>();
    for (String[] row : rows) {
      int original = Integer.parseInt(row[2]);
      if (original >= 0) {
        byKind
            .computeIfAbsent(row[1], k -> new ArrayList<>())
            .add(Jaccard.of(sets[Integer.parseInt(row[0])], sets[original]));
      }
    }
    double[] thresholds = {0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9};
    System.out.printf(
        "%s: share of planted variants at or above the threshold%n%-16s", shingle, "kind");
    for (double t : thresholds) {
      System.out.printf(" %5.2f", t);
    }
    System.out.println();
    for (var e : byKind.entrySet()) {
      System.out.printf("%-16s", e.getKey());
      for (double t : thresholds) {
        System.out.printf(
            " %5.3f",
            e.getValue().stream().filter(j -> j >= t).count() / (double) e.getValue().size());
      }
      System.out.println();
    }
    // Originals: nearest other original.
    int[] originals =
        rows.stream()
            .filter(r -> r[2].equals("-1"))
            .mapToInt(r -> Integer.parseInt(r[0]))
            .toArray();
    int[][] origSets = Arrays.stream(originals).mapToObj(i -> sets[i]).toArray(int[][]::new);
    double[] nearest = new double[origSets.length];
    allPairs(
        origSets,
        0.4,
        (i, j, sim) -> {
          synchronized (nearest) {
            nearest[i] = Math.max(nearest[i], sim);
            nearest[j] = Math.max(nearest[j], sim);
          }
        });
    System.out.printf("%-16s", "originals-near");
    for (double t : thresholds) {
      System.out.printf(
          " %5.3f", Arrays.stream(nearest).filter(j -> j >= t).count() / (double) nearest.length);
    }
    System.out.println("  (share of distinct originals with another original at or above)");
  }

  private static void histogram(Path sample, String shingle) throws InterruptedException {
    List<Candidate> questions = read(sample);
    int[][] sets = exactSets(questions, shingle);
    long start = System.nanoTime();
    LongAdder[] buckets = new LongAdder[21];
    for (int b = 0; b < buckets.length; b++) {
      buckets[b] = new LongAdder();
    }
    allPairs(sets, 0, (i, j, s) -> buckets[(int) Math.floor(s * 20)].increment());
    System.out.printf(
        "all %,d pairs of %,d questions (%s) in %.1fs%n",
        (long) sets.length * (sets.length - 1) / 2,
        sets.length,
        shingle,
        (System.nanoTime() - start) / 1e9);
    long[] counts = Arrays.stream(buckets).mapToLong(LongAdder::sum).toArray();
    for (int b = 0; b < counts.length; b++) {
      System.out.printf("  J in [%.2f, %.2f): %,d%n", b / 20.0, (b + 1) / 20.0, counts[b]);
    }
    int[][] bandings = {
      {128, 16}, {160, 16}, {192, 16}, {160, 20}, {200, 20}, {240, 20}, {192, 24}, {240, 24},
      {288, 24}, {256, 32}, {320, 32}
    };
    for (double t : new double[] {0.7, 0.75, 0.8}) {
      for (int[] kb : bandings) {
        Banding banding = new Banding(kb[0], kb[1]);
        double candidates = 0;
        for (int b = 0; b < counts.length; b++) {
          candidates += counts[b] * banding.candidateProbability((b + 0.5) / 20);
        }
        System.out.printf(
            "  t=%.1f num_perm %d, %s: P(found | J=t) %.4f, candidate pairs per question %.2f%n",
            t, kb[0], banding, banding.candidateProbability(t), candidates / sets.length);
      }
    }
  }
}
