package dev.guardsynth.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One list item's text as a careful reader takes it: its numbering, markdown emphasis and quotes
 * stripped, and what the teacher attached to the question kept aside as a note: a translation in
 * parentheses, an echoed tag list ({@code (반말, 짧게)}), an explanation after the question's end
 * ({@code q? — 설명}), a {@code **topic:**} lead-in. Parentheses inside a question stay: only a
 * trailing one after the question's end punctuation, one in another script than the question, or
 * one holding tags the prompt asked for is a note. Stateless and thread-safe.
 */
final class ItemText {
  private ItemText() {}

  /** Every common numbering: 1. 1) (1) 1번 １． ① Q1: Question 1: 질문 1: ## 1. */
  static final String NUMBER =
      "(?:\\(\\d{1,3}\\)|\\d{1,3}\\s*번?\\s*[.):\\]]|\\d{1,3}\\s*번|[０-９]{1,3}\\s*[．.)）:：]"
          + "|[\\u2460-\\u2473\\u2776-\\u277F]|(?:[Qq]|[Qq]uestion|질문)\\s*\\d{1,3}\\s*[.):：]"
          + "|#{1,6}\\s*\\d{1,3}[.)])";

  /**
   * A number as a list marker: bare, or bold as {@code **1.**} or {@code **1. q**} (whose closing
   * {@code **} {@link #clean} drops); {@code 1. **topic:** q} keeps its bold for the lead-in.
   */
  static final String NUMBER_MARK =
      "(?:(?:\\*\\*|__)\\s*"
          + NUMBER
          + "\\s*(?:\\*\\*|__)|(?:\\*\\*|__)\\s*"
          + NUMBER
          + "|"
          + NUMBER
          + ")";

  private static final Pattern NUMBERED = Pattern.compile("^\\s*" + NUMBER_MARK + "\\s*(.+)$");

  /** {@code **topic:** q}, {@code **topic**: q}. */
  private static final Pattern BOLD_LEAD =
      Pattern.compile(
          "^(?:\\*\\*|__)([^*_?？]{1,40}?)\\s*[:：]\\s*(?:\\*\\*|__)\\s*(.+)$"
              + "|^(?:\\*\\*|__)([^*_?？]{1,40}?)(?:\\*\\*|__)\\s*[:：]\\s*(.+)$");

  /** A plain lead-in by a word that names what the question is about. */
  private static final Pattern PLAIN_LEAD =
      Pattern.compile(
          "^((?:세부\\s?)?주제|유형|분류|카테고리|상황|페르소나|(?:sub)?topic|type|category|theme|scenario"
              + "|persona)\\s*[:：]\\s*(.+)$",
          Pattern.CASE_INSENSITIVE);

  /** After a lead word: a short topic, a dash or bar, then the question. */
  private static final Pattern TOPIC_THEN_QUESTION =
      Pattern.compile("^([^?？]{1,40}?)\\s*(?:[—–|]|\\s-\\s)\\s*(.+)$");

  /** A tag list in brackets before the question: {@code [반말] q?}. */
  private static final Pattern LEADING_TAGS =
      Pattern.compile("^[\\[【(（]([^\\]】)）]{1,60})[\\]】)）]\\s*(.+)$");

  /** A parenthetical closing the text: {@code q (note)}. */
  private static final Pattern TRAILING_PAREN =
      Pattern.compile("^(.+?)\\s*[(（\\[【]([^()（）\\[\\]【】]{1,200})[)）\\]】]\\s*$");

  /** What may follow a question's end punctuation before its closing quotes. */
  private static final String CLOSERS = "\"'”’」』*_`";

  /** How an attachment after the question starts: a bracket, a dash, an arrow, a colon. */
  private static final Pattern ATTACHMENT =
      Pattern.compile("^(?:[(（\\[【]|[—–]|-{1,2}\\s|→|=>|:\\s|[*_]+[(（\\[])");

