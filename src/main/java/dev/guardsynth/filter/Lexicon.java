package dev.guardsynth.filter;

import dev.guardsynth.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A list of names or words found in text fast, whatever its length: entries are indexed by their
 * first two characters, so a question is scanned once instead of once per entry. Matching ignores
 * case and Unicode width. A Latin entry must stand as a whole word ("Ann" does not match
 * "announce"); a Hangul entry matches at the start of a word and may carry a particle after it, as
 * Korean writes them ("손흥민이", "손흥민의"). Entries shorter than two characters are ignored. Immutable
 * and thread-safe.
 */
final class Lexicon {
  private final Map<String, List<String>> byPrefix;
  private final int size;

  private Lexicon(Map<String, List<String>> byPrefix, int size) {
    this.byPrefix = byPrefix;
    this.size = size;
  }

  static Lexicon of(List<String> entries) {
    Map<String, List<String>> byPrefix = new HashMap<>();
    int size = 0;
    for (String entry : entries) {
      String e = normalize(entry);
      if (e.length() < 2) {
        continue; // A one-letter entry would match nearly every question.
      }
      byPrefix
          .computeIfAbsent(e.substring(0, Math.min(2, e.length())), k -> new ArrayList<>())
          .add(e);
      size++;
    }
    return new Lexicon(byPrefix, size);
  }

  /** Reads a lexicon file: one entry a line; blank lines and lines starting with # are skipped. */
  static Lexicon read(Path file, String what) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file + ": no such " + what + " file; create it (one entry a line) or fix the path");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    return of(
        lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
  }

  int size() {
    return size;
  }

  /** The first entry found in {@code text}, as written in the lexicon (normalized). */
  Optional<String> find(String text) {
    String t = normalize(text);
    for (int i = 0; i < t.length(); i++) {
      if (i > 0 && isWordChar(t.charAt(i - 1)) && !isHangul(t.charAt(i))) {
        continue;
      }
      if (i > 0 && isHangul(t.charAt(i)) && isHangul(t.charAt(i - 1))) {
        continue;
      }
      List<String> candidates = byPrefix.get(t.substring(i, Math.min(i + 2, t.length())));
      if (candidates == null) {
        continue;
      }
      for (String entry : candidates) {
        if (t.startsWith(entry, i) && endsWell(t, i + entry.length(), entry)) {
          return Optional.of(entry);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean endsWell(String t, int end, String entry) {
    if (end >= t.length() || isHangul(entry.charAt(entry.length() - 1))) {
      return true; // Korean particles attach to the name, so anything may follow a Hangul entry.
    }
    return !isWordChar(t.charAt(end));
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c);
  }

  private static boolean isHangul(char c) {
    return Character.UnicodeScript.of(c) == Character.UnicodeScript.HANGUL;
  }

  static String normalize(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFKC)
        .toLowerCase(Locale.ROOT)
        .replaceAll("\\s+", " ")
        .strip();
  }
}
