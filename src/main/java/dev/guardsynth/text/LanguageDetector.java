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
 * <p>Code-switched text of {@value #WORDS_MIN} words or more is decided by its words instead, since
 * each language borrows the other's nouns but keeps its own grammar, and grammar shows in words,
 * not letters. A word is a run of text between spaces that holds a letter; one that holds Hangul is
 * a Korean word, because Korean attaches its particles to a borrowed word ("ChatGPT에게"), and one of
 * Latin letters only is an English word. When a text has both, Korean words at least half of all
 * words ({@value #KOREAN_WORDS_MIN}) make it {@code ko}; Korean words at most a third (at least
 * {@value #ENGLISH_WORDS_PER_KOREAN} English words for each Korean one, and no word in another
 * script) make it {@code en}, as an English question with a few Korean words ("Can I say 안녕하세요 to
 * my new boss?") is; in between, the letters decide as above.
 *
 * <p>Measured on the examples in {@code LanguageDetectorTest}: English questions with one or two
 * Korean words had 7–33% Korean words, while their letters ranged from 8% to 58% Hangul ("Can I eat
 * 떡볶이 and 김치찌개?"), Korean for the letter rule; Korean questions with a few English words had
 * 50–100% Korean words (one with a three-word product name, 40%, is left to its letters: 50%),
 * while their letters went down to 42% ("Instagram DM 보내도 돼?"), mixed for the letter rule. So a
 * third and a half fall in the gap between the two. Below {@value #WORDS_MIN} words one word moves
 * the share by a third or more, too coarse to tell "Is 김치찌개 spicy?" from "AI app 추천해주세요", so short
 * text keeps the letter rule. The known limit: a Korean question whose English words outnumber its
 * Korean ones three to one ("Apple TV app 추천해주세요") reads as English.
 *
 * <p>Stateless and thread-safe.
 */
public final class LanguageDetector {
  static final double KOREAN_MIN = 0.5;
  static final double MIXED_MIN = 0.15;

  /** Words a text needs before its words, not its letters, decide code-switched text. */
  static final int WORDS_MIN = 4;

  /** Korean words, as a share of all words, from which code-switched text is Korean. */
  static final double KOREAN_WORDS_MIN = 0.5;

  /**
   * English words English text has for each Korean word, at least: Korean words are then at most a
   * third of its words.
   */
  static final int ENGLISH_WORDS_PER_KOREAN = 2;

  private LanguageDetector() {}

  /**
   * What {@link #detect} found.
   *
   * @param language {@code ko}, {@code en}, {@code mixed}, {@code other} or {@code unknown}
   * @param hangulShare weighted Hangul letters over all weighted letters, 0 to 1
   * @param koreanWords words holding Hangul
   * @param words words holding a letter
   * @param byWords whether the words, not the letters, decided {@code language}
   */
  public record Detection(
      String language, double hangulShare, int koreanWords, int words, boolean byWords) {

    /**
     * For rejection details: {@code mixed (Hangul 31%)}, or when the words decided {@code ko
     * (Hangul 35%; 2 of 4 words Korean)}.
     */
    public String describe() {
      return language
          + String.format(Locale.ROOT, " (Hangul %.0f%%", hangulShare * 100)
          + (byWords ? "; " + koreanWords + " of " + words + " words Korean)" : ")");
    }
  }

  public static Detection detect(String text) {
    int hangul = 0;
    int latin = 0;
    int other = 0;
    int words = 0;
    int koreanWords = 0;
    int englishWords = 0;
    boolean wordHangul = false;
    boolean wordLatin = false;
    boolean wordOther = false;
    for (int i = 0; i <= text.length(); ) {
      int cp = i < text.length() ? text.codePointAt(i) : ' ';
      i += i < text.length() ? Character.charCount(cp) : 1;
      if (Character.isWhitespace(cp)) {
        if (wordHangul || wordLatin || wordOther) {
          words++;
          koreanWords += wordHangul ? 1 : 0;
          englishWords += !wordHangul && wordLatin && !wordOther ? 1 : 0;
        }
        wordHangul = wordLatin = wordOther = false;
        continue;
      }
      if (!Character.isLetter(cp)) {
        continue;
      }
      Character.UnicodeScript script = Character.UnicodeScript.of(cp);
      if (script == Character.UnicodeScript.HANGUL) {
        hangul += isSyllable(cp) ? 2 : 1;
        wordHangul = true;
      } else if (script == Character.UnicodeScript.LATIN) {
        latin++;
        wordLatin = true;
      } else {
        other++;
        wordOther = true;
      }
    }
    int letters = hangul + latin + other;
    if (letters < 2) {
      return new Detection("unknown", 0, koreanWords, words, false);
    }
    double share = (double) hangul / letters;
    if (words >= WORDS_MIN && koreanWords > 0 && englishWords > 0) {
      if (koreanWords >= KOREAN_WORDS_MIN * words) {
        return new Detection("ko", share, koreanWords, words, true);
      }
      if (englishWords >= ENGLISH_WORDS_PER_KOREAN * koreanWords
          && koreanWords + englishWords == words) {
        return new Detection("en", share, koreanWords, words, true);
      }
    }
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
    return new Detection(language, share, koreanWords, words, false);
  }

  /** Whether {@link #detect} can check {@code language}; other languages pass unchecked. */
  public static boolean supports(String language) {
    return "ko".equals(language) || "en".equals(language);
  }

  private static boolean isSyllable(int cp) {
    return cp >= 0xAC00 && cp <= 0xD7A3;
  }
}
