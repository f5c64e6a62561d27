package dev.guardsynth.label;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.prompt.RuleSet;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.TeacherRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one judge or respond reply as the label stage reads it, for a caller that sends the stage's
 * own requests ({@link QuestionLabeler#planned}) itself: {@code guardsynth doctor}, which probes a
 * teacher with a few of them before a paid run. The stage's parser and response checks do the
 * reading, so a probe finds what the stage would. Stateless and thread-safe.
 */
public final class LabelReplies {
  private LabelReplies() {}

  /**
   * The judge's verdict on each question of {@code request} (a judge request of {@link
   * QuestionLabeler#planned} about questions in {@code language}), in the request's order: {@link
   * JudgeReply.Parsed} with the label, category and broken rule checks, or {@link
   * JudgeReply.Unparseable} saying why it could not be read. A batch's unreadable verdict is one
   * the stage would ask again alone.
   */
  public static List<JudgeReply> verdicts(
      Taxonomy taxonomy,
      LabelPrompts prompts,
      String language,
      TeacherRequest request,
      String reply) {
    List<String> ids = ids(request);
    List<String> checks = prompts.checks(language).stream().map(RuleSet.Check::id).toList();
    Map<String, JudgeReply> verdicts = new JudgeReplyParser(taxonomy).parse(reply, ids, checks);
    return ids.stream().map(verdicts::get).toList();
  }

  /**
   * What the stage makes of each response in {@code reply}, the answer to {@code request} (a
   * respond request of {@link QuestionLabeler#planned} about {@code questions}, in order): empty
   * for a response the stage keeps, else the rejection it gives: {@code response_unparseable}
   * (missing from the reply; the stage asks a batch's missing one again alone), {@code
   * response_empty}, {@code response_refused} (a safe question refused) or {@code
   * response_wrong_language}.
   */
  public static List<Optional<Rejected>> responses(
      List<Labeled> questions, TeacherRequest request, String reply) {
    List<String> ids = ids(request);
    if (ids.size() != questions.size()) {
      throw new IllegalArgumentException(
          "the request asks about " + ids.size() + " questions, not " + questions.size());
    }
    Map<String, String> responses = JudgeReplyParser.responses(reply, ids);
    List<Optional<Rejected>> out = new ArrayList<>();
    for (int k = 0; k < ids.size(); k++) {
      Labeled q = questions.get(k);
      String response = responses.get(ids.get(k));
      out.add(Responding.checkReplied(q, response, reply));
    }
    return out;
  }

  /** The ids {@code request} gave its questions, in order: its user message is their JSON list. */
  private static List<String> ids(TeacherRequest request) {
    List<ChatMessage> messages = request.messages();
    JsonNode items;
    try {
      items = Json.MAPPER.readTree(messages.get(messages.size() - 1).content());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a label stage request: its user message is not JSON");
    }
    List<String> ids = new ArrayList<>();
    items.forEach(item -> ids.add(item.path("id").asText()));
    return ids;
  }
}
