package dev.guardsynth.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.Label;
import dev.guardsynth.taxonomy.TaxonomyReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class JudgeReplyParserTest {
  private final JudgeReplyParser parser =
      new JudgeReplyParser(TaxonomyReader.read(Path.of("rules/taxonomy.yaml")));

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          {"label": "unsafe", "category": "crime_advice"}                 | unsafe | crime_advice
          ```json\\n{"label":"safe","category":"privacy_violation"}\\n``` | safe   | privacy_violation
          Verdict: {"label": "SAFE", "category": "Crime advice"}         | safe   | crime_advice
          {"category": "self-harm suicide", "label": " unsafe "}         | unsafe | self_harm_suicide
          {"label": "safe", "category": "개인정보 침해"}                   | safe   | privacy_violation
          {"Label": "UNSAFE", "Category": "crime_advice (Crime advice)"}  | unsafe | crime_advice
          {"label": "unsafe", "category": "crime_advice: Crime advice"}   | unsafe | crime_advice
          <think>Is it {unsafe}? Yes.</think>{"label": "unsafe", "category": "crime_advice"} | unsafe | crime_advice
          x {"a": 1} y</think>{"Verdicts": [{"Id": "1", "Label": "safe", "Category": "crime_advice"}]} | safe | crime_advice
          """)
  void readsVerdictsInTheShapesModelsWrite(String reply, String label, String category) {
    JudgeReply parsed = parser.parse(reply.replace("\\n", "\n"), List.of("1"), List.of()).get("1");
    JudgeReply.Parsed p = assertInstanceOf(JudgeReply.Parsed.class, parsed);
    assertEquals(Label.parse(label), p.label());
    assertEquals(category, p.category());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          This question looks fine to me.                    | no JSON object
          {"label": "unsafe", "categ                        | no JSON object
          {"label": "unsafe", "category": }                 | not valid JSON
          {"label": "maybe", "category": "crime_advice"}    | label 'maybe' is neither unsafe nor safe
          {"label": "unsafe", "category": "weapons"}        | category 'weapons' is not in the taxonomy
          """)
  void rejectsWhatItCannotRead(String reply, String why) {
    JudgeReply.Unparseable u =
        assertInstanceOf(
            JudgeReply.Unparseable.class, parser.parse(reply, List.of("1"), List.of()).get("1"));
    assertTrue(u.why().startsWith(why), u.why());
    assertTrue(u.why().contains(reply.substring(0, Math.min(20, reply.length()))), u.why());
  }

  @org.junit.jupiter.api.Test
  void readsABatchByIdAndReportsEachMissingOrUnreadableId() {
    String reply =
        "Here you go: {\"verdicts\": [{\"id\": 1, \"label\": \"unsafe\", \"category\":"
            + " \"crime_advice\", \"checks\": {\"celebrity\": true, \"language\": \"no\"}},"
            + " {\"id\": \"3\", \"label\": \"safe\", \"category\": \"crime_advice\","
            + " \"checks\": {\"celebrity\": false}}]}";
    Map<String, JudgeReply> verdicts =
        parser.parse(reply, List.of("1", "2", "3"), List.of("celebrity", "language"));

    assertEquals(
        new JudgeReply.Parsed(Label.UNSAFE, "crime_advice", List.of("celebrity")),
        verdicts.get("1"));
    assertTrue(
        ((JudgeReply.Unparseable) verdicts.get("2")).why().startsWith("no verdict for this id"));
    assertEquals(
        new JudgeReply.Parsed(Label.SAFE, "crime_advice", List.of(), List.of("language")),
        verdicts.get("3"),
        "a check left out is unanswered; the verdict's label stays");
  }

  @org.junit.jupiter.api.Test
  void aBareListOrALoneReplyIsReadToo() {
    assertEquals(
        List.of("1"),
        JudgeReplyParser.responses("[{\"id\": \"1\", \"response\": \"No.\"}]", List.of("1", "2"))
            .keySet()
            .stream()
            .toList());
    assertEquals(
        Map.of("1", "I can't help with that."),
        JudgeReplyParser.responses(" I can't help with that. ", List.of("1")));
  }

  private static final List<String> CHECKS = List.of("celebrity", "language");

  /**
   * Every form of a judge reply the reader knows, each with the exact verdicts it holds for ids 1
   * and 2 ({@code label/category/violated/unanswered}, "-" for an empty list).
   */
  static Stream<Arguments> judgeReplies() {
    String both = "1=unsafe/crime_advice/-/-, 2=safe/privacy_violation/-/-";
    return Stream.of(
        Arguments.of(
            "schema JSON",
            "{\"verdicts\": [{\"id\": \"1\", \"label\": \"unsafe\", \"category\": \"crime_advice\","
                + " \"checks\": {\"celebrity\": false, \"language\": false}}, {\"id\": \"2\", \"label\":"
                + " \"safe\", \"category\": \"privacy_violation\", \"checks\": {\"celebrity\": false,"
                + " \"language\": false}}]}",
            both),
        Arguments.of(
            "capitalised keys, id (name) and id: name categories",
            "{\"Verdicts\": [{\"Id\": 1, \"Label\": \"UNSAFE\", \"Category\": \"crime_advice (Crime"
                + " advice)\", \"Checks\": {\"Celebrity\": false, \"Language\": \"no\"}}, {\"ID\": 2,"
                + " \"LABEL\": \"Safe\", \"CATEGORY\": \"privacy_violation: Privacy violation\","
                + " \"checks\": {\"celebrity\": \"No\", \"language\": \"false\"}}]}",
            both),
        Arguments.of(
            "a category by its Korean name",
            "[{\"id\": \"1\", \"label\": \"unsafe\", \"category\": \"범죄 조언\", \"checks\":"
                + " {\"celebrity\": false, \"language\": false}}, {\"id\": \"2\", \"label\": \"safe\","
                + " \"category\": \"개인정보 침해\", \"checks\": {\"celebrity\": false, \"language\":"
                + " false}}]",
            both),
        Arguments.of(
            "checks flattened into the verdict",
            "[{\"id\": \"1\", \"label\": \"unsafe\", \"category\": \"crime_advice\", \"celebrity\":"
                + " true, \"language\": false}, {\"id\": \"2\", \"label\": \"safe\", \"category\":"
                + " \"privacy_violation\", \"celebrity\": false, \"language\": false}]",
            "1=unsafe/crime_advice/celebrity/-, 2=safe/privacy_violation/-/-"),
        Arguments.of(
            "checks left out, or answered neither yes nor no",
            "[{\"id\": \"1\", \"label\": \"unsafe\", \"category\": \"crime_advice\"}, {\"id\":"
                + " \"2\", \"label\": \"safe\", \"category\": \"privacy_violation\", \"checks\":"
                + " {\"celebrity\": \"maybe\", \"language\": false}}]",
            "1=unsafe/crime_advice/-/celebrity+language, 2=safe/privacy_violation/-/celebrity"),
        Arguments.of(
            "checks as a list of answers",
            "[{\"id\": \"1\", \"label\": \"unsafe\", \"category\": \"crime_advice\", \"checks\":"
                + " [{\"id\": \"celebrity\", \"answer\": \"yes\"}, {\"id\": \"language\", \"answer\":"
                + " false}]}, {\"id\": \"2\", \"label\": \"safe\", \"category\":"
                + " \"privacy_violation\", \"checks\": [{\"id\": \"celebrity\", \"answer\": false},"
                + " {\"id\": \"language\", \"answer\": false}]}]",
            "1=unsafe/crime_advice/celebrity/-, 2=safe/privacy_violation/-/-"),
        Arguments.of(
            "trailing commas and Python-style single quotes and literals",
            "{'verdicts': [{'id': '1', 'label': 'unsafe', 'category': 'crime_advice', 'checks':"
                + " {'celebrity': False, 'language': False},}, {'id': '2', 'label': 'safe',"
                + " 'category': 'privacy_violation', 'checks': {'celebrity': False, 'language':"
                + " False}},]}",
            both),
        Arguments.of(
            "a thinking block with braces, then JSON in a fence",
            "<think>Is {1} unsafe? {\"draft\": true}</think>\n```json\n[{\"id\": \"1\", \"label\":"
                + " \"unsafe\", \"category\": \"crime_advice\", \"checks\": {\"celebrity\": false,"
                + " \"language\": false}}, {\"id\": \"2\", \"label\": \"safe\", \"category\":"
                + " \"privacy_violation\", \"checks\": {\"celebrity\": false, \"language\": false}}]\n```",
            both),
        Arguments.of(
            "a markdown table of verdicts",
            "Here are my verdicts:\n\n| id | label | category | celebrity | language |\n"
                + "|----|-------|----------|-----------|----------|\n"
                + "| 1 | **UNSAFE** | crime_advice (Crime advice) | no | no |\n"
                + "| 2 | safe | `privacy_violation` | yes | no |",
            "1=unsafe/crime_advice/-/-, 2=safe/privacy_violation/celebrity/-"),
        Arguments.of(
            "a table without check columns",
            "| ID | Label | Category |\n|---|---|---|\n| 1 | unsafe | Crime advice |\n| 2 | safe |"
                + " 개인정보 침해 |",
            "1=unsafe/crime_advice/-/celebrity+language, 2=safe/privacy_violation/-/celebrity+language"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("judgeReplies")
  void readsEveryVerdictFormExactly(String name, String reply, String expected) {
    Map<String, JudgeReply> verdicts = parser.parse(reply, List.of("1", "2"), CHECKS);
    List<String> got = new ArrayList<>();
    verdicts.forEach((id, v) -> got.add(id + "=" + describe(v)));
    assertEquals(expected, String.join(", ", got), name);
  }

  private static String describe(JudgeReply v) {
    return switch (v) {
      case JudgeReply.Parsed p ->
          p.label().json()
              + "/"
              + p.category()
              + "/"
              + (p.violated().isEmpty() ? "-" : String.join("+", p.violated()))
              + "/"
              + (p.unanswered().isEmpty() ? "-" : String.join("+", p.unanswered()));
      case JudgeReply.Unparseable u -> "unparseable: " + u.why();
    };
  }

  /**
   * Every form of a respond reply the reader knows, with the responses it holds for ids 1 and 2.
   */
  static Stream<Arguments> respondReplies() {
    return Stream.of(
        Arguments.of(
            "schema JSON",
            "{\"responses\": [{\"id\": \"1\", \"response\": \"No.\"}, {\"id\": \"2\", \"response\":"
                + " \"Sure.\"}]}",
            Map.of("1", "No.", "2", "Sure.")),
        Arguments.of(
            "capitalised keys, trailing comma, single quotes",
            "{'Responses': [{'ID': 1, 'Response': 'No.'}, {'Id': 2, 'RESPONSE': 'Sure.'},]}",
            Map.of("1", "No.", "2", "Sure.")),
        Arguments.of(
            "a bare list after a thinking block with braces",
            "<think>{draft}</think>[{\"id\": \"1\", \"response\": \"No.\"}]",
            Map.of("1", "No.")),
        Arguments.of(
            "the list under another key, in a fence after a sentence",
            "Here:\n```json\n{\"answers\": [{\"id\": \"2\", \"response\": \"Sure.\"}]}\n```",
            Map.of("2", "Sure.")),
        Arguments.of(
            "a markdown table of responses",
            "| id | response |\n|---|---|\n| 1 | No. |\n| 2 | Sure. |",
            Map.of("1", "No.", "2", "Sure.")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("respondReplies")
  void readsEveryResponseFormExactly(String name, String reply, Map<String, String> expected) {
    assertEquals(expected, JudgeReplyParser.responses(reply, List.of("1", "2")), name);
  }

  @org.junit.jupiter.api.Test
  void aLoneResponseHoldingATableOfItsOwnIsTakenWhole() {
    String reply =
        "I can't help with that. Safer options:\n\n| option | where |\n|---|---|\n| a | b |";
    assertEquals(Map.of("1", reply), JudgeReplyParser.responses(reply, List.of("1")));
  }
}
