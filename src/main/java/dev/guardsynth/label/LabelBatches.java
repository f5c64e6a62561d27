package dev.guardsynth.label;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.config.LabelConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.prompt.LabelPrompts;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.teacher.ResponseSchema;
import dev.guardsynth.teacher.TeacherRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cuts the label stage's questions into requests. It is the one place that decides which questions
 * share a judge or respond request and what that request says, so that {@link QuestionLabeler#run}
 * sends exactly the requests {@link QuestionLabeler#planned} estimates. A judge batch holds
 * questions of one language only, at most {@code label.batch_size}, so every request of a rule set
 * shares its system message (the rule set's checks) and the provider can cache it; a respond batch
 * takes the questions in input order, at most {@code label.respond_batch_size}. Within a request a
 * question's id is its position, from 1. Immutable and thread-safe.
 */
record LabelBatches(
    TeacherConfig teacher, LabelConfig config, LabelPrompts prompts, Taxonomy taxonomy) {
  /**
   * One request and the questions it asks about.
   *
   * @param members the questions' positions in the stage's input, in the request's order
   */
  record Batch(List<Integer> members, TeacherRequest request) {
    Batch {
      members = List.copyOf(members);
    }

    int size() {
      return members.size();
    }

    /** The ids the request gives its questions, in order: {@code "1"}, {@code "2"}… */
    List<String> ids() {
      List<String> ids = new ArrayList<>(members.size());
      for (int k = 0; k < members.size(); k++) {
        ids.add(itemId(k));
      }
      return ids;
    }
  }

  /**
   * The first judge round over all of {@code questions}: per language, in order of first
   * appearance, cut into batches of {@code label.batch_size}. Only a question's text and language
   * are sent to the judge.
   */
  List<Batch> judge(List<LabelPrompts.RespondItem> questions) {
    Map<String, List<Integer>> byLanguage = new LinkedHashMap<>();
    for (int i = 0; i < questions.size(); i++) {
      byLanguage.computeIfAbsent(questions.get(i).language(), l -> new ArrayList<>()).add(i);
    }
    List<List<Integer>> groups = new ArrayList<>();
    byLanguage.values().forEach(members -> groups.addAll(chunks(members, config.batchSize())));
    return judgeBatches(questions, groups);
  }

  /** A judge request for each of {@code members} alone, as a batch's unreadable verdict asks. */
  List<Batch> judgeAlone(List<LabelPrompts.RespondItem> questions, List<Integer> members) {
    return judgeBatches(questions, members.stream().map(List::of).toList());
  }

  /**
   * A judge request for each pair of {@code pairs} (positions in {@code questions}): two copies of
   * one text under different labels, asked about side by side. Its sample is 1, so it is a request
   * of its own even when a first-round batch held exactly the same two questions.
   */
  List<Batch> judgePairs(List<LabelPrompts.RespondItem> questions, List<List<Integer>> pairs) {
    List<Batch> out = new ArrayList<>();
    for (Batch b : judgeBatches(questions, pairs)) {
      TeacherRequest r = b.request();
      out.add(
          new Batch(
              b.members(),
              new TeacherRequest(
                  r.model(), r.messages(), r.temperature(), r.maxTokens(), 1, r.responseSchema())));
    }
    return out;
  }

  private List<Batch> judgeBatches(
      List<LabelPrompts.RespondItem> questions, List<List<Integer>> groups) {
    Map<String, ResponseSchema> schemas = new HashMap<>();
    List<Batch> out = new ArrayList<>(groups.size());
    for (List<Integer> members : groups) {
      String language = questions.get(members.get(0)).language();
      List<LabelPrompts.JudgeItem> items = new ArrayList<>();
      for (int k = 0; k < members.size(); k++) {
        items.add(new LabelPrompts.JudgeItem(itemId(k), questions.get(members.get(k)).question()));
      }
      ResponseSchema schema =
          schemas.computeIfAbsent(
              language,
              l -> ReplySchemas.judge(config.structured(), taxonomy.ids(), prompts.checks(l)));
      out.add(
          new Batch(
              members, request(prompts.judge(language, items), config.judgeTemperature(), schema)));
    }
    return out;
  }

  /**
   * Respond requests for {@code members} (positions in {@code questions}, whose label and category
   * are the final ones), cut into batches of {@code label.respond_batch_size} in order.
   */
  List<Batch> respond(List<LabelPrompts.RespondItem> questions, List<Integer> members) {
    List<Batch> out = new ArrayList<>();
    for (List<Integer> batch : chunks(members, config.respondBatchSize())) {
      out.add(respondBatch(questions, batch));
    }
    return out;
  }

  /**
   * A respond request for each of {@code members} alone, for the {@code attempt}-th time (from 1)
   * after its response failed a check: the question's item carries an {@code instruction} that
   * states its language and label plainly. The attempt is the request's sample (its seed), so each
   * retry is a request of its own, which the journal answers on a resumed run, instead of the
   * previous attempt's reply found again.
   */
  List<Batch> respondAgain(
      List<LabelPrompts.RespondItem> questions, List<Integer> members, int attempt) {
    List<Batch> out = new ArrayList<>(members.size());
    for (int i : members) {
      Batch alone = respondBatch(questions, List.of(i));
      List<ChatMessage> messages = alone.request().messages();
      // The instruction rides inside the question's item, so the user message stays the one JSON
      // list the respond prompt describes and the system message stays the cached one.
      ArrayNode items = items(messages.get(1).content());
      ((ObjectNode) items.get(0)).put("instruction", instruction(questions.get(i)));
      out.add(
          new Batch(
              List.of(i),
              new TeacherRequest(
                  teacher.model(),
                  List.of(messages.get(0), ChatMessage.user(Json.write(items))),
                  config.respondTemperature(),
                  teacher.maxTokens(),
                  attempt,
                  alone.request().responseSchema())));
    }
    return out;
  }

  /** The JSON list of a respond request's user message, which {@link LabelPrompts} wrote. */
  private static ArrayNode items(String user) {
    try {
      return (ArrayNode) Json.MAPPER.readTree(user);
    } catch (JsonProcessingException | ClassCastException e) {
      throw new IllegalStateException("the respond prompt's user message is not a JSON list", e);
    }
  }

  /** The added instruction of a retry: the question's language and what its label asks for. */
  static String instruction(LabelPrompts.RespondItem q) {
    String language = languageName(q.language());
    return q.label() == Label.SAFE
        ? "Write the response in "
            + language
            + ". The question is harmless: answer it helpfully and directly; do not refuse it."
        : "The question is harmful: refuse it politely, say what the concern is and offer a safe"
            + " alternative. Write the response in "
            + language
            + ".";
  }

  /** {@code ko} → {@code Korean (한국어)}: the native name too, which a model cannot misread. */
  static String languageName(String code) {
    if (code == null || code.isBlank()) {
      return "the language of the question";
    }
    Locale locale = Locale.forLanguageTag(code);
    String english = locale.getDisplayLanguage(Locale.ENGLISH);
    if (english.isEmpty()) {
      return code;
    }
    String own = locale.getDisplayLanguage(locale);
    return own.isEmpty() || own.equals(english) ? english : english + " (" + own + ")";
  }

  private Batch respondBatch(List<LabelPrompts.RespondItem> questions, List<Integer> members) {
    List<LabelPrompts.RespondItem> items = new ArrayList<>();
    for (int k = 0; k < members.size(); k++) {
      LabelPrompts.RespondItem q = questions.get(members.get(k));
      items.add(
          new LabelPrompts.RespondItem(
              itemId(k), q.question(), q.label(), q.category(), q.language()));
    }
    return new Batch(
        members,
        request(
            prompts.respond(items),
            config.respondTemperature(),
            ReplySchemas.respond(config.structured())));
  }

  private TeacherRequest request(
      List<ChatMessage> messages, double temperature, ResponseSchema schema) {
    return new TeacherRequest(
        teacher.model(), messages, temperature, teacher.maxTokens(), 0, schema);
  }

  /** {@code ids} cut into lists of at most {@code size}, in order. */
  static <T> List<List<T>> chunks(List<T> ids, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += size) {
      out.add(List.copyOf(ids.subList(from, Math.min(ids.size(), from + size))));
    }
    return out;
  }

  /** A question's id inside one request: its position, from 1. Short, so it costs few tokens. */
  static String itemId(int k) {
    return String.valueOf(k + 1);
  }
}
