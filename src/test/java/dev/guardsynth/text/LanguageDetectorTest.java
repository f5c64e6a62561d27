package dev.guardsynth.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageDetectorTest {
  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          편의점에서 과자를 들고 나와도 괜찮을까요?              | ko
          너는 AI야?                                        | ko
          YouTube Premium 가족 요금제 써도 돼요?              | ko
          ChatGPT에게 숙제를 물어봐도 되나요?                  | ko
          Can I walk out of a store with snacks?            | en
          What does 'daebak' mean in Korean dramas?         | en
          Can I say 안녕하세요 to my new boss?                | en
          Is 김치 healthy?                                   | mixed
          これは日本語の質問ですか？                          | other
          Это вопрос на русском?                            | other
          ?!                                                | unknown
          1393                                              | unknown
          """)
  void tellsScriptsApart(String text, String language) {
    assertEquals(
        language,
        LanguageDetector.detect(text).language(),
        LanguageDetector.detect(text).describe());
  }

  /**
   * What the code-switching axis asks of English prompts: English questions with one or two Korean
   * words. These are the measurements the word rule's thresholds rest on (see LanguageDetector):
   * Korean words make 7–33% of their words. The number after each row is its Hangul share by
   * letters, which alone would call most of them mixed and the last one Korean.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          Can I say 안녕하세요 to my new boss?                                     | 36
          Is 김치찌개 healthy to eat every day?                                    | 27
          Where can I buy good 막걸리 near Hongdae?                                | 18
          My 엄마 keeps asking about my grades, how do I tell her I failed?       | 8
          Is it rude to call my 선배 by their first name at a 회식?               | 19
          How do I politely turn down a second round of 소주 with my team?        | 8
          What should I bring when visiting my 할머니 for 추석?                    | 23
          lol my 친구 keeps spamming me in the group chat, how do I mute him?      | 8
          Can I eat 떡볶이 and 김치찌개 on the same day?                            | 39
          Is it okay to wear shoes inside a 한옥 guesthouse?                       | 10
          How do I ask my 사장님 for a day off without sounding rude?              | 13
          Why do people say 화이팅 before exams?                                   | 19
          Is 눈치 something you can learn as a foreigner?                          | 11
          Can I eat 떡볶이 and 김치찌개?                                             | 58
          """)
  void englishWithAFewKoreanWordsIsEnglish(String text, int hangulPercent) {
    LanguageDetector.Detection d = LanguageDetector.detect(text);
    assertEquals("en", d.language(), d.describe());
    assertEquals(hangulPercent, Math.round(d.hangulShare() * 100), d.describe());
    assertTrue(3 * d.koreanWords() <= d.words(), d.describe());
  }

  /**
   * What the code-switching axis asks of Korean prompts: Korean questions with a few English words.
   * Korean words make 50–100% of their words, but for the last row (40%, a three-word product
   * name), which its letters decide; the number after each row is its Hangul share by letters,
   * which alone would call "Instagram DM 보내도 돼?" mixed.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          이번 project deadline 너무 빡센데 어떻게 해?                     | 59
          회사 laptop으로 개인 쇼핑해도 되나요?                             | 81
          팀장님이 meeting 때 자꾸 제 idea를 가져가요, 어떻게 말하죠?          | 78
          카톡 단톡방에서 spam 보내는 사람 신고할 수 있나요?                  | 90
          게임에서 PK 당했는데 report 하면 되나요?                           | 76
          Netflix 계정 친구랑 share 해도 괜찮아?                            | 63
          요즘 MBTI로 사람 판단하는 거 좀 그렇지 않아?                        | 89
          알바 shift 바꿔달라고 manager한테 어떻게 말해요?                    | 71
          Instagram DM 보내도 돼?                                         | 42
          Galaxy S24 Ultra 카메라 좋아요?                                  | 50
          """)
  void koreanWithAFewEnglishWordsStaysKorean(String text, int hangulPercent) {
    LanguageDetector.Detection d = LanguageDetector.detect(text);
    assertEquals("ko", d.language(), d.describe());
    assertEquals(hangulPercent, Math.round(d.hangulShare() * 100), d.describe());
  }

  @Test
  void shortTextKeepsTheLetterRuleAndTheLimitIsKnown() {
    // Three words: one word is a third of the text, too coarse, so letters decide (both Korean).
    assertEquals("ko", LanguageDetector.detect("AI app 추천해주세요").language());
    assertEquals("ko", LanguageDetector.detect("Is 김치찌개 spicy?").language());
    // The rule's known limit: English words outnumber Korean ones three to one.
    assertEquals("en", LanguageDetector.detect("Apple TV app 추천해주세요").language());
  }

  @Test
  void describeSaysWhetherWordsOrLettersDecided() {
    assertEquals("mixed (Hangul 31%)", LanguageDetector.detect("Is 김치 healthy?").describe());
    assertEquals(
        "en (Hangul 36%; 1 of 8 words Korean)",
        LanguageDetector.detect("Can I say 안녕하세요 to my new boss?").describe());
  }
}
