package dev.guardsynth.text;

import java.util.Locale;

/**
 * Tells Korean, English and mixed text apart by script, which stays reliable on a one-line question
 * where word statistics have too little to go on. Letters are counted by script (digits, spaces,
 * punctuation and emoji are ignored); a Hangul syllable counts as two letters, because one syllable
 * block writes two or three sounds that Latin spells with as many letters, so "YouTube 가족 요금제"
 * weighs its two scripts fairly. With {@code share} = weighted Hangul / all weighted letters:
 *
 * <ul>
 *   <li>{@code ko}: share &ge; {@value #KOREAN_MIN} (Korean, perhaps with English terms in it)
 *   <li>{@code mixed}: {@value #MIXED_MIN} &le; share &lt; {@value #KOREAN_MIN}
 *   <li>{@code en}: share &lt; {@value #MIXED_MIN} and Latin letters are at least half (any
 *       Latin-script language reads as {@code en}: the rule sets only ask for Korean or English)
 *   <li>{@code other}: mostly another script (Han, kana, Cyrillic...)
 *   <li>{@code unknown}: fewer than two letters
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class LanguageDetector {
  static final double KOREAN_MIN = 0.5;
  static final double MIXED_MIN = 0.15;

  private LanguageDetector() {}

  /**
   * What {@link #detect} found.
   *
   * @param language {@code ko}, {@code en}, {@code mixed}, {@code other} or {@code unknown}
   * @param hangulShare weighted Hangul letters over all weighted letters, 0 to 1
   */
  public record Detection(String language, double hangulShare) {
    /** For rejection details: {@code mixed (Hangul 31%)}. */
    public String describe() {
      return language + String.format(Locale.ROOT, " (Hangul %.0f%%)", hangulShare * 100);
    }
  }

  public static Detection detect(String text) {
    int hangul = 0;
    int latin = 0;
    int other = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)) {
        continue;
      }
      Character.UnicodeScript script = Character.UnicodeScript.of(cp);
      if (script == Character.UnicodeScript.HANGUL) {
        hangul += isSyllable(cp) ? 2 : 1;
      } else if (script == Character.UnicodeScript.LATIN) {
        latin++;
      } else {
        other++;
      }
    }
    int letters = hangul + latin + other;
    if (letters < 2) {
      return new Detection("unknown", 0);
    }
    double share = (double) hangul / letters;
    String language;
    if (share >= KOREAN_MIN) {
      language = "ko";
    } else if (share >= MIXED_MIN) {
      language = "mixed";
    } else if (latin * 2 >= letters) {
      language = "en";
    } else {
      language = "other";
    }
    return new Detection(language, share);
  }

  /** Whether {@link #detect} can check {@code language}; other languages pass unchecked. */
  public static boolean supports(String language) {
    return "ko".equals(language) || "en".equals(language);
  }

  private static boolean isSyllable(int cp) {
    return cp >= 0xAC00 && cp <= 0xD7A3;
  }
}
