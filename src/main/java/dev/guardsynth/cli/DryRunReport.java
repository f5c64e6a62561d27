package dev.guardsynth.cli;

import dev.guardsynth.config.BudgetConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.run.RoundsEstimate;
import dev.guardsynth.run.RunPlan;
import java.io.PrintWriter;
import java.util.List;
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
    boolean priced = plan.unpricedModels().isEmpty();
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
          usd(priced, s.estimatedCostUsd()),
          usd(priced, s.maxCostUsd()));
    }
    if (!priced) {
      err.println(RunPlan.noPrice(plan.unpricedModels()) + ": costs are unknown, not $0");
    }
    printCells(plan, err);
    printRounds(plan, priced, err);
    if (plan.costPerQuestion() != null) {
      err.print("round 1, estimated: ");
      err.print(plan.costPerQuestion().render());
      if (!priced) {
        err.println("  (USD unknown, not 0: " + RunPlan.noPrice(plan.unpricedModels()) + ")");
      }
      err.println(
          "  (every question asked kept and exported up to its cell's target; judge and respond"
              + " at label.batch_size and label.respond_batch_size per request)");
    }
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
    err.println(
        "round 1 per cell (later rounds ask each cell's deficit over its measured yield, at"
            + " most targets.max_ask_factor × the deficit; every round estimated below):");
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
          usd(plan.unpricedModels().isEmpty(), c.estimate().estimatedCostUsd()));
    }
    err.println();
  }

  /** Every round to the targets: round 1 only, expected, worst case. */
  private static void printRounds(RunPlan plan, boolean priced, PrintWriter err) {
    RoundsEstimate r = plan.rounds();
    if (r == null) {
      return;
    }
    err.printf(
        Locale.ROOT,
        "rounds to the targets (expected yield %.2f new exported questions per question asked,"
            + " %s; worst case: every round keeps just enough to stay above targets.min_yield,"
            + " until targets.max_rounds, each later round asking at most targets.max_ask_factor"
            + " × a cell's deficit):%n",
        r.expectedYield(),
        r.yieldSource());
    err.println(
        "case           rounds  questions  generate req.   label req. (max)         tokens    est."
            + " cost");
    for (RoundsEstimate.Scenario s : r.scenarios()) {
      err.printf(
          Locale.ROOT,
          "%-14s %,6d %,10d %,14d %,18d %,14d %12s%n",
          s.name(),
          s.rounds(),
          s.questions(),
          s.generateRequests(),
          s.labelRequests(),
          s.tokens(),
          s.costUsd() == null || !priced ? "no price" : usd(true, s.costUsd()));
    }
    if (plan.budget().hasLimits()) {
      for (RoundsEstimate.Scenario s : r.scenarios()) {
        List<String> over = plan.overBudget(s);
        if (!over.isEmpty()) {
          err.println(
              s.name()
                  + ": the budget stops the run before its end ("
                  + String.join("; ", over)
                  + "): exit 3, resumable when the budget is raised");
        }
      }
    }
    err.println();
  }

  /** A cost, or "no price" when a model of the plan has none: $0.0000 would read as free. */
  private static String usd(boolean priced, double usd) {
    return priced ? String.format(Locale.ROOT, "$%.4f", usd) : "no price";
  }

  private static String orNone(Object limit) {
    return limit == null ? "none" : limit.toString();
  }
}
