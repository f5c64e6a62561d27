package dev.guardsynth.dedup;

import java.io.IOException;
import java.io.Reader;
import java.text.Normalizer;
import org.apache.lucene.analysis.charfilter.BaseCharFilter;

/**
 * The first step of every shingle scheme: Unicode NFKC (full-width letters, compatibility jamo and
 * ligatures fold to their plain forms), lower case, and punctuation, symbols and spacing removed or
 * collapsed. With {@code keepWordBreaks} each run of them becomes one space, so word and morpheme
 * tokenizers still see word boundaries; without it they vanish, because Korean writers space the
 * same sentence differently and character shingles should not notice.
 *
 * <p>Lucene's own NFKC filter lives in analysis-icu, which this project does not ship, so this uses
 * the JDK's {@link Normalizer}. Questions are short, so the whole input is read and normalized at
 * once. Offsets are not corrected: nothing downstream of it reads them.
 */
final class QuestionNormalizer extends BaseCharFilter {
  private final boolean keepWordBreaks;
  private char[] normalized;
  private int length;
  private int position;

  QuestionNormalizer(Reader in, boolean keepWordBreaks) {
    super(in);
    this.keepWordBreaks = keepWordBreaks;
  }

  @Override
  public int read(char[] buffer, int offset, int count) throws IOException {
    if (normalized == null) {
      fill();
    }
    if (position >= length) {
      return -1;
    }
    int n = Math.min(count, length - position);
    System.arraycopy(normalized, position, buffer, offset, n);
    position += n;
    return n;
  }

  private void fill() throws IOException {
    StringBuilder raw = new StringBuilder(64);
    char[] chunk = new char[256];
    for (int n; (n = input.read(chunk)) > 0; ) {
      raw.append(chunk, 0, n);
    }
    normalized = normalize(raw, keepWordBreaks).toCharArray();
    length = normalized.length;
  }

  /** The normalized form of {@code text}; see the class comment. */
  static String normalize(CharSequence text, boolean keepWordBreaks) {
    CharSequence nfkc =
        Normalizer.isNormalized(text, Normalizer.Form.NFKC)
            ? text
            : Normalizer.normalize(text, Normalizer.Form.NFKC);
    StringBuilder out = new StringBuilder(nfkc.length());
    boolean pendingBreak = false;
    for (int i = 0; i < nfkc.length(); ) {
      int cp = Character.codePointAt(nfkc, i);
      i += Character.charCount(cp);
      if (isBreak(cp)) {
        pendingBreak = !out.isEmpty();
        continue;
      }
      if (pendingBreak && keepWordBreaks) {
        out.append(' ');
      }
      pendingBreak = false;
      out.appendCodePoint(Character.toLowerCase(cp));
    }
    return out.toString();
  }

  /** Whitespace, control and format characters, punctuation and symbols (emoji included). */
  static boolean isBreak(int cp) {
    return switch (Character.getType(cp)) {
      case Character.SPACE_SEPARATOR,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.CONTROL,
          Character.FORMAT,
          Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL ->
          true;
      default -> false;
    };
  }

  @Override
  protected int correct(int currentOff) {
    return currentOff;
  }
}
