package dev.guardsynth.doctor;

import dev.guardsynth.doctor.DoctorReport.CellYield;
import dev.guardsynth.doctor.DoctorReport.Estimate;
import dev.guardsynth.doctor.DoctorReport.Generate;
import dev.guardsynth.doctor.DoctorReport.GenerateProbe;
import dev.guardsynth.doctor.DoctorReport.Judge;
import dev.guardsynth.doctor.DoctorReport.JudgeBatch;
import dev.guardsynth.doctor.DoctorReport.LanguageShare;
import dev.guardsynth.doctor.DoctorReport.Respond;
import dev.guardsynth.doctor.DoctorReport.Schema;
import dev.guardsynth.doctor.DoctorReport.Status;
import dev.guardsynth.teacher.StageUsage;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Renders a {@link DoctorReport} for people: one block per kind, the estimate, and the verdict when
 * every stage works (the command names a failing stage and its reason itself, the same way with
 * {@code --json}).
 */
final class ReportText {
  private ReportText() {}

  static String render(DoctorReport r) {
    StringBuilder out = new StringBuilder();
    line(out, "teacher: %s, model %s", r.teacher(), r.model());
    StageUsage u = r.usage();
    line(
        out,
        "sent %d of at most %d requests, %d retries; %,d input + %,d output tokens, $%.4f"
            + " (not journalled, counted in no budget)",
        r.requests(),
        r.maxRequests(),
        r.retries(),
        u.inputTokens(),
        u.outputTokens(),
        u.costUsd());
    out.append('\n');
    generate(out, r.generate());
    judge(out, r.judge());
    respond(out, r.respond());
    if (r.estimate() != null) {
      out.append('\n');
      estimate(out, r.estimate());
    }
    if (!r.notes().isEmpty()) {
      out.append('\n');
      r.notes().forEach(n -> line(out, "note: %s", n));
    }
    if (r.ok()) {
      out.append('\n');
      line(out, "every stage works with this teacher");
    }
    return out.toString();
  }

  private static void generate(StringBuilder out, Generate g) {
    line(out, "generate: %s, %d request%s", g.status(), g.requests(), g.requests() == 1 ? "" : "s");
    line(
        out,
        "  %-34s %5s %6s %8s %12s %5s  %s",
        "cell",
        "asked",
        "parsed",
        "refusal",
        "in language",
        "kept",
        "filter rejected");
    for (GenerateProbe p : g.probes()) {
      if (p.failure() != null) {
        line(out, "  %-34s %5d  failed: %s", p.cell(), p.asked(), p.failure());
        continue;
      }
      line(
          out,
          "  %-34s %5d %6d %8s %12s %5d  %s",
          p.cell(),
          p.asked(),
          p.parsed(),
          p.refusal() ? "yes" : "no",
          p.inLanguage() == null || p.parsed() == 0 ? "-" : p.inLanguage() + " of " + p.parsed(),
          p.kept(),
          p.rejected().isEmpty() ? "-" : reasons(p.rejected()));
    }
  }

  private static void judge(StringBuilder out, Judge j) {
    if (j.status() == Status.OFF || j.status() == Status.SKIPPED) {
      line(out, "judge: %s", j.status() == Status.OFF ? "off (label.judge)" : notProbed());
      return;
    }
    line(
        out,
        "judge: %s, %d request%s, %s",
        j.status(),
        j.requests(),
        j.requests() == 1 ? "" : "s",
        schema(j.schema()));
    line(
        out,
        "  %-8s %9s %8s %6s %8s %11s",
        "language",
        "questions",
        "readable",
        "agree",
        "disagree",
        "rule broken");
    for (JudgeBatch b : j.batches()) {
      if (b.failure() != null) {
        line(out, "  %-8s %9d  failed: %s", b.language(), b.questions(), b.failure());
        continue;
      }
      line(
          out,
          "  %-8s %9d %8d %6d %8d %11d",
          b.language(),
          b.questions(),
          b.readable(),
          b.agreed(),
          b.disagreed(),
          b.rulesBroken());
    }
  }

  private static void respond(StringBuilder out, Respond r) {
    if (r.status() == Status.OFF || (r.status() == Status.SKIPPED && r.requests() == 0)) {
      line(out, "respond: %s", r.status() == Status.OFF ? "off (label.respond)" : notProbed());
      return;
    }
    line(
        out,
        "respond: %s, %d request%s, %s",
        r.status(),
        r.requests(),
        r.requests() == 1 ? "" : "s",
        schema(r.schema()));
    if (r.failure() != null) {
      line(out, "  failed: %s", r.failure());
      return;
    }
    StringJoiner languages = new StringJoiner(", ");
    for (LanguageShare l : r.languages()) {
      languages.add(l.language() + " " + l.inLanguage() + " of " + l.responses());
    }
    line(
        out,
        "  %d questions: %d responses readable, %d of %d harmless questions refused; in the"
            + " question's language: %s",
        r.questions(),
        r.readable(),
        r.refused(),
        r.safeQuestions(),
        languages.length() == 0 ? "-" : languages.toString());
  }

  private static void estimate(StringBuilder out, Estimate e) {
    line(
        out,
        "yield per probed cell (questions exported per question asked: kept by the filter × by the"
            + " judge × response kept):");
    line(
        out,
        "  %-34s %5s %5s %12s %15s %6s",
        "cell",
        "asked",
        "kept",
        "judge keeps",
        "response kept",
        "yield");
    for (CellYield c : e.cells()) {
      line(
          out,
          "  %-34s %5d %5d %12s %15s %6.2f",
          c.cell(),
          c.asked(),
          c.kept(),
          c.judged() == 0 ? "-" : c.agreed() + " of " + c.judged(),
          c.responses() == 0 ? "-" : c.responsesKept() + " of " + c.responses(),
          c.yield());
    }
    if (e.costPerQuestion() == null) {
      return;
    }
    StringJoiner requests = new StringJoiner(", ");
    e.requests().entrySet().stream()
        .sorted(Map.Entry.comparingByKey(ReportText::stageOrder))
        .forEach(x -> requests.add(String.format(Locale.ROOT, "%,d %s", x.getValue(), x.getKey())));
    line(
        out,
        "for the targets (%,d questions; every cell at the yield of the probed cell of its label"
            + " and language): about %s requests, $%.4f%s",
        e.exported(),
        requests,
        e.costUsd(),
        e.priced() ? "" : " (no price set)");
    out.append(e.costPerQuestion().render());
  }

  private static int stageOrder(String a, String b) {
    return Integer.compare(rank(a), rank(b));
  }

  private static int rank(String stage) {
    return switch (stage) {
      case "generate" -> 0;
      case "judge" -> 1;
      default -> 2;
    };
  }

  private static String schema(Schema s) {
    if (s == null) {
      return "JSON schema not reached";
    }
    return switch (s) {
      case ACCEPTED -> "JSON schema accepted";
      case FELL_BACK ->
          "JSON schema refused (HTTP 400), fell back to free text (label.structured: auto)";
      case REJECTED -> "JSON schema refused (HTTP 400) under label.structured: on";
      case NOT_ASKED -> "no JSON schema (label.structured: off)";
      case NOT_SENT ->
          "no JSON schema sent (only an OpenAI-compatible server takes one; free text is parsed)";
    };
  }

  private static String notProbed() {
    return "not probed (an earlier stage fails)";
  }

  private static String reasons(Map<String, Long> rejected) {
    StringJoiner j = new StringJoiner(", ");
    rejected.forEach((k, v) -> j.add(k + " " + v));
    return j.toString();
  }

  private static void line(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
