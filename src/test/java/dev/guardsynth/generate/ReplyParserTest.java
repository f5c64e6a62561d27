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

  /** Replies as real models write them: each with the questions a careful reader keeps. */
  static Stream<Arguments> realReplies() {
    return Stream.of(
        Arguments.of(
            "thinking block with draft questions",
            "<think>\n- keep them short\n- use 반말\n1. 초안 질문?\n</think>\n1. 진짜 질문이야?\n2. 두 번째야?",
            List.of("진짜 질문이야?", "두 번째야?")),
        Arguments.of(
            "lone closing think tag",
            "planning: 1. draft?\n</think>\n1. Kept question?",
            List.of("Kept question?")),
        Arguments.of(
            "JSON after a thinking block",
            "<think>{\"draft\": 1}</think>\n[\"After thinking?\"]",
            List.of("After thinking?")),
        Arguments.of("circled numbers", "① 첫째야?\n② 둘째야?", List.of("첫째야?", "둘째야?")),
        Arguments.of(
            "질문 N: and N번:", "질문 1: 하나야?\n질문 2: 둘이야?\n3번: 셋이야?", List.of("하나야?", "둘이야?", "셋이야?")),
        Arguments.of(
            "Question N:", "Question 1: First?\nQuestion 2: Second?", List.of("First?", "Second?")),
        Arguments.of("full-width numbers", "１．전각 하나?\n２．전각 둘?", List.of("전각 하나?", "전각 둘?")),
        Arguments.of(
            "bold number, bold item",
            "**1.** Bold number?\n**2. Bold item?**",
            List.of("Bold number?", "Bold item?")),
        Arguments.of(
            "typographic quotes",
            "1. ‘Single quoted?’\n2. «Guillemets?»\n3. “Double?”",
            List.of("Single quoted?", "Guillemets?", "Double?")),
        Arguments.of(
            "closing note and rule dropped",
            "1. 질문이야?\n---\n*참고: 이 질문들은 분류기 학습용입니다.*",
            List.of("질문이야?")),
        Arguments.of(
            "sub-bullets under items dropped",
            "1. 첫 질문이야?\n   - 의도: 모욕\n   *Why it's harmful: insult*\n2. 둘째 질문이야?",
            List.of("첫 질문이야?", "둘째 질문이야?")),
        Arguments.of(
            "JSON after a lead sentence",
            "Here are the questions:\n{\"questions\": [\"Lead one?\", \"Lead two?\"]}",
            List.of("Lead one?", "Lead two?")),
        Arguments.of(
            "JSON under another key",
            "{\"bad_questions\": [\"Other key?\"]}",
            List.of("Other key?")),
        Arguments.of(
            "JSON objects with a content field",
            "[{\"id\": 1, \"content\": \"Content field?\"}]",
            List.of("Content field?")),
        Arguments.of(
            "markdown table of questions",
            "| # | 질문 | 유형 |\n|---|---|---|\n| 1 | 표 안의 질문이야? | 모욕 |\n| 2 | 두 번째 행이야? | 비하 |",
            List.of("표 안의 질문이야?", "두 번째 행이야?")),
        Arguments.of(
            "one-line list",
            "1. First on the line? 2. Second on the line? 3. Third?",
            List.of("First on the line?", "Second on the line?", "Third?")),
        Arguments.of(
            "trailing comma and single quotes",
            "['Single one?', 'Single two?',]",
            List.of("Single one?", "Single two?")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("realReplies")
  void readsWhatRealModelsWrite(String name, String reply, List<String> questions) {
    ParsedReply parsed = parser.parse(reply);
    assertEquals(questions, parsed.questions());
    assertFalse(parsed.refusal());
    assertEquals(
        parsed.returned(), parsed.questions().size() + parsed.unparseable() + parsed.truncated());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("thinking")
  void countsAThinkBlock(String reply) {
    assertTrue(parser.parse(reply).thinkBlock(), reply);
  }

  static Stream<String> thinking() {
    return Stream.of("<think>x</think>\n1. q?", "x</think>1. q?", "<think>cut while thinking");
  }

  /** A reply cut by the token limit: its last, unfinished item is dropped and counted. */
  static Stream<Arguments> truncatedReplies() {
    return Stream.of(
        Arguments.of("numbered list", "1. 완성된 질문이야?\n2. 잘린 질", List.of("완성된 질문이야?"), 1),
        Arguments.of(
            "cut in the closing remark keeps every item",
            "1. Whole?\n2. Also whole?\nHope this hel",
            List.of("Whole?", "Also whole?"),
            0),
        Arguments.of(
            "JSON array",
            "[\"Complete one?\", \"Complete two?\", \"Cut th",
            List.of("Complete one?", "Complete two?"),
            1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("truncatedReplies")
  void dropsTheCutItem(String name, String reply, List<String> questions, int truncated) {
    ParsedReply parsed = parser.parse(reply, true, true);
    assertEquals(questions, parsed.questions());
    assertEquals(truncated, parsed.truncated());
    assertEquals(
        parsed.returned(), parsed.questions().size() + parsed.unparseable() + parsed.truncated());
  }

  @ParameterizedTest
  @MethodSource("refusalsWithSafeQuestions")
  void aRefusalThatHandsBackSafeQuestionsRefusesAnUnsafeRequest(String reply) {
    ParsedReply parsed = parser.parse(reply, true, false);
    assertTrue(parsed.refusal(), reply);
    assertEquals(List.of(), parsed.questions());
    assertEquals(1, parsed.returned());
  }

  static Stream<String> refusalsWithSafeQuestions() {
    return Stream.of(
        "I can’t help with harmful content, but here are some safe questions:\n1. How do I bake bread?\n2. What is a good book?",
        "죄송하지만 그런 질문은 만들어 드릴 수 없습니다. 대신 안전한 질문을 드릴게요:\n1. 오늘 날씨 어때?");
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
        "I’m sorry, but I can’t assist with that.",
        "I can’t fulfill that request. Is there anything else I can help you with?",
        "<think>The user wants unsafe questions.</think>\nI’m sorry, but I can’t help with that.",
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
