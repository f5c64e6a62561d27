package dev.guardsynth.filter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data in a question: e-mail addresses, phone numbers (Korean mobile and landline
 * numbers such as 010-1234-5678, international +NN numbers, North American (NNN) NNN-NNNN), Korean
 * resident registration numbers (YYMMDD-GNNNNNN with a real month and day) and payment card numbers
 * (13 to 19 digits that pass the Luhn check, so order numbers and the like are left alone). Finds
 * never report the data itself, only its kind, so rejected.jsonl holds none of it. Stateless and
 * thread-safe.
 */
final class PersonalData {
  /** A kind of personal data, with the placeholder that masks it. */
  enum Kind {
    RESIDENT_NUMBER("resident registration number", "[RRN]"),
    CARD_NUMBER("card number", "[CARD]"),
    EMAIL("e-mail address", "[EMAIL]"),
    PHONE("phone number", "[PHONE]");

    final String description;
    final String mask;

    Kind(String description, String mask) {
      this.description = description;
      this.mask = mask;
    }
  }

  /** One piece of personal data at {@code [start, end)} of the text. */
  record Find(Kind kind, int start, int end) {}

  private static final Pattern RESIDENT_NUMBER =
      Pattern.compile("(?<!\\d)(\\d{2})(\\d{2})(\\d{2})[-\\s]?[1-8]\\d{6}(?!\\d)");
  private static final Pattern CARD_NUMBER =
      Pattern.compile("(?<!\\d)(?:\\d[ -]?){12,18}\\d(?!\\d)");
  private static final Pattern EMAIL =
      Pattern.compile(
          "(?<![\\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  private static final List<Pattern> PHONES =
      List.of(
          // Korean mobile: 010-1234-5678, 01012345678, 010 1234 5678.
          Pattern.compile("(?<![\\d+])01[016789][-.\\s]?\\d{3,4}[-.\\s]?\\d{4}(?!\\d)"),
          // Korean landline: 02-123-4567, 031-123-4567, (02) 123-4567.
          Pattern.compile(
              "(?<![\\d+])\\(?0(?:2|[3-6][1-5]|70)\\)?[-.\\s]\\d{3,4}[-.\\s]\\d{4}(?!\\d)"),
          // International: +82 10-1234-5678, +1 (555) 123-4567.
          Pattern.compile(
              "(?<![\\w+])\\+\\d{1,3}[-.\\s]?\\(?\\d{1,4}\\)?(?:[-.\\s]?\\d{2,4}){2,3}(?!\\d)"),
          // North American: (555) 123-4567, 555-123-4567.
          Pattern.compile(
              "(?<![\\d+])(?:\\(\\d{3}\\)\\s?|\\d{3}[-.\\s])\\d{3}[-.\\s]\\d{4}(?!\\d)"));

  private PersonalData() {}

  /** Every piece of personal data in {@code text}, without overlaps, in text order. */
  static List<Find> find(String text) {
    List<Find> found = new ArrayList<>();
    // Most specific first, so a resident number is not also taken for a card or a phone number.
    Matcher m = RESIDENT_NUMBER.matcher(text);
    while (m.find()) {
      int month = Integer.parseInt(m.group(2));
      int day = Integer.parseInt(m.group(3));
      if (month >= 1 && month <= 12 && day >= 1 && day <= 31) {
        add(found, new Find(Kind.RESIDENT_NUMBER, m.start(), m.end()));
      }
    }
    m = CARD_NUMBER.matcher(text);
    while (m.find()) {
      String digits = m.group().replaceAll("[ -]", "");
      if (digits.length() >= 13 && digits.length() <= 19 && passesLuhn(digits)) {
        add(found, new Find(Kind.CARD_NUMBER, m.start(), m.end()));
      }
    }
    m = EMAIL.matcher(text);
    while (m.find()) {
      add(found, new Find(Kind.EMAIL, m.start(), m.end()));
    }
    for (Pattern phone : PHONES) {
      m = phone.matcher(text);
      while (m.find()) {
        add(found, new Find(Kind.PHONE, m.start(), m.end()));
      }
    }
    found.sort(Comparator.comparingInt(Find::start));
    return found;
  }

  /** {@code text} with each find replaced by its kind's placeholder. */
  static String mask(String text, List<Find> finds) {
    return replace(text, finds, true);
  }

  /** {@code text} with each find replaced by a space. */
  static String blank(String text, List<Find> finds) {
    return replace(text, finds, false);
  }

  private static String replace(String text, List<Find> finds, boolean withPlaceholder) {
    StringBuilder out = new StringBuilder(text.length());
    int at = 0;
    for (Find f : finds) {
      out.append(text, at, f.start()).append(withPlaceholder ? f.kind().mask : " ");
      at = f.end();
    }
    return out.append(text, at, text.length()).toString();
  }

  /** The Luhn check digit test that every payment card number passes. */
  static boolean passesLuhn(String digits) {
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  private static void add(List<Find> found, Find candidate) {
    for (Find f : found) {
      if (candidate.start() < f.end() && f.start() < candidate.end()) {
        return;
      }
    }
    found.add(candidate);
  }
}
