package dev.guardsynth.dedup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Runs a {@link QuestionAnalyzer} over a question and returns its shingle set as sorted, distinct
 * 32-bit hashes. Sets of hashes are what MinHash signs and what exact Jaccard compares; 32 bits
 * keep them small, and two distinct shingles of one pair colliding (odds about 1 in 2^32 per pair
 * of shingles) moves a similarity by one shingle at most.
 *
 * <p>Not thread-safe (it reuses a scratch buffer); give each thread its own. The analyzer may be
 * shared.
 */
final class Shingler {
  private final QuestionAnalyzer analyzer;
  private int[] scratch = new int[128];

  Shingler(QuestionAnalyzer analyzer) {
    this.analyzer = analyzer;
  }

  /** The sorted, distinct shingle hashes of {@code text}; never empty. */
  int[] shingles(String text) {
    int n = collect(QuestionAnalyzer.SHINGLES, text);
    if (n == 0) {
      // Shorter than one shingle (say, two characters under char:3): the whole text is the shingle.
      n = collect(QuestionAnalyzer.WHOLE, text);
    }
    if (n == 0) {
      // Nothing but punctuation or symbols: only an identical text is a duplicate.
      scratch[0] = hash(text.strip());
      n = 1;
    }
    Arrays.sort(scratch, 0, n);
    int distinct = 1;
    for (int i = 1; i < n; i++) {
      if (scratch[i] != scratch[distinct - 1]) {
        scratch[distinct++] = scratch[i];
      }
    }
    return Arrays.copyOf(scratch, distinct);
  }

  private int collect(String field, String text) {
    try (TokenStream tokens = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
      tokens.reset();
      int n = 0;
      while (tokens.incrementToken()) {
        if (term.length() == 0) {
          continue; // the whole-text field of a text with nothing left after normalization
        }
        if (n == scratch.length) {
          scratch = Arrays.copyOf(scratch, n * 2);
        }
        scratch[n++] = hash(term.buffer(), term.length());
      }
      tokens.end();
      return n;
    } catch (IOException e) {
      // The analyzer reads from a String, which cannot fail; Nori's dictionary load can.
      throw new UncheckedIOException("analyzing a question", e);
    }
  }

  static int hash(CharSequence text) {
    char[] chars = text.toString().toCharArray();
    return hash(chars, chars.length);
  }

  /**
   * FNV-1a over the UTF-16 units, finished with MurmurHash3's 64-bit mixer; the upper 32 bits. Part
   * of the index format: changing it changes every signature (see {@code ReleaseIndex}).
   */
  static int hash(char[] chars, int length) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < length; i++) {
      h = (h ^ chars[i]) * 0x100000001b3L;
    }
    return (int) (mix64(h) >>> 32);
  }

  /** MurmurHash3's fmix64 finalizer: every input bit affects every output bit. */
  static long mix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
