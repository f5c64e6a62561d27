package dev.guardsynth.run;

import dev.guardsynth.config.BudgetConfig;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.config.TeacherConfig;
import dev.guardsynth.generate.QuestionGenerator;
import dev.guardsynth.prompt.PromptSpec;
import dev.guardsynth.teacher.Journal;
import dev.guardsynth.teacher.Ledger;
import dev.guardsynth.teacher.StageUsage;
import dev.guardsynth.teacher.TeacherReply;
import dev.guardsynth.teacher.TeacherRequest;
import dev.guardsynth.teacher.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code run --dry-run} reports: per stage, the prompts, how many the journal already answers,
 * and the requests still to send with their estimated tokens and cost, against the budget.
 * Estimates: input tokens from the text ({@link TeacherRequest#estimatedInputTokens()}); output
 * tokens from the journal's replies when it has some, otherwise about 40 per question asked; the
 * upper bound uses {@code max_tokens}. Immutable.
 *
 * @param spent what the run directory's journal holds already (counted against the budget)
 * @param budgetVerdict one sentence: whether the budget lets the run finish
 * @param notes what the estimate leaves out, such as the label stage, whose requests depend on what
 *     generate returns
 */
public record RunPlan(
    String runDirectory,
    String mode,
    List<StagePlan> stages,
    BudgetConfig budget,
    Ledger.Spent spent,
    String budgetVerdict,
    List<String> notes,
    List<CellPlan> cells,
    CostPerQuestion costPerQuestion) {
  public RunPlan {
    stages = List.copyOf(stages);
    notes = List.copyOf(notes);
    cells = List.copyOf(cells);
  }

  /**
   * Round 1's plan for one cell and its estimate: the prompts that ask for the cell's target, with
   * the same estimate as a stage's.
   */
  public record CellPlan(String cell, int target, int questions, StagePlan estimate) {}

  /** This plan with round 1's plan per cell. */
  RunPlan withCells(List<CellPlan> perCell) {
    return new RunPlan(
        runDirectory, mode, stages, budget, spent, budgetVerdict, notes, perCell, costPerQuestion);
  }

  /**
   * This plan with round 1's estimated cost per exported question: each stage's estimate (of {@code
   * perQuestion}, the generate stage and the label stage's judge and respond requests) divided by
   * the questions round 1 would export.
   */
  RunPlan withCostPerQuestion(List<StagePlan> perQuestion, long exported) {
    Map<String, StageUsage> byStage = new LinkedHashMap<>();
    for (StagePlan s : perQuestion) {
      byStage.put(
          s.stage(),
          new StageUsage(
              s.toSend(),
              0,
              s.toSend(),
              0,
              0,
              s.estimatedInputTokens(),
              s.estimatedOutputTokens(),
              s.estimatedCostUsd(),
              s.estimatedCostUsd(),
              s.estimatedCachedInputTokens()));
    }
    return new RunPlan(
        runDirectory,
        mode,
        stages,
        budget,
        spent,
        budgetVerdict,
        notes,
        cells,
        CostPerQuestion.of(byStage, exported));
  }

  /** Output tokens per question asked, when the journal has no replies to learn from. */
  static final int TOKENS_PER_QUESTION = 40;

  /**
   * @param prompts requests the stage makes
   * @param inJournal of them, answered by the journal already
   * @param toSend requests that would be sent
   */
  public record StagePlan(
      String stage,
      int prompts,
      int inJournal,
      int toSend,
      long estimatedInputTokens,
      long estimatedCachedInputTokens,
      long estimatedOutputTokens,
      long maxOutputTokens,
      double estimatedCostUsd,
      double maxCostUsd) {}

  /**
   * A stage's requests and the journal that answers them.
   *
   * @param questionsAsked per request, how many questions (or items) it asks for
   */
  record StageRequests(
      String stage, List<TeacherRequest> requests, List<Integer> questionsAsked, Path journal) {

    /** The generate stage's requests for {@code prompts}, checked against the run's journal. */
    static StageRequests generate(
        List<PromptSpec> prompts, GuardsynthConfig config, RunDirectory dir) {
      return new StageRequests(
          "generate",
          prompts.stream().map(p -> QuestionGenerator.request(p, config.teacher())).toList(),
          prompts.stream().map(PromptSpec::count).toList(),
          dir.responses());
    }
  }

  static RunPlan estimate(
      GuardsynthConfig config, RunDirectory dir, List<StageRequests> stages, List<String> notes) {
    TeacherConfig teacher = config.teacher();
    boolean batch = teacher.mode() == TeacherConfig.Mode.BATCH;
    Ledger ledger = new Ledger(teacher, config.budget());
    List<StagePlan> plans = new ArrayList<>();
    long sendRequests = 0;
    long sendTokens = 0;
    double sendCost = 0;
    for (StageRequests s : stages) {
      Journal journal = Files.exists(s.journal()) ? Journal.read(s.journal()) : null;
      // replies with usage, their output tokens, their input tokens, their cached input tokens
      long[] observed = new long[4];
      if (journal != null) {
        ledger.addJournal(journal);
        journal.forEachReply((reply, b) -> {
          if (reply.usage().total() > 0) {
            observed[0]++;
            observed[1] += reply.usage().outputTokens();
            observed[2] += reply.usage().inputTokens();
            observed[3] += reply.usage().cachedInputTokens();
          }
        });
      }
      int inJournal = 0;
      long input = 0;
      long cached = 0;
      long output = 0;
      long maxOutput = 0;
      double cost = 0;
      double maxCost = 0;
      for (int i = 0; i < s.requests().size(); i++) {
        TeacherRequest r = s.requests().get(i);
        TeacherReply earlier = journal == null ? null : journal.find(r.key()).orElse(null);
        if (earlier != null) {
          inJournal++;
          continue;
        }
        long in = r.estimatedInputTokens();
        long out =
            observed[0] > 0
                ? Math.round((double) observed[1] / observed[0])
                : Math.min(
                    r.maxTokens(), (long) s.questionsAsked().get(i) * TOKENS_PER_QUESTION + 20);
        out = Math.min(out, r.maxTokens());
        // The provider's prompt cache: the share of input tokens it read from cache in the
        // journal's replies of this stage; none when the journal has no such replies.
        long fromCache = observed[2] > 0 ? Math.round((double) in * observed[3] / observed[2]) : 0;
        input += in;
        cached += fromCache;
        output += out;
        maxOutput += r.maxTokens();
        cost += price(teacher, r.model(), new Usage(in, out, fromCache), batch);
        maxCost += price(teacher, r.model(), new Usage(in, r.maxTokens(), fromCache), batch);
      }
      if (journal != null) {
        journal.close();
      }
      int toSend = s.requests().size() - inJournal;
      plans.add(
          new StagePlan(
              s.stage(),
              s.requests().size(),
              inJournal,
              toSend,
              input,
              cached,
              output,
              maxOutput,
              round(cost),
              round(maxCost)));
      sendRequests += toSend;
      sendTokens += input + output;
      sendCost += cost;
    }
    return new RunPlan(
        dir.root().toString(),
        teacher.mode().toString(),
        plans,
        config.budget(),
        ledger.spent(),
        verdict(config.budget(), ledger.spent(), sendRequests, sendTokens, sendCost),
        notes,
        List.of(),
        null);
  }

  private static String verdict(
      BudgetConfig budget, Ledger.Spent spent, long requests, long tokens, double cost) {
    if (!budget.hasLimits()) {
      return "no budget set";
    }
    List<String> over = overBudget(budget, spent, requests, tokens, cost);
    return over.isEmpty()
        ? "within the budget"
        : "the budget stops the run before it finishes ("
            + String.join("; ", over)
            + "); it stops with exit code 3 and resumes when the budget is raised";
  }

  /**
   * The limits of {@code budget} that {@code spent} plus {@code requests}, {@code tokens} and
   * {@code cost} more would pass, each as "max_requests 30 < 40 requests"; empty when none.
   */
  static List<String> overBudget(
      BudgetConfig budget, Ledger.Spent spent, long requests, long tokens, double cost) {
    List<String> over = new ArrayList<>();
    if (budget.maxRequests() != null && spent.requests() + requests > budget.maxRequests()) {
      over.add(
          "max_requests "
              + budget.maxRequests()
              + " < "
              + (spent.requests() + requests)
              + " requests");
    }
    if (budget.maxTokens() != null && spent.tokens() + tokens > budget.maxTokens()) {
      over.add(
          "max_tokens " + budget.maxTokens() + " < about " + (spent.tokens() + tokens) + " tokens");
    }
    if (budget.maxCostUsd() != null && spent.costUsd() + cost > budget.maxCostUsd()) {
      over.add(
          String.format(
              java.util.Locale.ROOT,
              "max_cost_usd %.4f < about $%.4f",
              budget.maxCostUsd(),
              spent.costUsd() + cost));
    }
    return over;
  }

  private static double price(TeacherConfig teacher, String model, Usage usage, boolean batch) {
    TeacherConfig.Price p = teacher.priceOf(model);
    if (p == null) {
      return 0;
    }
    double usd = Ledger.usd(p, usage);
    return batch ? usd * Ledger.BATCH_PRICE_FACTOR : usd;
  }

  private static double round(double usd) {
    return Math.round(usd * 1e6) / 1e6;
  }
}
