package dev.guardsynth.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.junit.jupiter.api.Test;

class QuestionAnalyzerTest {
  private static List<String> tokens(String scheme, String text) {
    try (QuestionAnalyzer analyzer = new QuestionAnalyzer(ShingleScheme.parse(scheme));
        TokenStream ts = analyzer.tokenStream(QuestionAnalyzer.SHINGLES, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      List<String> out = new ArrayList<>();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void englishCharTrigramsIgnoreCasePunctuationAndSpaces() {
    assertEquals(
        List.of("how", "owd", "wdo", "doi", "oik", "ike", "kee", "eep"),
        tokens("char:3", "How do I keep?"));
    assertEquals(tokens("char:3", "How do I keep?"), tokens("char:3", "how  do i, KEEP!!"));
  }

  @Test
  void koreanSpacingVariantsGiveTheSameCharShingles() {
    List<String> spaced = tokens("char:3", "자전거를 도난으로부터 지키려면 어떻게 해야 하나요?");
    assertEquals(spaced, tokens("char:3", "자전거를도난으로 부터 지키려면 어떻게해야 하나요 ?"));
    assertEquals(List.of("자전거", "전거를", "거를도"), spaced.subList(0, 3));
  }

  @Test
  void nfkcFoldsFullWidthAndComposesHangulJamo() {
    assertEquals(tokens("char:3", "How do I?"), tokens("char:3", "ＨＯＷ ｄｏ Ｉ？"));
    String decomposed = Normalizer.normalize("한국어 질문", Normalizer.Form.NFD);
    assertNotEquals("한국어 질문", decomposed);
    assertEquals(List.of("한국어", "국어질", "어질문"), tokens("char:3", decomposed));
  }

  @Test
  void wordShinglesKeepWordBoundaries() {
    assertEquals(
        List.of("how do", "do i", "i clean", "clean my", "my bike"),
        tokens("word:2", "How do I clean my bike?"));
    assertEquals(List.of("hi"), tokens("word:2", "Hi!"));
  }

  @Test
  void noriDropsKoreanParticles() {
    List<String> object = tokens("nori:1", "자전거를 보관하려면?");
    assertEquals(object, tokens("nori:1", "자전거는 보관하려면?"));
    assertEquals(object, tokens("nori:1", "자전거 보관 하려면"));
    assertEquals(false, object.contains("를"));
  }

  @Test
  void shortAndSymbolOnlyQuestionsStillGetOneShingle() {
    Shingler shingler = new Shingler(new QuestionAnalyzer(ShingleScheme.parse("char:3")));
    assertEquals(1, shingler.shingles("Hi?").length);
    assertArrayEquals(shingler.shingles("Hi?"), shingler.shingles("hi"));
    assertEquals(1, shingler.shingles("???").length);
    assertNotEquals(shingler.shingles("???")[0], shingler.shingles("!!!")[0]);
  }

  @Test
  void shingleSetsAreSortedAndDistinct() {
    int[] set =
        new Shingler(new QuestionAnalyzer(ShingleScheme.parse("char:2"))).shingles("abab abab");
    assertEquals(2, set.length); // "abababab": ab, ba, ab, ... two distinct bigrams
    for (int i = 1; i < set.length; i++) {
      assertEquals(true, set[i - 1] < set[i]);
    }
  }
}
