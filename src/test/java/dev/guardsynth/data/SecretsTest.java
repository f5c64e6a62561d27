package dev.guardsynth.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://user:pw@host:8080/v1 | http://***@host:8080/v1",
        "https://host/v1?key=abc&api-version=2024 | https://host/v1?key=***&api-version=***",
        "http://u:p@ss@host/v1?k | http://***@host/v1?***",
        "https://host/v1#token | https://host/v1#***",
        "https://api.openai.com/v1 | https://api.openai.com/v1",
        "not a url | not a url",
      })
  void redactsUserinfoQueryValuesAndFragments(String url, String expected) {
    assertEquals(expected, Secrets.redactUrl(url));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "teacher 'openai' at http://a:b@h/v1?key=x (model 'm') failed"
            + " | teacher 'openai' at http://***@h/v1?key=*** (model 'm') failed",
        "\"base_url\":\"http://a:b@h/v1\",\"x\":1 | \"base_url\":\"http://***@h/v1\",\"x\":1",
        "two: http://a:b@h and https://c:d@i/x | two: http://***@h and https://***@i/x",
      })
  void redactsEveryUrlInText(String text, String expected) {
    assertEquals(expected, Secrets.redact(text));
  }
}
