package dev.guardsynth.dedup;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.CrossLabelPair;
import dev.guardsynth.data.Duplicate;
import dev.guardsynth.data.JsonlReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.minhash.MinHashFilter;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Measures dedup against the truth, for {@code scripts/bench}: exhaustive exact Jaccard over every
 * pair of a sample, on the analyzer's shingles compared as strings (not as hashes).
 *
 * <ul>
 *   <li>{@code evaluate SAMPLE TRUTH UNIQUE DUPLICATES CROSS SHINGLE THRESHOLD}: pair precision and
 *       recall of a dedup run's output, and what became of each kind of planted near-duplicate.
 *   <li>{@code minhash SAMPLE SHINGLE THRESHOLD}: Lucene's {@code MinHashFilter} (both modes)
 *       against {@link MinHasher}: speed, and how banding behaves on their signatures.
 *   <li>{@code histogram SAMPLE SHINGLE}: the similarity distribution of all pairs, and the
 *       candidate pairs each banding would verify.
 *   <li>{@code planted SAMPLE TRUTH SHINGLE}: per planted kind, the share at or above thresholds.
 * </ul>
 */
public final class DedupBenchmark {
  private DedupBenchmark() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "evaluate" ->
          evaluate(
              Path.of(args[1]),
              Path.of(args[2]),
              Path.of(args[3]),
              Path.of(args[4]),
              Path.of(args[5]),
              args[6],
              Double.parseDouble(args[7]));
      case "minhash" -> minhash(Path.of(args[1]), args[2], Double.parseDouble(args[3]));
      case "histogram" -> histogram(Path.of(args[1]), args[2]);
      case "planted" -> planted(Path.of(args[1]), Path.of(args[2]), args[3]);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  // ---- shared ----

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

  private static List<String> terms(Analyzer analyzer, String field, String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        if (term.length() > 0) {
          out.add(term.toString());
        }
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

  interface PairVisitor {
    void visit(int i, int j, double similarity);
  }

  /**
   * Visits every pair {@code i < j} that can reach {@code minSimilarity}, over two threads. Pairs
   * are skipped only when their sizes alone rule it out (Jaccard is at most the smaller set over
   * the larger), so for {@code minSimilarity > 0} this is exhaustive for that threshold.
   */
  static void allPairs(int[][] sets, double minSimilarity, PairVisitor visitor)
      throws InterruptedException {
    Integer[] bySize = new Integer[sets.length];
    for (int i = 0; i < sets.length; i++) {
      bySize[i] = i;
    }
    Arrays.sort(bySize, (x, y) -> Integer.compare(sets[x].length, sets[y].length));
    AtomicInteger nextRow = new AtomicInteger();
    Runnable work =
        () -> {
          for (int r = nextRow.getAndIncrement(); r < sets.length; r = nextRow.getAndIncrement()) {
            int i = bySize[r];
            int[] a = sets[i];
            for (int s = r + 1; s < sets.length; s++) {
              int j = bySize[s];
              int[] b = sets[j];
              if (a.length < minSimilarity * b.length) {
                break; // every later set is at least as large
              }
              visitor.visit(Math.min(i, j), Math.max(i, j), Jaccard.of(a, b));
            }
          }
        };
    Thread other = Thread.ofPlatform().start(work);
    work.run();
    other.join();
  }

  private static long pairKey(int i, int j) {
    return (long) Math.min(i, j) << 32 | Math.max(i, j);
  }

  /** Exact pairs at or above {@code threshold}, as {@link #pairKey}s. */
  private static Set<Long> exactPairs(int[][] sets, double threshold) throws InterruptedException {
    Set<Long> pairs = new HashSet<>();
    allPairs(
        sets,
        threshold,
        (i, j, s) -> {
          if (s >= threshold) {
            synchronized (pairs) {
              pairs.add(pairKey(i, j));
            }
          }
        });
    return pairs;
  }

  private static <T> List<T> readAll(Path file, Class<T> type) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try (JsonlReader<T> in = JsonlReader.open(file, type)) {
      return in.stream().toList();
    }
  }

  // ---- evaluate ----

