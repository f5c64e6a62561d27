package dev.guardsynth.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
          Can I say 안녕하세요 to my new boss?                | mixed
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
}
