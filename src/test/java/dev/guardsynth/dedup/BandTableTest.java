package dev.guardsynth.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BandTableTest {
  @Test
  void everyBucketChainsAllItsQuestionsThroughGrowth() {
    int bands = 4;
    BandTable table = new BandTable(bands);
    SplittableRandom random = new SplittableRandom(3);
    List<Map<Long, List<Integer>>> expected = new ArrayList<>();
    for (int band = 0; band < bands; band++) {
      expected.add(new HashMap<>());
    }
    // 20,000 questions over 5,000 distinct keys per band: long chains, several table growths.
    for (int q = 0; q < 20_000; q++) {
      long[] keys = new long[bands];
      int[] slots = new int[bands];
      for (int band = 0; band < bands; band++) {
        keys[band] = Shingler.mix64(1 + random.nextInt(5_000) * 31L + band);
        slots[band] = table.find(band, keys[band]);
        expected.get(band).computeIfAbsent(keys[band], k -> new ArrayList<>()).add(0, q);
      }
      assertEquals(q, table.add(keys, slots));
    }
    for (int band = 0; band < bands; band++) {
      for (Map.Entry<Long, List<Integer>> e : expected.get(band).entrySet()) {
        List<Integer> chain = new ArrayList<>();
        for (int entry = table.first(band, table.find(band, e.getKey()));
            entry >= 0;
            entry = table.next(entry)) {
          chain.add(table.question(entry));
        }
        assertEquals(e.getValue(), chain);
      }
    }
    assertEquals(-1, table.first(0, table.find(0, Shingler.mix64(-12345L))));
  }
}
