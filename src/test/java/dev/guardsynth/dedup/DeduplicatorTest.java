package dev.guardsynth.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.CrossLabelPair;
import dev.guardsynth.data.Duplicate;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.dedup.bench.QuestionCorpus;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {
  static Candidate question(String id, String text, Label label) {
    return new Candidate(id, text, label, "misc", "test", "en", null);
  }

  /** Everything one run wrote, in order. */
  record Output(List<Candidate> unique, List<Duplicate> duplicates, List<CrossLabelPair> cross) {
    List<String> uniqueIds() {
      return unique.stream().map(Candidate::id).toList();
    }

    String json() {
      StringBuilder out = new StringBuilder();
      unique.forEach(c -> out.append(Json.write(c)).append('\n'));
      duplicates.forEach(d -> out.append(Json.write(d)).append('\n'));
      cross.forEach(p -> out.append(Json.write(p)).append('\n'));
      return out.toString();
    }
  }

  static Output run(DedupConfig config, List<Candidate> in) throws InterruptedException {
    Output out = new Output(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    try (Deduplicator deduplicator = Deduplicator.open(config)) {
      DedupResult result =
          deduplicator.run(
              in.iterator(), out.unique()::add, out.duplicates()::add, out.cross()::add);
      assertEquals(in.size(), result.questions());
      assertEquals(result.questions(), result.unique() + result.duplicates());
      assertEquals(out.cross().size(), result.crossLabelPairs());
      deduplicator.commit();
    }
    return out;
  }

  static DedupConfig config(String shingle, double threshold) {
    return new DedupConfig(shingle, null, null, threshold, null);
  }

  static List<Candidate> corpus(int n, long seed) {
    QuestionCorpus corpus = new QuestionCorpus(seed);
    return IntStream.range(0, n).mapToObj(i -> corpus.next(i).candidate()).toList();
  }

  @Test
  void keepsTheFirstOfEachClusterWithinALabelAndListsCrossLabelPairs() throws Exception {
    List<Candidate> in =
        List.of(
            question("a", "How do I keep my bike from being stolen?", Label.SAFE),
            question("b", "How do I keep my bike from being stolen??", Label.SAFE),
            question("c", "how do i keep my  bike from being stolen", Label.UNSAFE),
            question("d", "What is a good recipe for kimchi stew?", Label.SAFE),
            question("e", "자전거를 도난으로부터 지키려면 어떻게 해야 하나요?", Label.SAFE),
            question("f", "자전거를도난으로부터 지키려면 어떻게해야하나요", Label.SAFE),
            question("g", "How do I keep my bike from being stolen at night?", Label.UNSAFE));
    Output out = run(config("char:3", 0.7), in);
    assertEquals(List.of("a", "c", "d", "e"), out.uniqueIds());
    assertEquals(
        List.of(
            new Duplicate("b", "a", 1.0),
            new Duplicate("f", "e", 1.0),
            new Duplicate("g", "c", 0.8)),
        out.duplicates());
    assertEquals(
        List.of(new CrossLabelPair("c", "a", 1.0, List.of(Label.UNSAFE, Label.SAFE))), out.cross());
  }

  @Test
  void aDuplicateNamesTheMostSimilarKeptQuestionAndTheEarliestOnATie() throws Exception {
    // char:1 makes shingle sets easy to count: the distinct characters.
    List<Candidate> in =
        List.of(
            question("a", "abcdefghij", Label.SAFE),
            question("b", "abcdefghkl", Label.SAFE), // 8/12 = 0.67 with a: kept
            question("c", "abcdefghijk", Label.SAFE), // a 10/11, b 9/12
            question("d", "abcdefghklm", Label.SAFE), // a 8/13, b 10/11
            question("e", "abcdefghijkl", Label.SAFE)); // a 10/12, b 10/12: a tie
    Output out = run(config("char:1", 0.7), in);
    assertEquals(List.of("a", "b"), out.uniqueIds());
    assertEquals(
        List.of(
            new Duplicate("c", "a", 0.9091),
            new Duplicate("d", "b", 0.9091),
            new Duplicate("e", "a", 0.8333)),
        out.duplicates());
  }

  @Test
  void sameInputAndSettingsGiveTheSameOutput() throws Exception {
    List<Candidate> in = corpus(3000, 11);
    Output first = run(config("char:3", 0.7), in);
    Output second = run(config("char:3", 0.7), in);
    assertEquals(first.json(), second.json());
    // Kept questions come out in input order.
    List<String> inputOrder =
        in.stream().map(Candidate::id).filter(first.uniqueIds()::contains).toList();
    assertEquals(inputOrder, first.uniqueIds());
    assertEquals(true, first.duplicates().size() > 500, first.duplicates().size() + " duplicates");
  }

  @Test
  void anInputFailureStopsTheRunWithTheSameException() {
    Iterator<Candidate> failing =
        new Iterator<>() {
          int n;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Candidate next() {
            if (n++ == 700) {
              throw new InputException("in.jsonl:701: not valid JSON");
            }
            return question("q" + n, "question number " + n, Label.SAFE);
          }
        };
    List<Candidate> unique = new ArrayList<>();
    try (Deduplicator deduplicator = Deduplicator.open(config("char:3", 0.7))) {
      InputException e =
          assertThrows(
              InputException.class, () -> deduplicator.run(failing, unique::add, d -> {}, p -> {}));
      assertEquals("in.jsonl:701: not valid JSON", e.getMessage());
    }
  }
}
