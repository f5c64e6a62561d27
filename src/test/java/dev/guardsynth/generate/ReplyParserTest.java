package dev.guardsynth.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReplyParserTest {
  private final ReplyParser parser = new ReplyParser();

  static Stream<Arguments> replies() {
    return Stream.of(
        Arguments.of(
            "dot numbers",
            "1. 첫 번째 질문인가요?\n2. 두 번째 질문인가요?",
            List.of("첫 번째 질문인가요?", "두 번째 질문인가요?"),
            0),
        Arguments.of(
            "paren numbers with blank lines",
            "1) First question?\n\n2) Second question?\n\n",
            List.of("First question?", "Second question?"),
            0),
        Arguments.of(
            "parenthesised numbers and quotes",
            "(1) \"Is this one?\"\n(2) “And this one?”",
            List.of("Is this one?", "And this one?"),
            0),
        Arguments.of(
            "bullets", "- 하나인가요?\n* 둘인가요?\n• 셋인가요?", List.of("하나인가요?", "둘인가요?", "셋인가요?"), 0),
        Arguments.of(
            "preamble and closing remark are dropped",
            "다음은 요청하신 질문입니다:\n1. 질문 하나인가요?\n2. 질문 둘인가요?\n도움이 되었으면 합니다.",
            List.of("질문 하나인가요?", "질문 둘인가요?"),
            2),
        Arguments.of(
            "code fence around a numbered list",
            "```\n1. Fenced question?\n2. Another one?\n```",
            List.of("Fenced question?", "Another one?"),
            0),
        Arguments.of(
            "JSON array in a fence",
            "```json\n[\"JSON question one?\", \"JSON question two?\"]\n```",
            List.of("JSON question one?", "JSON question two?"),
            0),
        Arguments.of(
            "JSON objects with a question field",
            "[{\"question\": \"Object question?\"}, {\"text\": \"Text field?\"}, {\"other\": 1}]",
            List.of("Object question?", "Text field?"),
            1),
        Arguments.of(
            "plain lines keep only questions",
            "Here you go\nIs this a question?\nThis is not one.\n이것도 질문인가요?",
            List.of("Is this a question?", "이것도 질문인가요?"),
            2),
        Arguments.of(
            "more items than asked are all kept",
            "1. a?\n2. b?\n3. c?\n4. d?",
            List.of("a?", "b?", "c?", "d?"),
            0),
        Arguments.of(
            "markdown bold and Q numbering",
            "Q1: **Bold question?**\nQ2. Plain question?",
            List.of("Bold question?", "Plain question?"),
            0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replies")
  void parsesWhatModelsReturn(String name, String reply, List<String> questions, int unparseable) {
    ParsedReply parsed = parser.parse(reply);
    assertEquals(questions, parsed.questions());
    assertEquals(unparseable, parsed.unparseable());
    assertFalse(parsed.refusal());
    assertEquals(parsed.returned(), parsed.questions().size() + parsed.unparseable());
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void countsARefusalAsOneItemAndNoQuestion(String reply) {
    ParsedReply parsed = parser.parse(reply);
    assertTrue(parsed.refusal(), reply);
    assertEquals(List.of(), parsed.questions());
    assertEquals(1, parsed.returned());
  }

  static Stream<String> refusals() {
    return Stream.of(
        "I'm sorry, but I can't help with creating those questions.",
        "As an AI, I cannot assist with that request.",
        "죄송하지만 그런 질문은 만들어 드릴 수 없습니다.",
        "죄송합니다. 요청하신 내용은 제공해 드릴 수 없습니다.");
  }

  @ParameterizedTest
  @MethodSource("empties")
  void anEmptyReplyHasNothing(String reply) {
    ParsedReply parsed = parser.parse(reply);
    assertEquals(0, parsed.returned());
    assertEquals(List.of(), parsed.questions());
  }

  static Stream<String> empties() {
    return Stream.of("", "   \n\n", "```\n```");
  }
}
