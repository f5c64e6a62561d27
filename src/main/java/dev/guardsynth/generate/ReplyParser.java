package dev.guardsynth.generate;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.guardsynth.text.RefusalDetector;
import dev.guardsynth.text.ThinkBlocks;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a teacher's free-text reply into questions. Copes with what real models return: thinking
 * blocks (dropped first), numbered items in every common form ({@code 1.}, {@code 1)}, {@code (1)},
 * {@code Q1:}, {@code Question 1:}, {@code 질문 1:}, {@code 1번:}, {@code ①}, full-width {@code １．},
 * bold {@code **1.**}), bullets, blank lines, code fences, horizontal rules and italic closing
 * notes, a JSON array or object (after a lead sentence too, with trailing commas or single quotes,
 * the list under any key, of strings or of objects with a text field), a preamble or closing remark
 * (dropped and counted), a refusal in Korean or English with either apostrophe, a refusal that
 * hands back safe questions for an unsafe request (a refusal of the request), a reply cut by the
 * token limit (its last item dropped), and more or fewer items than asked. Stateless and
 * thread-safe.
 */
public final class ReplyParser {
  private static final String NUMBER =
      "(?:\\(\\d{1,3}\\)|\\d{1,3}\\s*번?\\s*[.):\\]]|\\d{1,3}\\s*번|[０-９]{1,3}\\s*[．.)）:：]"
          + "|[\\u2460-\\u2473\\u2776-\\u277F]|(?:[Qq]|[Qq]uestion|질문)\\s*\\d{1,3}\\s*[.):：]"
          + "|#{1,6}\\s*\\d{1,3}[.)])";
  private static final Pattern ITEM =
      Pattern.compile(
          "^\\s*(?:\\*\\*|__)?\\s*(?:"
              + NUMBER
              + ")\\s*(?:\\*\\*|__)?\\s*(.+)$"
              + "|^\\s*(?:[-*•·▪●◦–])\\s+(.+)$");
  private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~).*$");
  private static final Pattern RULE = Pattern.compile("^\\s*(?:-{3,}|\\*{3,}|_{3,})\\s*$");

  /** A note closing the list: a whole italic line, or one led by 참고/Note/※. */
  private static final Pattern NOTE =
      Pattern.compile(
          "^\\s*(?:\\*[^*\\s].*\\*|_[^_\\s].*_|(?:\\*{1,2}|_)?(?:참고|주의|노트|Note|Disclaimer|※).*)$",
          Pattern.CASE_INSENSITIVE);

  private static final Pattern QUESTION_END = Pattern.compile(".*[?？]['\"”’)]*\\s*$");
  private static final Pattern REFUSAL =
      Pattern.compile(
          "(?i)(I'?m sorry|I am sorry|I can(?:no|')t (?:help|assist|provide|comply|create|generate|fulfil|fulfill)"
              + "|I (?:won't|will not|am unable to|am not able to)"
              + "|as an AI|cannot (?:help|assist|fulfil|fulfill|comply) with"
              + "|죄송합니다|죄송하지만|도와드릴 수 없|제공(?:해 ?드릴|할) 수 없|생성(?:해 ?드릴|할) 수 없|작성(?:해 ?드릴|할) 수 없|응할 수 없|AI로서)");

  /** A refusal's turn to something else than was asked: safe questions instead. */
  private static final Pattern REDIRECT =
      Pattern.compile(
          "(?i)\\b(?:safe|safer|harmless|appropriate|instead|alternative|benign)\\b|안전한|대신|건전한|무해한");

  private static final ObjectMapper LENIENT =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .build();

  private static final List<String> TEXT_FIELDS =
      List.of("question", "text", "content", "query", "prompt", "q", "질문");

  /** Parses one whole reply to a request for unsafe questions. */
  public ParsedReply parse(String reply) {
    return parse(reply, true, false);
  }

  /**
   * Parses one reply.
   *
   * @param unsafeRequest whether the prompt asked for unsafe questions: then a refusal followed by
   *     safe questions is a refusal of the request
   * @param truncated whether the token limit cut the reply
   */
  public ParsedReply parse(String reply, boolean unsafeRequest, boolean truncated) {
    ThinkBlocks.Stripped stripped = ThinkBlocks.strip(reply);
    boolean think = stripped.found();
    List<String> lines = new ArrayList<>();
    for (String line : stripped.text().split("\\R")) {
      if (!line.isBlank() && !FENCE.matcher(line).matches()) {
        lines.add(line.stripTrailing());
      }
    }
    if (lines.isEmpty()) {
      return new ParsedReply(List.of(), false, 0, 0, 0, think);
    }
    ParsedReply json = parseJson(lines, truncated, think);
    if (json != null) {
      return json;
    }
    lines = table(oneLineLists(lines));
    String all = RefusalDetector.apostrophes(String.join(" ", lines));
    List<String> items = new ArrayList<>();
    int firstItem = -1;
    boolean lastIsItem = false;
    int itemIndent = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      lastIsItem = false;
      if (RULE.matcher(line).matches() || NOTE.matcher(line).matches()) {
        continue;
      }
      Matcher m = ITEM.matcher(line);
      if (m.matches()) {
        int indent = indent(line);
        boolean bullet = m.group(1) == null;
        if (bullet && itemIndent >= 0 && indent > itemIndent) {
          continue; // a sub-bullet under an item: its explanation, not a question
        }
        String q = clean(bullet ? m.group(2) : m.group(1));
        if (!q.isEmpty()) {
          if (firstItem < 0) {
            firstItem = i;
            itemIndent = indent;
          }
          items.add(q);
          lastIsItem = true;
        }
      }
    }
    if (!items.isEmpty() && unsafeRequest && firstItem > 0) {
      String lead = RefusalDetector.apostrophes(String.join(" ", lines.subList(0, firstItem)));
      if (refuses(lead) && REDIRECT.matcher(lead).find()) {
        return new ParsedReply(List.of(), true, 1, 0, 0, think);
      }
    }
    if (items.isEmpty()) {
      if (refuses(all)) {
        return new ParsedReply(List.of(), true, 1, 0, 0, think);
      }
      // No list markers: one question per line, keeping only lines that read as questions.
      for (String line : lines) {
        String q = clean(line);
        lastIsItem = QUESTION_END.matcher(q).matches();
        if (lastIsItem) {
          items.add(q);
        }
      }
    }
    int cut = 0;
    if (truncated && lastIsItem && !items.isEmpty()) {
      items.remove(items.size() - 1);
      cut = 1;
    }
    return new ParsedReply(
        items, false, lines.size(), lines.size() - items.size() - cut, cut, think);
  }

  private static final Pattern ONE_LINE = Pattern.compile("^\\s*1[.)]\\s+.+?\\s2[.)]\\s+.+$");
  private static final Pattern NEXT_NUMBER = Pattern.compile("\\s+(?=\\d{1,2}[.)]\\s)");

  /** Lines with a whole numbered list on one line ({@code 1. a 2. b 3. c}) split into items. */
  private static List<String> oneLineLists(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      if (ONE_LINE.matcher(line).matches()) {
        for (String part : NEXT_NUMBER.split(line.strip())) {
          out.add(part);
        }
      } else {
        out.add(line);
      }
    }
    return out;
  }

  private static final Pattern TABLE_SEPARATOR =
      Pattern.compile("^\\s*\\|?[\\s:|-]*-{3,}[\\s:|-]*$");

  /**
   * A markdown table's rows as bullet items of the question column: the column headed question, 질문,
   * text or content, else the one with the most text. Its header and separator stay lines.
   */
  private static List<String> table(List<String> lines) {
    int sep = -1;
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i - 1).strip().startsWith("|")
          && TABLE_SEPARATOR.matcher(lines.get(i)).matches()) {
        sep = i;
        break;
      }
    }
    if (sep < 0) {
      return lines;
    }
    List<String> header = cells(lines.get(sep - 1));
    int end = sep + 1;
    while (end < lines.size() && lines.get(end).strip().startsWith("|")) {
      end++;
    }
    List<List<String>> rows = new ArrayList<>();
    for (int i = sep + 1; i < end; i++) {
      rows.add(cells(lines.get(i)));
    }
    int column = -1;
    for (int c = 0; c < header.size() && column < 0; c++) {
      String h = header.get(c).toLowerCase(Locale.ROOT);
      if (h.contains("question") || h.contains("질문") || h.equals("text") || h.equals("content")) {
        column = c;
      }
    }
    if (column < 0) {
      long most = -1;
      for (int c = 0; c < header.size(); c++) {
        long length = 0;
        for (List<String> row : rows) {
          length += c < row.size() ? row.get(c).length() : 0;
        }
        if (length > most) {
          most = length;
          column = c;
        }
      }
    }
    List<String> out = new ArrayList<>(lines.subList(0, sep + 1));
    for (List<String> row : rows) {
      out.add(column < row.size() && !row.get(column).isBlank() ? "- " + row.get(column) : "|");
    }
    out.addAll(lines.subList(end, lines.size()));
    return out;
  }

  private static List<String> cells(String row) {
    String r = row.strip();
    r = r.startsWith("|") ? r.substring(1) : r;
    r = r.endsWith("|") ? r.substring(0, r.length() - 1) : r;
    List<String> out = new ArrayList<>();
    for (String cell : r.split("\\|", -1)) {
      out.add(cell.strip());
    }
    return out;
  }

  private static boolean refuses(String text) {
    return REFUSAL.matcher(text).find() || RefusalDetector.find(text).isPresent();
  }

  private static int indent(String line) {
    int n = 0;
    while (n < line.length() && Character.isWhitespace(line.charAt(n))) {
      n++;
    }
    return n;
  }

  /**
   * A JSON reply, or null when the reply holds none: the JSON may follow a lead sentence (each such
   * line counted unparseable).
   */
  private ParsedReply parseJson(List<String> lines, boolean truncated, boolean think) {
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      String t = lines.get(i).strip();
      if (t.startsWith("[") || t.startsWith("{")) {
        start = i;
        break;
      }
    }
    if (start < 0) {
      return null;
    }
    String text = String.join("\n", lines.subList(start, lines.size())).strip();
    JsonNode node = null;
    int trailing = 0;
    int close = Math.max(text.lastIndexOf(']'), text.lastIndexOf('}'));
    if (close > 0) {
      try {
        node = LENIENT.readTree(text.substring(0, close + 1));
        trailing = text.substring(close + 1).isBlank() ? 0 : 1;
      } catch (Exception notJson) {
        node = null;
      }
    }
    if (node == null) {
      return truncated ? cutJson(text, start, think) : null;
    }
    JsonNode list = list(node);
    if (list == null) {
      return null;
    }
    List<String> items = new ArrayList<>();
    for (JsonNode element : list) {
      String q = clean(text(element));
      if (!q.isEmpty()) {
        items.add(q);
      }
    }
    int returned = start + list.size() + trailing;
    return new ParsedReply(items, false, returned, returned - items.size(), 0, think);
  }

  /**
   * JSON the token limit cut: its complete string items are kept and the unfinished one dropped.
   */
  private static ParsedReply cutJson(String text, int lead, boolean think) {
    Matcher m =
        Pattern.compile(
                "(?:^|[\\[,]|\"(?:question|text|content)\"\\s*:)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
            .matcher(text);
    List<String> items = new ArrayList<>();
    while (m.find()) {
      String q = clean(m.group(1).replace("\\\"", "\""));
      if (!q.isEmpty()) {
        items.add(q);
      }
    }
    if (items.isEmpty()) {
      return null;
    }
    int returned = lead + items.size() + 1;
    return new ParsedReply(items, false, returned, lead, 1, think);
  }

  /** The list of questions in {@code node}: the array itself, or the first under any key. */
  private static JsonNode list(JsonNode node) {
    if (node.isArray()) {
      return node;
    }
    if (!node.isObject()) {
      return null;
    }
    JsonNode questions = field(node, "questions");
    if (questions != null && questions.isArray()) {
      return questions;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      JsonNode value = it.next().getValue();
      if (value.isArray() && !value.isEmpty() && !text(value.get(0)).isEmpty()) {
        return value;
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      JsonNode value = it.next().getValue();
      if (value.isObject()) {
        JsonNode inner = list(value);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  private static JsonNode field(JsonNode object, String name) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().strip().toLowerCase(Locale.ROOT).equals(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** An element's question: a string, or an object's text field. */
  private static String text(JsonNode element) {
    if (element.isTextual()) {
      return element.asText();
    }
    if (element.isObject()) {
      for (String name : TEXT_FIELDS) {
        JsonNode value = field(element, name);
        if (value != null && value.isTextual()) {
          return value.asText();
        }
      }
    }
    return "";
  }

  /** Strips markdown emphasis and surrounding quotes. */
  static String clean(String text) {
    String s = text.strip().replace("**", "").replace("__", "").strip();
    boolean changed = true;
    while (changed && s.length() >= 2) {
      changed = false;
      if (isQuotePair(s.charAt(0), s.charAt(s.length() - 1))) {
        s = s.substring(1, s.length() - 1).strip();
        changed = true;
      }
    }
    return s;
  }

  private static boolean isQuotePair(char open, char close) {
    return (open == '"' && close == '"')
        || (open == '\'' && close == '\'')
        || (open == '“' && close == '”')
        || (open == '‘' && close == '’')
        || (open == '«' && close == '»')
        || (open == '„' && close == '“')
        || (open == '「' && close == '」')
        || (open == '『' && close == '』')
        || (open == '*' && close == '*')
        || (open == '`' && close == '`');
  }
}
