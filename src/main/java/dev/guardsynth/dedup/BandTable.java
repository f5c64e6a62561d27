package dev.guardsynth.dedup;

import java.util.Arrays;

/**
 * The LSH buckets of the questions kept so far in this run: band key to every kept question with
 * that key, in primitive arrays. Open addressing over {@code long} keys gives each bucket its
 * newest entry; {@code next} chains each entry to the previous one in its bucket. An entry is
 * {@code question * bands + band}, so a million questions of 16 bands cost about 450 MB, with no
 * object per entry. Not thread-safe.
 */
final class BandTable {
  private static final int EMPTY = -1;

  private final int bands;
  private long[] keys;
  private int[] heads;
  private int[] next;
  private int used;
  private int questions;

  BandTable(int bands) {
    this.bands = bands;
    this.keys = new long[1 << 12];
    this.heads = new int[1 << 12];
    Arrays.fill(heads, EMPTY);
    this.next = new int[1 << 12];
  }

  /** Adds the next question (numbered from 0 in the order added) under its band keys. */
  int add(long[] bandKeys) {
    int question = questions;
    if ((long) (question + 1) * bands > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(
          "more than "
              + (Integer.MAX_VALUE / bands)
              + " kept questions in one run; split the input");
    }
    int firstEntry = question * bands;
    if (firstEntry + bands > next.length) {
      next = Arrays.copyOf(next, Math.max(firstEntry + bands, next.length + (next.length >> 1)));
    }
    for (int band = 0; band < bands; band++) {
      int entry = firstEntry + band;
      int slot = slot(bandKeys[band]);
      if (heads[slot] == EMPTY) {
        keys[slot] = bandKeys[band];
        next[entry] = EMPTY;
        used++;
      } else {
        next[entry] = heads[slot];
      }
      heads[slot] = entry;
    }
    questions++;
    if (used > keys.length >> 1) {
      grow();
    }
    return question;
  }

  /** The newest entry under {@code key}, or -1. */
  int first(long key) {
    return heads[slot(key)];
  }

  /** The entry before {@code entry} in its bucket, or -1. */
  int next(int entry) {
    return next[entry];
  }

  /** The question an entry belongs to. */
  int question(int entry) {
    return entry / bands;
  }

  int size() {
    return questions;
  }

  private int slot(long key) {
    int mask = keys.length - 1;
    // Keys are already well mixed hashes, so their low bits are a fine start.
    int slot = (int) key & mask;
    while (heads[slot] != EMPTY && keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldHeads = heads;
    keys = new long[oldKeys.length * 2];
    heads = new int[oldHeads.length * 2];
    Arrays.fill(heads, EMPTY);
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldHeads[i] != EMPTY) {
        int slot = slot(oldKeys[i]);
        keys[slot] = oldKeys[i];
        heads[slot] = oldHeads[i];
      }
    }
  }
}
