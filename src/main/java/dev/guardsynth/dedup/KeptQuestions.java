package dev.guardsynth.dedup;

import dev.guardsynth.data.Label;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What this run remembers of each question it kept: id, label, shingle set and a 2-bit {@link
 * Sketch} of its signature, never the text. Shingle sets sit back to back in int chunks of 1M
 * ({@code [length, hash, hash, ...]}), so a million questions of 40 shingles cost about 170 MB and
 * no object each. Questions are numbered from 0 in the order kept, the same numbers {@link
 * BandTable} uses. Not thread-safe.
 */
final class KeptQuestions {
  private static final int CHUNK = 1 << 20;
  private static final Label[] LABELS = Label.values();

  private final int sketchWords;
  // Per question: the number of the last lookup that checked it, then its sketch; side by side
  // so a lookup's check-once test and sketch test read the same memory.
  private final int stride;
  private long[] sketches;
  private String[] ids = new String[1024];
  private byte[] labels = new byte[1024];
  private long[] addresses = new long[1024];
  private final List<int[]> chunks = new ArrayList<>();
  private int[] chunk;
  private int chunkUsed;
  private int size;

  /** Keeps questions whose signatures have {@code rows} rows. */
  KeptQuestions(int rows) {
    this.sketchWords = Sketch.words(rows);
    this.stride = sketchWords + 1;
    this.sketches = new long[1024 * stride];
  }

  /** Remembers a kept question; returns its number. */
  int add(String id, Label label, int[] shingles, long[] sketch) {
    if (size == ids.length) {
      int grown = size + (size >> 1);
      ids = Arrays.copyOf(ids, grown);
      labels = Arrays.copyOf(labels, grown);
      addresses = Arrays.copyOf(addresses, grown);
      sketches = Arrays.copyOf(sketches, grown * stride);
    }
    System.arraycopy(sketch, 0, sketches, size * stride + 1, sketchWords);
    if (chunk == null || chunkUsed + shingles.length + 1 > chunk.length) {
      chunk = new int[Math.max(CHUNK, shingles.length + 1)];
      chunks.add(chunk);
      chunkUsed = 0;
    }
    chunk[chunkUsed] = shingles.length;
    System.arraycopy(shingles, 0, chunk, chunkUsed + 1, shingles.length);
    addresses[size] = (long) (chunks.size() - 1) << 32 | chunkUsed;
    chunkUsed += shingles.length + 1;
    ids[size] = id;
    labels[size] = (byte) label.ordinal();
    return size++;
  }

  String id(int question) {
    return ids[question];
  }

  Label label(int question) {
    return LABELS[labels[question]];
  }

  /**
   * Marks a kept question as checked by lookup number {@code lookup}; false if it already was, as
   * happens when a near-duplicate shares several bands with it. Lookup numbers start at 1.
   */
  boolean markChecked(int question, long lookup) {
    int at = question * stride;
    if (sketches[at] == lookup) {
      return false;
    }
    sketches[at] = lookup;
    return true;
  }

  /** How many 2-bit lanes of a kept question's sketch agree with {@code sketch}. */
  int sketchAgreements(int question, long[] sketch, int rows) {
    return Sketch.agreements(sketches, question * stride + 1, sketch, 0, rows);
  }

  /** The size of a kept question's shingle set. */
  int shingleCount(int question) {
    long address = addresses[question];
    return chunks.get((int) (address >>> 32))[(int) address];
  }

  /** Exact Jaccard similarity of a kept question's shingles and {@code shingles}. */
  double jaccard(int question, int[] shingles) {
    long address = addresses[question];
    int[] in = chunks.get((int) (address >>> 32));
    int start = (int) address;
    return Jaccard.of(in, start + 1, in[start], shingles);
  }

  int size() {
    return size;
  }
}
