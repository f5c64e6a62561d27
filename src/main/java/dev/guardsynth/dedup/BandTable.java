package dev.guardsynth.dedup;

import java.util.Arrays;

/**
 * The LSH buckets of the questions kept so far in this run, in primitive arrays: per band, an
 * open-addressing table whose slots pack 32 bits of a band key with the newest entry under it, and
 * one {@code next} array chaining each entry to the previous one in its bucket. An entry is {@code
 * question * bands + band}.
 *
 * <p>Each band has its own table, so a slot needs only 32 bits of the key (two keys that share them
 * cost one needless check, about once in 2^32 / size lookups), one memory access reads key and head
 * together, and tables grow one at a time. A million kept questions of 32 bands cost 0.4 to 0.7 GB
 * (tables double when three quarters full) and no object per entry. Not thread-safe.
 */
final class BandTable {
  private static final int NONE = -1;
  private static final long EMPTY = -1L; // head -1: nothing stored

  private final int bands;
  private final long[][] slots;
  private final int[] used;
  private int[] next = new int[1 << 12];
  private int questions;

  BandTable(int bands) {
    this.bands = bands;
    this.slots = new long[bands][];
    this.used = new int[bands];
    for (int band = 0; band < bands; band++) {
      slots[band] = new long[1 << 10];
      Arrays.fill(slots[band], EMPTY);
    }
  }

  /**
   * The slot of {@code key} in {@code band}'s table: where it is, or where it would go. Valid until
   * the next {@link #add}.
   */
  int find(int band, long key) {
    long[] table = slots[band];
    int mask = table.length - 1;
    int shortKey = shortKey(key);
    int slot = shortKey & mask;
    for (long s = table[slot]; (int) s != NONE && (int) (s >>> 32) != shortKey; s = table[slot]) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** The newest entry in a slot found by {@link #find}, or -1. */
  int first(int band, int slot) {
    return (int) slots[band][slot];
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

  /**
   * Adds the next question (numbered from 0 in the order added) under its band keys, at the slots
   * {@link #find} gave for them since the last add.
   */
  int add(long[] bandKeys, int[] found) {
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
      long[] table = slots[band];
      int slot = found[band];
      int head = (int) table[slot];
      next[entry] = head;
      table[slot] = (long) shortKey(bandKeys[band]) << 32 | (entry & 0xffffffffL);
      if (head == NONE && ++used[band] > (table.length >> 1) + (table.length >> 2)) {
        grow(band);
      }
    }
    return questions++;
  }

  /** Band keys are well-mixed hashes, so any 32 of their bits serve as key and slot alike. */
  private static int shortKey(long key) {
    return (int) (key >>> 32);
  }

  private void grow(int band) {
    long[] old = slots[band];
    long[] table = new long[old.length * 2];
    Arrays.fill(table, EMPTY);
    int mask = table.length - 1;
    for (long s : old) {
      if ((int) s != NONE) {
        int slot = (int) (s >>> 32) & mask;
        while ((int) table[slot] != NONE) {
          slot = (slot + 1) & mask;
        }
        table[slot] = s;
      }
    }
    slots[band] = table;
  }
}
