package dev.guardsynth.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SketchTest {
  private static long[] sketch(int[] signature) {
    long[] out = new long[Sketch.words(signature.length)];
    Sketch.write(signature, out, 0);
    return out;
  }

  @Test
  void identicalSignaturesAgreeEverywhere() {
    int[] signature = new SplittableRandom(1).ints(256).toArray();
    assertEquals(256, Sketch.agreements(sketch(signature), 0, sketch(signature), 0, 256));
  }

  @Test
  void oddRowCountsIgnoreThePadding() {
    int[] a = {0, 1, 2, 3, 4};
    int[] b = {0, 1, 2, 3, 5}; // last row differs in its low bits
    assertEquals(4, Sketch.agreements(sketch(a), 0, sketch(b), 0, 5));
  }

  @Test
  void neverRejectsPairsAtTheThreshold() {
    // 2,000 simulated pairs at Jaccard 0.7 (35 of 50 shared): all pass the sketch cut-off, while
    // pairs at 0.4 mostly do not.
    MinHasher minHasher = new MinHasher(256);
    int cut = Sketch.minAgreements(256, 0.7);
    SplittableRandom random = new SplittableRandom(9);
    int rejectedNear = 0;
    int passedFar = 0;
    for (int i = 0; i < 2000; i++) {
      int[][] near = MinHasherTest.pair(random, 50, 42); // 42/58 = 0.724
      int[][] far = MinHasherTest.pair(random, 50, 29); // 29/71 = 0.408
      if (agreements(minHasher, near) < cut) {
        rejectedNear++;
      }
      if (agreements(minHasher, far) >= cut) {
        passedFar++;
      }
    }
    assertEquals(0, rejectedNear);
    assertTrue(passedFar < 40, passedFar + " far pairs passed");
  }

  private static int agreements(MinHasher minHasher, int[][] pair) {
    return Sketch.agreements(
        sketch(minHasher.signature(pair[0])), 0, sketch(minHasher.signature(pair[1])), 0, 256);
  }

  @Test
  void tooFewRowsNeverReject() {
    assertEquals(0, Sketch.minAgreements(8, 0.7));
  }
}
