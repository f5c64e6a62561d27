package dev.guardsynth.run;

import java.util.Locale;
import java.util.TreeMap;

/**
 * {@code guardsynth stats} as text tables, for people ({@code --json} writes the report itself).
 */
public final class RunReportText {
  private RunReportText() {}

  /** The report as text tables, for people. */
  public static String render(RunReport report) {
    StringBuilder out = new StringBuilder();
    out.append("run ").append(report.run()).append("\n\nfunnel\n");
    for (RunReport.Step s : report.funnel()) {
      out.append(String.format(Locale.ROOT, "  %-9s", s.stage()));
      if (!s.ran()) {
        out.append(String.format(Locale.ROOT, "%7d → %-7d %s%n", s.in(), s.out(), s.note()));
        continue;
      }
      out.append(
          String.format(
              Locale.ROOT,
              "%7d → %-7d %s  %s%n",
              s.in(),
              s.out(),
              s.addsUp() ? "adds up" : "DOES NOT ADD UP",
              s.note()));
      new TreeMap<>(s.dropped())
          .forEach((reason, n) -> {
            if (n > 0) {
              out.append(String.format(Locale.ROOT, "             -%-6d %s%n", n, reason));
            }
          });
      // Not questions, so not in the sum: what the teacher's reply format cost on the way.
      new TreeMap<>(s.teacherFormat())
          .forEach((what, n) -> {
            if (n > 0) {
              out.append(
                  String.format(Locale.ROOT, "              %-6d %s (teacher format)%n", n, what));
            }
          });
    }
    out.append("\ncategory × label              candidates        labeled\n");
    out.append("                              unsafe   safe     unsafe   safe\n");
    long[] totals = new long[4];
    for (RunReport.CategoryRow r : report.categories()) {
      long[] v = {
        r.candidates().getOrDefault("unsafe", 0L), r.candidates().getOrDefault("safe", 0L),
        r.labeled().getOrDefault("unsafe", 0L), r.labeled().getOrDefault("safe", 0L)
      };
      for (int i = 0; i < 4; i++) {
        totals[i] += v[i];
      }
      out.append(
          String.format(
              Locale.ROOT, "  %-28s%6d %6d     %6d %6d%n", r.category(), v[0], v[1], v[2], v[3]));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "  %-28s%6d %6d     %6d %6d%n",
            "total",
            totals[0],
            totals[1],
            totals[2],
            totals[3]));
    out.append("\nteacher refusals and judge agreement per category\n");
    out.append(
        "                            refused  refusal   judged  agreed  disagreed  unparseable  agreement\n");
    out.append("                            replies  lines\n");
    for (RunReport.CategoryRow r : report.categories()) {
      out.append(
          String.format(
              Locale.ROOT, "  %-26s%7d  %7d", r.category(), r.refusedReplies(), r.refusalLines()));
      RunReport.Judge j = r.judge();
      if (j == null) {
        out.append("   (judge off)\n");
      } else {
        out.append(
            String.format(
                Locale.ROOT,
                "  %7d  %6d  %9d  %11d  %8.1f%%%n",
                j.judged(),
                j.agreed(),
                j.disagreed(),
                j.unparseable(),
                j.agreement() * 100));
      }
    }
    if (!report.cells().isEmpty()) {
      out.append(CellOutcome.renderText(report.cells()));
    }
    out.append('\n');
    if (report.consistent()) {
      out.append("every stage adds up; every dropped question has exactly one reason\n");
    } else {
      report.problems().forEach(p -> out.append("problem: ").append(p).append('\n'));
    }
    if (report.costPerQuestion() != null) {
      out.append('\n').append(report.costPerQuestion().render());
    }
    return out.toString();
  }
}