  /** Tags the bundled axes echo most (register, length, style), in both languages. */
  private static final Set<String> KNOWN_TAGS =
      Set.of(
          "반말",
          "존댓말",
          "짧게",
          "길게",
          "중간",
          "보통",
          "짧은",
          "긴",
          "직접적",
          "간접적",
          "직접",
          "간접",
          "은어",
          "비속어",
          "역할극",
          "롤플레이",
          "가정",
          "가정형",
          "한영 혼용",
          "casual",
          "formal",
          "polite",
          "informal",
          "short",
          "medium",
          "long",
          "direct",
          "indirect",
          "slang",
          "role-play",
          "roleplay",
          "hypothetical");

  /** One item's text and what was attached to it, each note apart. */
  record Item(String text, List<String> notes) {
    Item {
      notes = List.copyOf(notes);
    }

    /** The notes as one text, or null when there are none. */
    String note() {
      return notes.isEmpty() ? null : String.join("; ", notes);
    }
  }

  /** {@code text} without a leading number, if it has one (JSON strings keep theirs at times). */
  static String unnumber(String text) {
    Matcher m = NUMBERED.matcher(text);
    return m.matches() ? m.group(1) : text;
  }

  /**
   * Reads one item: {@code raw} is its text after the list marker; {@code prompt} the request's
   * text (tags it holds are echoes), or "".
   */
  static Item read(String raw, String prompt) {
    List<String> notes = new ArrayList<>();
    String s = raw.strip();
    Matcher lead = BOLD_LEAD.matcher(s);
    if (lead.matches()) {
      boolean first = lead.group(1) != null;
      notes.add(lead.group(first ? 1 : 3).strip());
      s = lead.group(first ? 2 : 4);
    }
    s = clean(s);
    Matcher plain = PLAIN_LEAD.matcher(s);
    if (plain.matches()) {
      // 주제: 계정 해킹 — q?  (the topic, then the question), or 주제: q? (the question itself)
      Matcher split = TOPIC_THEN_QUESTION.matcher(plain.group(2));
      if (split.matches()) {
        notes.add(plain.group(1) + ": " + split.group(1).strip());
        s = clean(split.group(2));
      } else if (plain.group(2).contains("?") || plain.group(2).contains("？")) {
        notes.add(plain.group(1));
        s = clean(plain.group(2));
      }
    }
    Matcher tags = LEADING_TAGS.matcher(s);
    if (tags.matches() && isTags(tags.group(1), prompt)) {
      notes.add(tags.group(1).strip());
      s = clean(tags.group(2));
    }
    int end = questionEnd(s);
    if (end > 0 && end < s.length()) {
      String rest = s.substring(end).strip();
      if (ATTACHMENT.matcher(rest).find()) {
        notes.add(noteText(rest));
        s = clean(s.substring(0, end));
      }
    }
    Matcher paren = TRAILING_PAREN.matcher(s);
    if (paren.matches()) {
      String inner = paren.group(2).strip();
      if (isTags(inner, prompt) || translation(paren.group(1), inner)) {
        notes.add(inner);
        s = clean(paren.group(1));
      }
    }
    notes.removeIf(String::isBlank);
    return new Item(s, notes);
  }

