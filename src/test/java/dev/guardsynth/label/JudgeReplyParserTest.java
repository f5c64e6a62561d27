package dev.guardsynth.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.Label;
import dev.guardsynth.taxonomy.TaxonomyReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    assertTrue(
        ((JudgeReply.Unparseable) verdicts.get("3"))
            .why()
            .startsWith("rule check 'language' not answered"));
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
}
