package dev.guardsynth.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.DedupConfig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BandingTest {
  private static final DedupConfig DEFAULTS = new DedupConfig(null, null, null, null, null);

  @Test
  void defaultCurveSitsJustBelowTheDefaultThreshold() {
    Banding banding = new Banding(DEFAULTS.numPerm(), DEFAULTS.bands());
    double threshold = DEFAULTS.threshold();
    // Steepest near (1/32)^(1/8) = 0.648: close below 0.7, so pairs at the threshold are found
    // while pairs at half of it almost never become candidates.
    assertEquals(0.648, banding.curveThreshold(), 0.001);
    assertTrue(banding.curveThreshold() < threshold && banding.curveThreshold() > threshold - 0.1);
    assertEquals(0.850, banding.candidateProbability(threshold), 0.001);
    assertTrue(banding.candidateProbability(0.8) > 0.99);
    assertTrue(banding.candidateProbability(0.35) < 0.01);
  }

  @Test
  void sCurveFormula() {
    Banding banding = new Banding(20, 5); // 5 bands of 4 rows
    assertEquals(4, banding.rows());
    assertEquals(1 - Math.pow(1 - Math.pow(0.5, 4), 5), banding.candidateProbability(0.5), 1e-12);
    assertEquals(0.0, banding.candidateProbability(0), 1e-12);
    assertEquals(1.0, banding.candidateProbability(1), 1e-12);
  }

  /** Simulated pairs at a known Jaccard similarity become candidates as often as the curve says. */
  @ParameterizedTest
  @CsvSource({"40, 20", "40, 28", "40, 33", "40, 36"})
  void measuredCandidateRateFollowsTheCurve(int size, int common) {
    MinHasher minHasher = new MinHasher(64);
    Banding banding = new Banding(64, 16); // 4 rows: a steep curve the simulation can see
    SplittableRandom random = new SplittableRandom(size * 100L + common);
    int pairs = 1500;
    int candidates = 0;
    for (int i = 0; i < pairs; i++) {
      int[][] p = MinHasherTest.pair(random, size, common);
      long[] a = banding.keys(minHasher.signature(p[0]));
      long[] b = banding.keys(minHasher.signature(p[1]));
      for (int band = 0; band < a.length; band++) {
        if (a[band] == b[band]) {
          candidates++;
          break;
        }
      }
    }
    double expected = banding.candidateProbability((double) common / (2 * size - common));
    double stderr = Math.sqrt(expected * (1 - expected) / pairs);
    assertEquals(expected, (double) candidates / pairs, 4 * stderr + 0.01);
  }

  @Test
  void bandKeysDifferAcrossBandsForEqualRows() {
    Banding banding = new Banding(8, 4);
    long[] keys = banding.keys(new int[] {7, 7, 7, 7, 7, 7, 7, 7});
    assertEquals(4, java.util.Arrays.stream(keys).distinct().count());
  }

  @Test
  void bandsMustDivideThePermutations() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Banding(256, 30));
    assertEquals("bands: 30 does not divide num_perm 256; use a divisor of 256", e.getMessage());
  }
}
