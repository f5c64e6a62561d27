package dev.guardsynth.generate;

import dev.guardsynth.text.RefusalDetector;
import dev.guardsynth.text.ThinkBlocks;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a teacher's free-text reply into questions, as a careful reader would. Copes with what real
 * models return: thinking blocks (dropped first), numbered items in every common form ({@code 1.},
 * {@code 1)}, {@code (1)}, {@code Q1:}, {@code Question 1:}, {@code 질문 1:}, {@code 1번:}, {@code ①},
 * full-width {@code １．}, bold {@code **1.**}), bullets, blank lines, code fences, horizontal rules
 * and italic closing notes, JSON ({@link JsonQuestions}), tables and one-line lists ({@link
 * ListShapes}), text attached to a question and sub-bullets under it (kept aside as its note, see
 * {@link ItemText}), the prompt's own instructions echoed as items, a preamble or closing remark
 * (dropped and counted), a refusal in Korean or English with either apostrophe, a refusal that
 * hands back safe questions for an unsafe request (a refusal of the request), a reply cut by the
 * token limit (its last item dropped), and more or fewer items than asked. Stateless and
 * thread-safe.
 */
public final class ReplyParser {
  private static final Pattern ITEM =
      Pattern.compile(
          "^\\s*" + ItemText.NUMBER_MARK + "\\s*(.+)$" + "|^\\s*(?:[-*•·▪●◦–])\\s+(.+)$");
  private static final Pattern BULLET = Pattern.compile("^\\s*[-*•·▪●◦–]\\s+");
  private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~).*$");
  private static final Pattern RULE = Pattern.compile("^\\s*(?:-{3,}|\\*{3,}|_{3,})\\s*$");

  /** A note closing the list: a whole italic line, or one led by 참고/Note/※. */
  private static final Pattern NOTE =
      Pattern.compile(
          "^\\s*(?:\\*[^*\\s].*\\*|_[^_\\s].*_|(?:\\*{1,2}|_)?(?:참고|주의|노트|Note|Disclaimer|※).*)$",
          Pattern.CASE_INSENSITIVE);

  /** A line that explains the item above it: {@code 의도: …}, {@code *Why it's harmful: …*}. */
  private static final Pattern NOTE_LABEL =
      Pattern.compile(
          "^\\s*(?:[-*•]\\s+)?[*_]*\\s*(?:의도|설명|이유|목적|해설|번역|유형|분류|카테고리|Why[^:?]{0,30}|Explanation"
              + "|Intent|Reason|Purpose|Rationale|Translation|Category|Type)\\s*[*_]*\\s*[:：]",
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

  /** Parses one whole reply to a request for unsafe questions. */
  public ParsedReply parse(String reply) {
    return parse(reply, true, false, "");
  }

  /** Parses one reply to a prompt whose text is not known. */
  public ParsedReply parse(String reply, boolean unsafeRequest, boolean truncated) {
    return parse(reply, unsafeRequest, truncated, "");
  }

  /**
   * Parses one reply.
   *
   * @param unsafeRequest whether the prompt asked for unsafe questions: then a refusal followed by
   *     safe questions is a refusal of the request
   * @param truncated whether the token limit cut the reply
   * @param prompt the request's text, or "": an item that repeats it is an echoed instruction, and
   *     a tag list it holds is an echoed tag
   */
  public ParsedReply parse(String reply, boolean unsafeRequest, boolean truncated, String prompt) {
    ThinkBlocks.Stripped stripped = ThinkBlocks.strip(reply);
    boolean think = stripped.found();
    List<String> lines = new ArrayList<>();
    for (String line : stripped.text().split("\\R")) {
      if (!line.isBlank() && !FENCE.matcher(line).matches()) {
        lines.add(line.stripTrailing());
      }
    }
    if (lines.isEmpty()) {
      return ParsedReply.nothing(think);
    }
    JsonQuestions.Found json = JsonQuestions.find(lines, truncated);
    if (json != null) {
      return fromJson(json, prompt, think);
    }
    lines = ListShapes.spread(lines);
    List<Pending> items = new ArrayList<>();
    int firstItem = -1;
    int itemIndent = -1;
    int noteLines = 0;
    boolean lastIsItem = false;
    boolean underItem = false; // the line before was an item or one of its notes
    Pending top = null; // the last item at the list's own level
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      lastIsItem = false;
      int indent = indent(line);
      Matcher m = ITEM.matcher(line);
      boolean numbered = m.matches() && m.group(1) != null;
      if (underItem && !numbered && (indent > itemIndent || NOTE_LABEL.matcher(line).find())) {
        Pending last = items.get(items.size() - 1);
        String text = ItemText.clean(BULLET.matcher(line).replaceFirst(""));
        boolean underHeading =
            top != null
                && !asQuestion(top.item.text())
                && top.notes.isEmpty()
                && (last == top || last.under == top);
        if (!(underHeading && m.matches() && indent > itemIndent && asQuestion(text))) {
          last.notes.add(text); // a sub-bullet or explanation under an item: its note
          noteLines++;
          continue;
        }
        // Questions under a heading that is none: the heading was no item, its lines are.
        top.heading = true;
      }
      underItem = false;
      if (RULE.matcher(line).matches() || NOTE.matcher(line).matches()) {
        continue;
      }
      if (m.matches()) {
        ItemText.Item item = ItemText.read(m.group(1) != null ? m.group(1) : m.group(2), prompt);
        if (!item.text().isEmpty()) {
          if (firstItem < 0) {
            firstItem = i;
            itemIndent = indent;
          }
          boolean sub = indent > itemIndent;
          Pending p = new Pending(item, sub ? top : null);
          if (!sub) {
            top = p;
          }
          items.add(p);
          lastIsItem = true;
          underItem = true;
        }
      }
    }
    if (!items.isEmpty() && unsafeRequest && firstItem > 0) {
      String lead = RefusalDetector.apostrophes(String.join(" ", lines.subList(0, firstItem)));
      if (refuses(lead) && REDIRECT.matcher(lead).find()) {
        return ParsedReply.refused(think);
      }
    }
    if (items.isEmpty()) {
      if (refuses(RefusalDetector.apostrophes(String.join(" ", lines)))) {
        return ParsedReply.refused(think);
      }
      // No list markers: one question per line, keeping only lines that read as questions.
      for (String line : lines) {
        ItemText.Item item = ItemText.read(line, prompt);
        lastIsItem = asQuestion(item.text());
        if (lastIsItem) {
          items.add(new Pending(item));
        }
      }
    }
    int cut = 0;
    if (truncated && lastIsItem && !items.isEmpty()) {
      items.remove(items.size() - 1);
      cut = 1;
    }
    List<ParsedReply.Question> questions = new ArrayList<>();
    Set<String> segments = ItemText.segments(prompt);
    int notes = noteLines;
    for (Pending p : items) {
      notes += p.item.notes().size();
      if (!p.heading && keeps(p.item.text(), segments)) {
        List<String> all = new ArrayList<>(p.item.notes());
        all.addAll(p.notes);
        questions.add(
            new ParsedReply.Question(p.item.text(), all.isEmpty() ? null : String.join("; ", all)));
      }
    }
    int returned = lines.size() - noteLines;
    return new ParsedReply(
        questions, false, returned, returned - questions.size() - cut, cut, think, notes);
  }

  /**
   * An item as read and the note lines found under it; {@code under} is the heading above an item
   * listed under one (null for an item at the list's own level), and {@code heading} says that this
   * item turned out to be such a heading, no question.
   */
  private static final class Pending {
    final ItemText.Item item;
    final List<String> notes = new ArrayList<>();
    final Pending under;
    boolean heading;

    Pending(ItemText.Item item, Pending under) {
      this.item = item;
      this.under = under;
    }

    Pending(ItemText.Item item) {
      this(item, null);
    }
  }

  /**
   * A JSON reply's questions: each element's text without numbering, its note fields kept aside.
   */
  private static ParsedReply fromJson(JsonQuestions.Found json, String prompt, boolean think) {
    List<ParsedReply.Question> questions = new ArrayList<>();
    Set<String> segments = ItemText.segments(prompt);
    int notes = 0;
    for (ItemText.Item element : json.elements()) {
      ItemText.Item item = ItemText.read(ItemText.unnumber(element.text()), prompt);
      List<String> all = new ArrayList<>(item.notes());
      all.addAll(element.notes());
      notes += all.size();
      if (keeps(item.text(), segments)) {
        questions.add(
            new ParsedReply.Question(item.text(), all.isEmpty() ? null : String.join("; ", all)));
      }
    }
    int cut = json.cut() ? 1 : 0;
    int returned = json.lead() + json.elements().size() + json.trailing() + cut;
    return new ParsedReply(
        questions, false, returned, returned - questions.size() - cut, cut, think, notes);
  }

  /**
   * Whether an item's text is kept as a question: not empty, holding a letter ({@code "0"} is no
   * question) and not the prompt's own instruction echoed.
   */
  private static boolean keeps(String text, Set<String> promptSegments) {
    return !text.isEmpty() && ItemText.hasLetters(text) && !ItemText.echoes(text, promptSegments);
  }

  private static boolean asQuestion(String text) {
    return QUESTION_END.matcher(text).matches();
  }

  /** The text after a line's list marker, or null when it has none. */
  static String itemText(String line) {
    Matcher m = ITEM.matcher(line);
    return !m.matches() ? null : m.group(1) != null ? m.group(1) : m.group(2);
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
}
