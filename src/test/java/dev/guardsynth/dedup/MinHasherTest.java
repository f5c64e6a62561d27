package dev.guardsynth.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MinHasherTest {
  static final String SENTENCE = "자전거를 도난으로부터 지키려면 어떻게 해야 하나요?";

  /** Random distinct shingle sets of {@code size} sharing exactly {@code common} elements. */
  static int[][] pair(SplittableRandom random, int size, int common) {
    int[] pool = random.ints().distinct().limit(2L * size - common).toArray();
    int[] a = Arrays.copyOfRange(pool, 0, size);
    int[] b =
        IntStream.concat(
                Arrays.stream(pool, 0, common), Arrays.stream(pool, size, 2 * size - common))
            .toArray();
    Arrays.sort(a);
    Arrays.sort(b);
    return new int[][] {a, b};
  }

  @Test
  void pinnedSignatureOfAKoreanSentence() {
    // Signatures are stored in indexes: if this changes, so must ReleaseIndex.FORMAT.
    int[] shingles =
        new Shingler(new QuestionAnalyzer(ShingleScheme.parse("char:3"))).shingles(SENTENCE);
    assertEquals(20, shingles.length);
    int[] signature = new MinHasher(16).signature(shingles);
    assertArrayEquals(
        new int[] {
          -2038640542, -2092011800, -2130492046, -1959506719, -1382295147, -1880364862,
          -1942335043, -1902141020, -1663282248, -2040043914, -1962225342, -1920596858,
          -2076236693, -1968043792, -1918931944, -1993545867
        },
        signature,
        Arrays.toString(signature));
  }

  @Test
  void identicalSetsHaveIdenticalSignatures() {
    MinHasher minHasher = new MinHasher(64);
    int[] set = {1, 5, 9, 200, -7};
    int[] sorted = set.clone();
    Arrays.sort(sorted);
    assertArrayEquals(minHasher.signature(sorted), minHasher.signature(sorted.clone()));
    assertEquals(1.0, MinHasher.estimate(minHasher.signature(sorted), minHasher.signature(sorted)));
  }

  @Test
  void rowsAgreeAtTheJaccardRate() {
    // 400 pairs of 40 shingles sharing 33 (Jaccard 33/47 = 0.702): 102,400 rows in all, so the
    // share of agreeing rows has a standard error near 0.0015.
    MinHasher minHasher = new MinHasher(256);
    SplittableRandom random = new SplittableRandom(4);
    double agree = 0;
    int pairs = 400;
    for (int i = 0; i < pairs; i++) {
      int[][] p = pair(random, 40, 33);
      assertEquals(33.0 / 47, Jaccard.of(p[0], p[1]), 1e-12);
      agree += MinHasher.estimate(minHasher.signature(p[0]), minHasher.signature(p[1]));
    }
    assertEquals(33.0 / 47, agree / pairs, 0.01);
  }

  @Test
  void rejectsAnEmptyFamily() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new MinHasher(0));
    assertTrue(e.getMessage().startsWith("num_perm: 0"), e.getMessage());
  }
}
