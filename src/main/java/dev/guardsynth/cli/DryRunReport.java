package dev.guardsynth.cli;

import dev.guardsynth.config.BudgetConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.run.RunPlan;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Prints a {@link RunPlan}: a table on stderr for people, or JSON on stdout with {@code --json}.
 */
final class DryRunReport {
  private DryRunReport() {}

  static int print(RunPlan plan, boolean json, PrintWriter out, PrintWriter err) {
    if (json) {
      out.println(Json.write(plan));
      out.flush();
      return Main.OK;
    }
    err.println(
        "dry run: nothing is sent; run directory " + plan.runDirectory() + ", mode " + plan.mode());
    err.printf(
        Locale.ROOT,
        "%-10s %8s %10s %8s %14s %14s %12s %12s%n",
        "stage",
        "prompts",
        "in journal",
        "to send",
        "input tokens",
        "output tokens",
        "est. cost",
        "max cost");
    for (RunPlan.StagePlan s : plan.stages()) {
      err.printf(
          Locale.ROOT,
          "%-10s %,8d %,10d %,8d %,14d %,14d %12s %12s%n",
          s.stage(),
          s.prompts(),
          s.inJournal(),
          s.toSend(),
          s.estimatedInputTokens(),
          s.estimatedOutputTokens(),
          String.format(Locale.ROOT, "$%.4f", s.estimatedCostUsd()),
          String.format(Locale.ROOT, "$%.4f", s.maxCostUsd()));
    }
    printCells(plan, err);
    plan.notes().forEach(err::println);
    BudgetConfig b = plan.budget();
    err.printf(
        Locale.ROOT,
        "spent so far (journal): %,d requests, %,d tokens, $%.4f%n",
        plan.spent().requests(),
        plan.spent().tokens(),
        plan.spent().costUsd());
    err.println(
        "budget: "
            + (!b.hasLimits()
                ? "none"
                : "max_requests "
                    + orNone(b.maxRequests())
                    + ", max_tokens "
                    + orNone(b.maxTokens())
                    + ", max_cost_usd "
                    + orNone(b.maxCostUsd()))
            + " -> "
            + plan.budgetVerdict());
    err.flush();
    return Main.OK;
  }

  /** Round 1's plan per cell: later rounds depend on what this one yields. */
  private static void printCells(RunPlan plan, PrintWriter err) {
    if (plan.cells().isEmpty()) {
      return;
    }
    err.println();
    err.println("round 1 per cell (later rounds ask each cell's deficit over its measured yield):");
    err.printf(
        Locale.ROOT,
        "%-36s %7s %9s %8s %8s %12s%n",
        "cell",
        "target",
        "questions",
        "prompts",
        "to send",
        "est. cost");
    for (RunPlan.CellPlan c : plan.cells()) {
      err.printf(
          Locale.ROOT,
          "%-36s %,7d %,9d %,8d %,8d %12s%n",
          c.cell(),
          c.target(),
          c.questions(),
          c.estimate().prompts(),
          c.estimate().toSend(),
          String.format(Locale.ROOT, "$%.4f", c.estimate().estimatedCostUsd()));
    }
    err.println();
  }

  private static String orNone(Object limit) {
    return limit == null ? "none" : limit.toString();
  }
}
