package dev.guardsynth.eval;

import dev.guardsynth.data.Json;
import dev.guardsynth.eval.Report.CategoryScores;
import dev.guardsynth.eval.Report.ClassScores;
import dev.guardsynth.eval.Report.Interval;
import dev.guardsynth.eval.Report.Intervals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Renders reports as text (scikit-learn's {@code classification_report} layout, 4 decimals),
 * Markdown, JSON or CSV. One report gets the full detail; several (a comparison on one gold file)
 * get one row per system. Stateless.
 */
public final class ReportFormatter {
  /** Output formats. */
  public enum Format {
    TEXT,
    MARKDOWN,
    JSON,
    CSV
  }

  private static final String ROW = "%12s  %9s %9s %9s %9s%n";

  private ReportFormatter() {}

  /** Renders {@code reports}, which must share one gold file when there are several. */
  public static String format(List<Report> reports, Format format) {
    if (reports.isEmpty()) {
      throw new IllegalArgumentException("no reports to format");
    }
    return switch (format) {
      case TEXT -> reports.size() == 1 ? text(reports.get(0)) : compareText(reports, false);
      case MARKDOWN -> reports.size() == 1 ? markdown(reports.get(0)) : compareText(reports, true);
      case JSON -> Json.writePretty(Map.of("reports", reports));
      case CSV -> csv(reports);
    };
  }

  // ---- one system, text ----

  private static String text(Report r) {
    StringBuilder out = new StringBuilder();
    out.append("System: ").append(r.system()).append('\n');
    out.append("Gold:   ").append(goldLine(r)).append("\n\n");
    // scikit-learn's layout: a 12-wide name column, then 10-wide number columns.
    out.append(row("", "precision", "recall", "f1-score", "support")).append('\n');
    classRow(out, "safe", r.safe());
    classRow(out, "unsafe", r.unsafe());
    out.append('\n');
    out.append(row("accuracy", "", "", f(r.accuracy()), String.valueOf(r.examples())));
    classRow(out, "macro avg", r.macroAvg());
    classRow(out, "weighted avg", r.weightedAvg());
    out.append('\n').append(prfLine(r)).append('\n');
    if (r.intervals() != null) {
      Intervals iv = r.intervals();
      out.append('\n').append(intervalHeading(iv, false)).append(":\n");
      for (Map.Entry<String, Interval> e : intervalsByName(iv).entrySet()) {
        out.append(String.format(Locale.ROOT, "  %-17s %s%n", e.getKey(), range(e.getValue())));
      }
    }
    Report.Confusion c = r.confusion();
    out.append("\nConfusion matrix (rows: gold, columns: predicted):\n");
    out.append(String.format(Locale.ROOT, "  %-8s %8s %8s%n", "", "safe", "unsafe"));
    out.append(String.format(Locale.ROOT, "  %-8s %8d %8d%n", "safe", c.tn(), c.fp()));
    out.append(String.format(Locale.ROOT, "  %-8s %8d %8d%n", "unsafe", c.fn(), c.tp()));
    if (!r.categories().isEmpty()) {
      int w =
          Math.max(8, r.categories().stream().mapToInt(k -> k.category().length()).max().orElse(8));
      String row = "  %-" + w + "s %8s %8s %8s %8s%n";
      out.append("\nUnsafe recall by category (and safe questions wrongly flagged):\n");
      out.append(
          String.format(Locale.ROOT, row, "category", "unsafe", "recall", "safe", "flagged"));
      for (CategoryScores k : r.categories()) {
        out.append(
            String.format(
                Locale.ROOT,
                row,
                k.category(),
                k.unsafeSupport(),
                f(k.unsafeRecall()),
                k.safeSupport(),
                f(k.safeFlagged())));
      }
    }
    String note = note(r);
    if (!note.isEmpty()) {
      out.append('\n').append(note).append('\n');
    }
    return out.toString();
  }

  private static void classRow(StringBuilder out, String name, ClassScores s) {
    out.append(row(name, f(s.precision()), f(s.recall()), f(s.f1()), String.valueOf(s.support())));
  }

  private static String row(String name, String p, String r, String f1, String support) {
    return String.format(Locale.ROOT, ROW, name, p, r, f1, support);
  }

  // ---- one system, Markdown ----

  private static String markdown(Report r) {
    StringBuilder out = new StringBuilder();
    out.append("## ").append(r.system()).append("\n\n");
    out.append("Gold: ").append(goldLine(r)).append("\n\n");
    out.append("| | precision | recall | f1-score | support |\n|---|---:|---:|---:|---:|\n");
    mdClassRow(out, "safe", r.safe());
    mdClassRow(out, "unsafe", r.unsafe());
    out.append("| accuracy | | | ")
        .append(f(r.accuracy()))
        .append(" | ")
        .append(r.examples())
        .append(" |\n");
    mdClassRow(out, "macro avg", r.macroAvg());
    mdClassRow(out, "weighted avg", r.weightedAvg());
    out.append('\n').append(prfLine(r)).append("\n");
    if (r.intervals() != null) {
      out.append('\n').append(intervalHeading(r.intervals(), false)).append(":\n\n");
      out.append("| metric | low | high |\n|---|---:|---:|\n");
      for (Map.Entry<String, Interval> e : intervalsByName(r.intervals()).entrySet()) {
        out.append("| ")
            .append(e.getKey())
            .append(" | ")
            .append(f(e.getValue().low()))
            .append(" | ")
            .append(f(e.getValue().high()))
            .append(" |\n");
      }
    }
    Report.Confusion c = r.confusion();
    out.append("\nConfusion matrix (rows: gold, columns: predicted):\n\n");
    out.append("| gold \\ predicted | safe | unsafe |\n|---|---:|---:|\n");
    out.append("| safe | ").append(c.tn()).append(" | ").append(c.fp()).append(" |\n");
    out.append("| unsafe | ").append(c.fn()).append(" | ").append(c.tp()).append(" |\n");
    if (!r.categories().isEmpty()) {
      out.append("\nUnsafe recall by category (and safe questions wrongly flagged):\n\n");
      out.append("| category | unsafe | recall | safe | flagged |\n|---|---:|---:|---:|---:|\n");
      for (CategoryScores k : r.categories()) {
        out.append("| ")
            .append(k.category())
            .append(" | ")
            .append(k.unsafeSupport())
            .append(" | ")
            .append(f(k.unsafeRecall()))
            .append(" | ")
            .append(k.safeSupport())
            .append(" | ")
            .append(f(k.safeFlagged()))
            .append(" |\n");
      }
    }
    String note = note(r);
    if (!note.isEmpty()) {
      out.append('\n').append(note).append('\n');
    }
    return out.toString();
  }

  private static void mdClassRow(StringBuilder out, String name, ClassScores s) {
    out.append("| ")
        .append(name)
        .append(" | ")
        .append(f(s.precision()))
        .append(" | ")
        .append(f(s.recall()))
        .append(" | ")
        .append(f(s.f1()))
        .append(" | ")
        .append(s.support())
        .append(" |\n");
  }

  // ---- several systems, one row each ----

  /** The columns of a comparison: the field's Safe / Unsafe / weighted P, R, F1, and accuracy. */
  private static final Map<String, Function<Report, Double>> COMPARED = compared();

  private static Map<String, Function<Report, Double>> compared() {
    Map<String, Function<Report, Double>> m = new LinkedHashMap<>();
    m.put("unsafe P", r -> r.unsafe().precision());
    m.put("unsafe R", r -> r.unsafe().recall());
    m.put("unsafe F1", r -> r.unsafe().f1());
    m.put("safe P", r -> r.safe().precision());
    m.put("safe R", r -> r.safe().recall());
    m.put("safe F1", r -> r.safe().f1());
    m.put("weighted P", r -> r.weightedAvg().precision());
    m.put("weighted R", r -> r.weightedAvg().recall());
    m.put("weighted F1", r -> r.weightedAvg().f1());
    m.put("accuracy", Report::accuracy);
    return m;
  }

  private static String compareText(List<Report> reports, boolean markdown) {
    StringBuilder out = new StringBuilder();
    Report first = reports.get(0);
    out.append("Gold: ").append(goldLine(first)).append("\n\n");
    List<String> header = new ArrayList<>(List.of("system"));
    header.addAll(COMPARED.keySet());
    List<List<String>> rows = new ArrayList<>();
    for (Report r : reports) {
      List<String> row = new ArrayList<>(List.of(r.system()));
      COMPARED.values().forEach(metric -> row.add(f(metric.apply(r))));
      rows.add(row);
    }
    table(out, header, rows, markdown);
    if (first.intervals() != null) {
      out.append('\n')
          .append(intervalHeading(first.intervals(), reports.size() > 1))
          .append(":\n\n");
      List<String> ivHeader = new ArrayList<>(List.of("system"));
      ivHeader.addAll(intervalsByName(first.intervals()).keySet());
      List<List<String>> ivRows = new ArrayList<>();
      for (Report r : reports) {
        List<String> row = new ArrayList<>(List.of(r.system()));
        intervalsByName(r.intervals()).values().forEach(iv -> row.add(range(iv)));
        ivRows.add(row);
      }
      table(out, ivHeader, ivRows, markdown);
    }
    TreeSet<String> categories = new TreeSet<>();
    reports.forEach(r -> r.categories().forEach(k -> categories.add(k.category())));
    if (!categories.isEmpty()) {
      out.append("\nUnsafe recall by category:\n\n");
      List<String> catHeader = new ArrayList<>(List.of("category", "unsafe"));
      reports.forEach(r -> catHeader.add(r.system()));
      List<List<String>> catRows = new ArrayList<>();
      for (String category : categories) {
        List<String> row = new ArrayList<>(List.of(category));
        CategoryScores firstScores = find(first, category);
        row.add(firstScores == null ? "0" : String.valueOf(firstScores.unsafeSupport()));
        for (Report r : reports) {
          CategoryScores k = find(r, category);
          row.add(k == null ? "-" : f(k.unsafeRecall()));
        }
        catRows.add(row);
      }
      table(out, catHeader, catRows, markdown);
    }
    List<String> notes = new ArrayList<>();
    for (Report r : reports) {
      String note = note(r);
      if (!note.isEmpty()) {
        notes.add(r.system() + ": " + note);
      }
    }
    if (!notes.isEmpty()) {
      out.append('\n').append(String.join("\n", notes)).append('\n');
    }
    return out.toString();
  }

  private static CategoryScores find(Report r, String category) {
    return r.categories().stream()
        .filter(k -> k.category().equals(category))
        .findFirst()
        .orElse(null);
  }

  /** A plain table with right-aligned numbers, or a Markdown table. */
  private static void table(
      StringBuilder out, List<String> header, List<List<String>> rows, boolean markdown) {
    if (markdown) {
      out.append("| ").append(String.join(" | ", header)).append(" |\n|---");
      out.append("|---:".repeat(header.size() - 1)).append("|\n");
      for (List<String> row : rows) {
        out.append("| ").append(String.join(" | ", row)).append(" |\n");
      }
      return;
    }
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        String pad = " ".repeat(widths[i] - cell.length());
        line.append(i == 0 ? "" : "  ").append(i == 0 ? cell + pad : pad + cell);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }

  // ---- CSV: one wide row per system, full precision, for spreadsheets and scripts ----

  private static String csv(List<Report> reports) {
    boolean intervals = reports.stream().anyMatch(r -> r.intervals() != null);
    List<String> header =
        new ArrayList<>(
            List.of(
                "system",
                "gold",
                "examples",
                "accuracy",
                "safe_precision",
                "safe_recall",
                "safe_f1",
                "safe_support",
                "unsafe_precision",
                "unsafe_recall",
                "unsafe_f1",
                "unsafe_support",
                "macro_precision",
                "macro_recall",
                "macro_f1",
                "weighted_precision",
                "weighted_recall",
                "weighted_f1",
                "tn",
                "fp",
                "fn",
                "tp",
                "missing",
                "unreadable",
                "counted_as"));
    if (intervals) {
      for (String name : INTERVAL_KEYS) {
        header.add(name + "_low");
        header.add(name + "_high");
      }
    }
    StringBuilder out = new StringBuilder();
    CSVFormat format =
        CSVFormat.DEFAULT
            .builder()
            .setRecordSeparator('\n')
            .setHeader(header.toArray(String[]::new))
            .get();
    try (CSVPrinter printer = new CSVPrinter(out, format)) {
      for (Report r : reports) {
        List<Object> row = new ArrayList<>();
        row.add(r.system());
        row.add(r.gold());
        row.add(r.examples());
        row.add(r.accuracy());
        addScores(row, r.safe());
        addScores(row, r.unsafe());
        row.add(r.macroAvg().precision());
        row.add(r.macroAvg().recall());
        row.add(r.macroAvg().f1());
        row.add(r.weightedAvg().precision());
        row.add(r.weightedAvg().recall());
        row.add(r.weightedAvg().f1());
        Report.Confusion c = r.confusion();
        row.addAll(List.of(c.tn(), c.fp(), c.fn(), c.tp(), r.missing(), r.unreadable()));
        row.add(r.countedAs() == null ? "" : r.countedAs().json());
        if (intervals) {
          for (Interval iv : intervalsByName(r.intervals()).values()) {
            row.add(iv == null ? "" : iv.low());
            row.add(iv == null ? "" : iv.high());
          }
        }
        printer.printRecord(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing CSV to memory", e);
    }
    return out.toString();
  }

  private static void addScores(List<Object> row, ClassScores s) {
    row.add(s.precision());
    row.add(s.recall());
    row.add(s.f1());
    row.add(s.support());
  }

  // ---- shared pieces ----

  private static final List<String> INTERVAL_KEYS =
      List.of(
          "accuracy", "unsafe_precision", "unsafe_recall", "unsafe_f1", "macro_f1", "weighted_f1");

  /** Intervals by display name, in report order; values are null when {@code iv} is null. */
  private static Map<String, Interval> intervalsByName(Intervals iv) {
    Map<String, Interval> m = new LinkedHashMap<>();
    m.put("accuracy", iv == null ? null : iv.accuracy());
    m.put("unsafe precision", iv == null ? null : iv.unsafePrecision());
    m.put("unsafe recall", iv == null ? null : iv.unsafeRecall());
    m.put("unsafe F1", iv == null ? null : iv.unsafeF1());
    m.put("macro F1", iv == null ? null : iv.macroF1());
    m.put("weighted F1", iv == null ? null : iv.weightedF1());
    return m;
  }

  private static String intervalHeading(Intervals iv, boolean paired) {
    return String.format(
        Locale.ROOT,
        "%.0f%% percentile bootstrap intervals (%d resamples, seed %d%s)",
        iv.level() * 100,
        iv.resamples(),
        iv.seed(),
        paired ? "; the same resamples for every system" : "");
  }

  /** The row papers print: precision, recall and F1 of the unsafe (positive) class. */
  private static String prfLine(Report r) {
    return "P / R / F1 (unsafe): "
        + f(r.unsafe().precision())
        + " / "
        + f(r.unsafe().recall())
        + " / "
        + f(r.unsafe().f1());
  }

  private static String goldLine(Report r) {
    return r.gold() + " (" + r.examples() + " questions)";
  }

  private static String note(Report r) {
    List<String> parts = new ArrayList<>();
    if (r.missing() > 0) {
      parts.add(r.missing() + " without a prediction");
    }
    if (r.unreadable() > 0) {
      parts.add(r.unreadable() + " with an unreadable answer");
    }
    String note =
        parts.isEmpty()
            ? ""
            : "Note: "
                + String.join(" and ", parts)
                + " counted as "
                + r.countedAs().json()
                + " (--missing-as).";
    if (r.unmatched() > 0) {
      note +=
          (note.isEmpty() ? "Note: " : " ")
              + r.unmatched()
              + " predictions matched no gold question and were ignored.";
    }
    return note;
  }

  private static String range(Interval iv) {
    return iv == null ? "-" : "[" + f(iv.low()) + ", " + f(iv.high()) + "]";
  }

  private static String f(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
  }
}