  /**
   * Pair precision: the share of pairs the run asserted (a duplicate and its {@code duplicate_of},
   * a cross-label pair) whose exact Jaccard is at or above the threshold. Pair recall: of the exact
   * pairs (i before j) whose earlier question i was kept, the share the run acted on: j dropped
   * (same label), or the pair listed (different labels, both kept). Pairs whose earlier question
   * was itself dropped are covered through the question that was kept instead.
   */
  private static void evaluate(
      Path sample,
      Path truth,
      Path uniqueFile,
      Path duplicatesFile,
      Path crossFile,
      String shingle,
      double threshold)
      throws Exception {
    long start = System.nanoTime();
    List<Candidate> questions = read(sample);
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < questions.size(); i++) {
      if (position.put(questions.get(i).id(), i) != null) {
        throw new IllegalStateException("sample ids must be unique: " + questions.get(i).id());
      }
    }
    int[][] sets = exactSets(questions, shingle);
    Set<Long> exact = exactPairs(sets, threshold);
    double exhaustiveSeconds = (System.nanoTime() - start) / 1e9;

    boolean[] kept = new boolean[questions.size()];
    for (Candidate c : readAll(uniqueFile, Candidate.class)) {
      kept[position.get(c.id())] = true;
    }
    List<Duplicate> duplicates = readAll(duplicatesFile, Duplicate.class);
    List<CrossLabelPair> cross = readAll(crossFile, CrossLabelPair.class);
    Set<Long> crossPairs = new HashSet<>();
    long asserted = 0;
    long correct = 0;
    for (Duplicate d : duplicates) {
      asserted++;
      if (exact.contains(pairKey(position.get(d.id()), position.get(d.duplicateOf())))) {
        correct++;
      }
    }
    for (CrossLabelPair p : cross) {
      asserted++;
      long key = pairKey(position.get(p.id()), position.get(p.otherId()));
      crossPairs.add(key);
      if (exact.contains(key)) {
        correct++;
      }
    }
    long relevant = 0;
    long found = 0;
    for (long key : exact) {
      int i = (int) (key >>> 32);
      int j = (int) key;
      if (!kept[i]) {
        continue;
      }
      boolean sameLabel = questions.get(i).label() == questions.get(j).label();
      if (sameLabel) {
        relevant++;
        if (!kept[j]) {
          found++;
        }
      } else if (kept[j]) {
        relevant++;
        if (crossPairs.contains(key)) {
          found++;
        }
      }
    }
    System.out.printf(
        "exhaustive exact Jaccard (%s, threshold %.2f) over %,d questions: %,d pairs at or above"
            + " the threshold (%.1fs)%n",
        shingle, threshold, questions.size(), exact.size(), exhaustiveSeconds);
    System.out.printf(
        "pair precision: %.4f (%,d of %,d asserted pairs: %,d duplicates, %,d cross-label)%n",
        asserted == 0 ? 1.0 : (double) correct / asserted,
        correct,
        asserted,
        duplicates.size(),
        cross.size());
    System.out.printf(
        "pair recall:    %.4f (%,d of %,d exact pairs with a kept earlier question)%n",
        relevant == 0 ? 1.0 : (double) found / relevant, found, relevant);
    plantedSummary(questions, sets, truth, kept, threshold);
  }

  private static void plantedSummary(
      List<Candidate> questions, int[][] sets, Path truth, boolean[] kept, double threshold)
      throws IOException {
    Map<String, int[]> byKind = new TreeMap<>(); // planted, same label, at threshold, dropped
    for (String line : Files.readAllLines(truth)) {
      String[] row = line.split("\t");
      int i = Integer.parseInt(row[0]);
      int original = Integer.parseInt(row[2]);
      int[] counts = byKind.computeIfAbsent(row[1], k -> new int[4]);
      counts[0]++;
      if (original < 0) {
        counts[3] += kept[i] ? 0 : 1;
        continue;
      }
      if (questions.get(i).label() == questions.get(original).label()) {
        counts[1]++;
        if (Jaccard.of(sets[i], sets[original]) >= threshold) {
          counts[2]++;
        }
        if (!kept[i]) {
          counts[3]++;
        }
      }
    }
    System.out.println(
        "corpus kinds (planted near-duplicates of an earlier question, same label):");
    System.out.printf(
        "  %-15s %8s %10s %14s %9s%n", "kind", "count", "same label", "J >= threshold", "dropped");
    for (Map.Entry<String, int[]> e : byKind.entrySet()) {
      int[] c = e.getValue();
      if (e.getKey().equals("ORIGINAL")) {
        System.out.printf(
            "  %-15s %8d %10s %14s %9d (distinct by construction; dropped = an accidental"
                + " near-twin at or above the threshold)%n",
            e.getKey(), c[0], "", "", c[3]);
      } else {
        System.out.printf(
            "  %-15s %8d %10d %14s %9s%n",
            e.getKey(),
            c[0],
            c[1],
            String.format("%.3f", (double) c[2] / Math.max(1, c[1])),
            String.format("%.3f", (double) c[3] / Math.max(1, c[1])));
      }
    }
  }

  // ---- minhash ----

  /** Lucene's MinHashFilter behind the same normalizer and n-grams as {@link QuestionAnalyzer}. */
  private static Analyzer luceneMinHash(int n, int hashCount, int bucketCount, boolean rotation) {
    return new Analyzer() {
      @Override
      protected Reader initReader(String fieldName, Reader reader) {
        return new QuestionNormalizer(reader, false);
      }

      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        NGramTokenizer grams = new NGramTokenizer(n, n);
        return new TokenStreamComponents(
            grams, new MinHashFilter(grams, hashCount, bucketCount, 1, rotation));
      }
    };
  }

  /**
   * The rows a MinHashFilter emits, in order, each folded from its 64 high bits to an int. With
   * several hashes a token starts with the hash's number (2 chars), so the high bits start at 2.
   */
  private static int[] luceneSignature(Analyzer analyzer, String text, int rows, int highAt) {
    int[] signature = new int[rows];
    int n = 0;
    try (TokenStream ts = analyzer.tokenStream("f", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken() && n < rows) {
        char[] c = term.buffer();
        int at = highAt;
        long high =
            (long) c[at] << 48 | (long) c[at + 1] << 32 | (long) c[at + 2] << 16 | c[at + 3];
        signature[n++] = (int) (high ^ (high >>> 32));
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return signature; // rows a short text left empty stay 0 and agree with each other
  }

  private static void minhash(Path sample, String shingle, double threshold) throws Exception {
    List<Candidate> questions = read(sample);
    ShingleScheme scheme = ShingleScheme.parse(shingle);
    int rows = 256;
    Banding banding = new Banding(rows, 32);
    int[][] sets = exactSets(questions, shingle);
    Set<Long> exact = exactPairs(sets, threshold);
    SplittableRandom random = new SplittableRandom(1);
    List<long[]> randomPairs = new ArrayList<>();
    for (int k = 0; k < 100_000; k++) {
      int i = random.nextInt(sets.length);
      int j = random.nextInt(sets.length);
      if (i != j && Jaccard.of(sets[i], sets[j]) < 0.3) {
        randomPairs.add(new long[] {i, j});
      }
    }
    System.out.printf(
        "%,d questions, %s; %,d exact pairs at or above %.2f; %,d random pairs below 0.3;"
            + " banding %s%n",
        questions.size(), shingle, exact.size(), threshold, randomPairs.size(), banding);
    System.out.printf(
        "  %-52s %12s %16s %18s %16s%n",
        "signatures", "questions/s", "mean |est - J|", "recall at banding", "false cand. rate");

    Shingler shingler = new Shingler(new QuestionAnalyzer(scheme));
    MinHasher minHasher = new MinHasher(rows);
    report(
        "k-permutation MinHasher (this project)",
        questions,
        text -> minHasher.signature(shingler.shingles(text)),
        sets,
        exact,
        randomPairs,
        banding);
    Analyzer classic = luceneMinHash(scheme.size(), rows, 1, false);
    report(
        "Lucene MinHashFilter, " + rows + " hashes x 1 bucket",
        questions,
        text -> luceneSignature(classic, text, rows, 2),
        sets,
        exact,
        randomPairs,
        banding);
    Analyzer onePermutation = luceneMinHash(scheme.size(), 1, rows, true);
    report(
        "Lucene MinHashFilter, 1 hash x " + rows + " buckets, rotation",
        questions,
        text -> luceneSignature(onePermutation, text, rows, 0),
        sets,
        exact,
        randomPairs,
        banding);
  }

  private static void report(
      String name,
      List<Candidate> questions,
      Function<String, int[]> sign,
      int[][] sets,
      Set<Long> exact,
      List<long[]> randomPairs,
      Banding banding) {
    int[][] signatures = new int[questions.size()][];
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < Math.min(3000, signatures.length); i++) {
        sign.apply(questions.get(i).text()); // warm up the JIT before timing
      }
    }
    long start = System.nanoTime();
    for (int i = 0; i < signatures.length; i++) {
      signatures[i] = sign.apply(questions.get(i).text());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double error = 0;
    int found = 0;
    for (long key : exact) {
      int i = (int) (key >>> 32);
      int j = (int) key;
      error +=
          Math.abs(MinHasher.estimate(signatures[i], signatures[j]) - Jaccard.of(sets[i], sets[j]));
      if (shareBand(banding, signatures[i], signatures[j])) {
        found++;
      }
    }
    int falseCandidates = 0;
    for (long[] p : randomPairs) {
      int i = (int) p[0];
      int j = (int) p[1];
      error +=
          Math.abs(MinHasher.estimate(signatures[i], signatures[j]) - Jaccard.of(sets[i], sets[j]));
      if (shareBand(banding, signatures[i], signatures[j])) {
        falseCandidates++;
      }
    }
    System.out.printf(
        "  %-52s %,12.0f %16.4f %18.4f %16.5f%n",
        name,
        questions.size() / seconds,
        error / (exact.size() + randomPairs.size()),
        (double) found / Math.max(1, exact.size()),
        (double) falseCandidates / Math.max(1, randomPairs.size()));
  }

  private static boolean shareBand(Banding banding, int[] a, int[] b) {
    long[] ka = banding.keys(a);
    long[] kb = banding.keys(b);
    for (int band = 0; band < ka.length; band++) {
      if (ka[band] == kb[band]) {
        return true;
      }
    }
    return false;
  }

  // ---- histogram and planted: the measurements behind the defaults ----

  private static void histogram(Path sample, String shingle) throws InterruptedException {
    List<Candidate> questions = read(sample);
    int[][] sets = exactSets(questions, shingle);
    LongAdder[] buckets = new LongAdder[21];
    for (int b = 0; b < buckets.length; b++) {
      buckets[b] = new LongAdder();
    }
    allPairs(sets, 0, (i, j, s) -> buckets[(int) Math.floor(s * 20)].increment());
    long[] counts = Arrays.stream(buckets).mapToLong(LongAdder::sum).toArray();
    System.out.printf("all pairs of %,d questions (%s):%n", sets.length, shingle);
    for (int b = 0; b < counts.length; b++) {
      System.out.printf("  J in [%.2f, %.2f): %,d%n", b / 20.0, (b + 1) / 20.0, counts[b]);
    }
    int[][] bandings = {{128, 16}, {192, 24}, {160, 32}, {192, 32}, {224, 32}, {256, 32}};
    for (int[] kb : bandings) {
      Banding banding = new Banding(kb[0], kb[1]);
      double candidates = 0;
      for (int b = 0; b < counts.length; b++) {
        candidates += counts[b] * banding.candidateProbability(Math.min(1, (b + 0.5) / 20));
      }
      System.out.printf(
          "  num_perm %d, %s: P(found | J=0.7) %.3f, candidate pairs per question %.2f%n",
          kb[0], banding, banding.candidateProbability(0.7), candidates / sets.length);
    }
  }

  private static void planted(Path sample, Path truth, String shingle) throws Exception {
    List<Candidate> questions = read(sample);
    int[][] sets = exactSets(questions, shingle);
    List<String[]> rows = Files.readAllLines(truth).stream().map(l -> l.split("\t")).toList();
    Map<String, List<Double>> byKind = new TreeMap<>();
    for (String[] row : rows) {
      int original = Integer.parseInt(row[2]);
      if (original >= 0) {
        byKind
            .computeIfAbsent(row[1], k -> new ArrayList<>())
            .add(Jaccard.of(sets[Integer.parseInt(row[0])], sets[original]));
      }
    }
    double[] thresholds = {0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9};
    System.out.printf("%s: share of planted variants at or above each threshold%n", shingle);
    System.out.printf("  %-15s", "kind");
    for (double t : thresholds) {
      System.out.printf(" %5.2f", t);
    }
    System.out.println();
    for (Map.Entry<String, List<Double>> e : byKind.entrySet()) {
      System.out.printf("  %-15s", e.getKey());
      for (double t : thresholds) {
        System.out.printf(
            " %5.3f",
            e.getValue().stream().filter(j -> j >= t).count() / (double) e.getValue().size());
      }
      System.out.println();
    }
    int[] originals =
        rows.stream()
            .filter(r -> r[2].equals("-1"))
            .mapToInt(r -> Integer.parseInt(r[0]))
            .toArray();
    int[][] originalSets = Arrays.stream(originals).mapToObj(i -> sets[i]).toArray(int[][]::new);
    double[] nearest = new double[originalSets.length];
    allPairs(
        originalSets,
        0.4,
        (i, j, s) -> {
          synchronized (nearest) {
            nearest[i] = Math.max(nearest[i], s);
            nearest[j] = Math.max(nearest[j], s);
          }
        });
    System.out.printf("  %-15s", "distinct-near");
    for (double t : thresholds) {
      System.out.printf(
          " %5.3f", Arrays.stream(nearest).filter(j -> j >= t).count() / (double) nearest.length);
    }
    System.out.println("  (distinct originals with another original at or above)");
  }
}
