package dev.guardsynth.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The first markdown table in a reply's lines: a {@code | a | b |} header row, a {@code |---|---|}
 * separator and the {@code |}-led rows after it. Models write tables of questions and of verdicts;
 * the generate and label stages read them through this one reader. Immutable.
 *
 * @param start the header row's line index
 * @param end the index of the first line after the table
 * @param header the header cells, stripped
 * @param rows each row's cells, stripped (a row may have more or fewer cells than the header)
 */
public record MarkdownTable(int start, int end, List<String> header, List<List<String>> rows) {
  private static final Pattern SEPARATOR = Pattern.compile("^\\s*\\|?[\\s:|-]*-{3,}[\\s:|-]*$");

  public MarkdownTable {
    header = List.copyOf(header);
    rows = rows.stream().map(List::copyOf).toList();
  }

  /** The first table in {@code lines}, or null when they hold none. */
  public static MarkdownTable find(List<String> lines) {
    for (int sep = 1; sep < lines.size(); sep++) {
      if (lines.get(sep - 1).strip().startsWith("|")
          && SEPARATOR.matcher(lines.get(sep)).matches()) {
        int end = sep + 1;
        List<List<String>> rows = new ArrayList<>();
        while (end < lines.size() && lines.get(end).strip().startsWith("|")) {
          rows.add(cells(lines.get(end)));
          end++;
        }
        return new MarkdownTable(sep - 1, end, cells(lines.get(sep - 1)), rows);
      }
    }
    return null;
  }

  /** The index of the header cell that {@code wanted} (lower case) equals, or -1. */
  public int column(String wanted) {
    for (int c = 0; c < header.size(); c++) {
      if (header.get(c).replace("*", "").strip().equalsIgnoreCase(wanted)) {
        return c;
      }
    }
    return -1;
  }

  /** Row {@code r}'s cell in {@code column}, or "" when the row is shorter. */
  public String cell(int r, int column) {
    List<String> row = rows.get(r);
    return column >= 0 && column < row.size() ? row.get(column) : "";
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
}