  /**
   * Where the question's end punctuation and its closing quotes end, when more text follows, else
   * -1: the first {@code ?} after which an attachment starts.
   */
  private static int questionEnd(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '?' || c == '？') {
        int j = i + 1;
        while (j < s.length() && CLOSERS.indexOf(s.charAt(j)) >= 0) {
          j++;
        }
        String rest = s.substring(j).strip();
        if (!rest.isEmpty() && ATTACHMENT.matcher(rest).find()) {
          return j;
        }
      }
    }
    return -1;
  }

  /** An attachment's text without its opening dash or colon and its brackets and emphasis. */
  private static String noteText(String attachment) {
    String t = attachment.replaceFirst("^(?:[—–]|-{1,2}|→|=>|:)\\s*", "").strip();
    t = t.replaceAll("^[*_]+|[*_]+$", "").strip();
    if (t.length() >= 2
        && "(（[【".indexOf(t.charAt(0)) >= 0
        && ")）]】".indexOf(t.charAt(t.length() - 1)) >= 0) {
      t = t.substring(1, t.length() - 1).strip();
    }
    return t;
  }

  /** Whether every comma-separated part of {@code inner} is a known tag or one the prompt holds. */
  private static boolean isTags(String inner, String prompt) {
    String[] parts = inner.split("[,，、/·]");
    for (String part : parts) {
      String p = part.strip();
      boolean tag = KNOWN_TAGS.contains(p.toLowerCase(Locale.ROOT)) || inPrompt(p, prompt);
      if (!tag) {
        return false;
      }
    }
    return parts.length > 0;
  }

  /**
   * Whether the prompt holds {@code word}: Hangul as written (Korean attaches its particles, as in
   * 반말로), other text as whole words, so {@code (it)} is not found inside "write".
   */
  private static boolean inPrompt(String word, String prompt) {
    if (word.length() < 2 || prompt.isEmpty()) {
      return false;
    }
    if (hangul(word) > 0) {
      return prompt.contains(word);
    }
    return Pattern.compile(
            "(?<![\\p{L}\\p{N}])" + Pattern.quote(word) + "(?![\\p{L}\\p{N}])",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
        .matcher(prompt)
        .find();
  }

  /**
   * Whether {@code inner} reads as {@code main}'s translation: in another script (Latin after a
   * Hangul question, Hangul after a Latin one) and more than a single word, so an acronym such as
   * {@code (SNS)} stays in the question.
   */
  private static boolean translation(String main, String inner) {
    boolean mainHangul = hangul(main) > 0;
    boolean innerHangul = hangul(inner) > 0;
    long innerWords = inner.strip().split("\\s+").length;
    if (mainHangul && !innerHangul) {
      return latin(inner) > 0 && innerWords >= 2;
    }
    if (!mainHangul && latin(main) > 0 && innerHangul) {
      return latin(inner) == 0;
    }
    return false;
  }

  private static long hangul(String s) {
    return s.codePoints()
        .filter(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HANGUL)
        .count();
  }

  private static long latin(String s) {
    return s.codePoints()
        .filter(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.LATIN)
        .count();
  }

  /** Whether {@code text} holds a letter at all: {@code "0"} or {@code "..."} is no question. */
  static boolean hasLetters(String text) {
    return text.codePoints().anyMatch(Character::isLetter);
  }

  /** Where a prompt's text divides into instructions: lines, sentence ends, commas and colons. */
  private static final Pattern SEGMENT_END = Pattern.compile("[\\n.!。,，:：;]");

  /**
   * The prompt's instruction pieces, as {@link #echoes} compares them: each line, sentence or
   * comma-separated part, in letters and digits only.
   */
  static Set<String> segments(String prompt) {
    Set<String> out = new java.util.HashSet<>();
    for (String part : SEGMENT_END.split(prompt)) {
      String t = lettersAndDigits(part);
      if (t.length() >= 4) {
        out.add(t);
      }
    }
    // A bulleted line shown whole is an example question, not an instruction: repeating it is a
    // repeat of an example, which later stages see for what it is.
    for (String line : prompt.split("\\R")) {
      if (line.strip().startsWith("- ")) {
        out.remove(lettersAndDigits(line));
      }
    }
    return out;
  }

  /**
   * Whether {@code text} is one of the prompt's own instructions echoed as an item, as small models
   * do ({@code 1. 모든 질문은 한국어로 작성하세요.}, {@code 한 줄에 하나씩}): a whole piece of the prompt ({@link
   * #segments}) that is not a question. A question the prompt shows as an example and the teacher
   * repeats is no echo: it is an exact repeat, counted as such downstream.
   */
  static boolean echoes(String text, Set<String> promptSegments) {
    if (text.contains("?") || text.contains("？")) {
      return false;
    }
    return promptSegments.contains(lettersAndDigits(text));
  }

  private static String lettersAndDigits(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints()
        .filter(Character::isLetterOrDigit)
        .forEach(c -> out.appendCodePoint(Character.toLowerCase(c)));
    return out.toString();
  }

  /** Strips markdown emphasis, surrounding quotes and a trailing list separator ({@code ;}). */
  static String clean(String text) {
    String s = text.strip().replace("**", "").replace("__", "").strip();
    s = s.replaceAll("\\s*[;,]$", "");
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
