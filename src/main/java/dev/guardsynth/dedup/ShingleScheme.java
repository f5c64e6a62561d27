package dev.guardsynth.dedup;

import java.util.Locale;

/**
 * How a question is cut into shingles: {@code char:N} (N characters, spaces removed), {@code
 * word:N} (N words) or {@code nori:N} (N Korean morphemes from Lucene's Nori tokenizer, particles
 * and endings dropped).
 */
record ShingleScheme(Kind kind, int size) {
  enum Kind {
    CHAR,
    WORD,
    NORI
  }

  ShingleScheme {
    if (size < 1 || size > 99) {
      throw new IllegalArgumentException(
          "shingle size " + size + " is not allowed; use a whole number from 1 to 99");
    }
  }

  /** Parses the config form, {@code char:3}; the config record has already checked its shape. */
  static ShingleScheme parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "shingle: '" + text + "' is not allowed; use char:N, word:N or nori:N");
    }
    Kind kind =
        switch (text.substring(0, colon)) {
          case "char" -> Kind.CHAR;
          case "word" -> Kind.WORD;
          case "nori" -> Kind.NORI;
          default ->
              throw new IllegalArgumentException(
                  "shingle: '" + text + "' is not allowed; use char:N, word:N or nori:N");
        };
    return new ShingleScheme(kind, Integer.parseInt(text.substring(colon + 1)));
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + ":" + size;
  }
}
