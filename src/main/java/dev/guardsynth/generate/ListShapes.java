package dev.guardsynth.generate;

import dev.guardsynth.text.MarkdownTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists written in another shape than one item per line, turned into one item per line before the
 * reply is read: a markdown table of questions, a numbered list on one line ({@code 1. a 2. b 3.
 * c}) and questions on one line separated by {@code /} or {@code |}. Stateless and thread-safe.
 */
final class ListShapes {
  private ListShapes() {}

  private static final Pattern ONE_LINE = Pattern.compile("^\\s*1[.)]\\s+.+?\\s2[.)]\\s+.+$");
  private static final Pattern NUMBER_AT = Pattern.compile("(?:^|\\s)(\\d{1,2})([.)])\\s");
  private static final Pattern SEPARATED = Pattern.compile("\\s+[/|]\\s+");
  private static final Pattern ENDS_AS_QUESTION = Pattern.compile(".*[?？]['\"”’)*]*$");

  /** {@code lines} with each of these shapes spread over one line per item. */
  static List<String> spread(List<String> lines) {
    return separated(table(oneLineLists(lines)));
  }

  /**
   * A whole numbered list on one line split into its items. Only the numbers that count up from 1
   * split it, so an item that mentions a number ({@code 조건 1. …}) stays whole.
   */
  private static List<String> oneLineLists(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      if (!ONE_LINE.matcher(line).matches()) {
        out.add(line);
        continue;
      }
      String l = line.strip();
      Matcher m = NUMBER_AT.matcher(l);
      int next = 1;
      int from = -1;
      while (m.find()) {
        if (Integer.parseInt(m.group(1)) == next) {
          int start = m.start(1);
          if (from >= 0) {
            out.add(l.substring(from, start).strip());
          }
          from = start;
          next++;
        }
      }
      out.add(l.substring(from).strip());
    }
    return out;
  }

  /**
   * Questions on one line, {@code a? / b? / c?} or {@code a? | b?}: split when every part but the
   * last ends as a question (so {@code Is it A / B?} stays one). A table row is left to {@link
   * #table}.
   */
  private static List<String> separated(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      String[] parts = SEPARATED.split(line.strip());
      boolean split = parts.length >= 2 && !line.strip().startsWith("|");
      for (int i = 0; split && i < parts.length - 1; i++) {
        split = ENDS_AS_QUESTION.matcher(parts[i].strip()).matches();
      }
      if (!split) {
        out.add(line);
        continue;
      }
      // The line's own marker, if any, goes with its first part; each part is an item.
      String first = ReplyParser.itemText(parts[0]);
      out.add("- " + (first == null ? parts[0].strip() : first));
      for (int i = 1; i < parts.length; i++) {
        out.add("- " + parts[i].strip());
      }
    }
    return out;
  }

  /**
   * A markdown table's rows as bullet items of the question column: the column headed question, 질문,
   * text or content, else the one with the most text. Its header and separator stay lines.
   */
  private static List<String> table(List<String> lines) {
    MarkdownTable t = MarkdownTable.find(lines);
    if (t == null) {
      return lines;
    }
    int column = -1;
    for (int c = 0; c < t.header().size() && column < 0; c++) {
      String h = t.header().get(c).toLowerCase(Locale.ROOT);
      if (h.contains("question") || h.contains("질문") || h.equals("text") || h.equals("content")) {
        column = c;
      }
    }
    if (column < 0) {
      long most = -1;
      for (int c = 0; c < t.header().size(); c++) {
        long length = 0;
        for (int r = 0; r < t.rows().size(); r++) {
          length += t.cell(r, c).length();
        }
        if (length > most) {
          most = length;
          column = c;
        }
      }
    }
    List<String> out = new ArrayList<>(lines.subList(0, t.start() + 2));
    for (int r = 0; r < t.rows().size(); r++) {
      String cell = t.cell(r, column);
      out.add(cell.isBlank() ? "|" : "- " + cell);
    }
    out.addAll(lines.subList(t.end(), lines.size()));
    return out;
  }
}
