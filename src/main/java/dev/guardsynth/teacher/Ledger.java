package dev.guardsynth.teacher;

import dev.guardsynth.config.BudgetConfig;
import dev.guardsynth.config.TeacherConfig;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a run spends on the teacher, and its budget. Accounting is per stage and model; the budget
 * counts every reply the run directory holds, those of earlier sessions (read from the journals)
 * included, so a stopped run resumed with the same budget stops again at once and one resumed with
 * a larger budget spends only the difference. Requests in flight hold a reservation of their
 * estimated cost, so concurrent requests cannot together overshoot a limit by more than the
 * estimates err. Thread-safe; one per run, shared by its stages.
 */
public final class Ledger {
  private static final System.Logger LOG = System.getLogger("guardsynth.teacher");

  /** The Batch API's price relative to the synchronous one. */
  public static final double BATCH_PRICE_FACTOR = 0.5;

  private final TeacherConfig teacher;
  private final BudgetConfig budget;
  private final Set<Path> journals = new HashSet<>();
  private final Map<String, Map<String, StageUsage>> byStage = new TreeMap<>();
  private final Set<String> unpriced = new HashSet<>();
  private long spentRequests;
  private long spentTokens;
  private double spentCost;
  private long reservedRequests;
  private long reservedTokens;
  private double reservedCost;
  private long observedReplies;
  private long observedOutputTokens;

  public Ledger(TeacherConfig teacher, BudgetConfig budget) {
    this.teacher = teacher;
    this.budget = budget;
  }

  /** A ledger that accounts but never stops a run. */
  public static Ledger unlimited(TeacherConfig teacher) {
    return new Ledger(teacher, BudgetConfig.unlimited());
  }

  public BudgetConfig budget() {
    return budget;
  }

  /** Counts the replies of {@code journal} as spent, once per journal file. */
  public synchronized void addJournal(Journal journal) {
    if (!journals.add(journal.file().toAbsolutePath().normalize())) {
      return;
    }
    journal.forEachReply((reply, batch) -> {
      spentRequests++;
      spentTokens += reply.usage().total();
      spentCost += cost(reply.model(), reply.model(), reply.usage(), batch);
      observe(reply);
    });
  }

  /** An estimate of what a request will cost, before it is sent. */
  public record Estimate(long tokens, double costUsd) {}

  /**
   * Input tokens estimated from the text; output tokens from the replies seen so far, or {@code
   * max_tokens} before the first.
   */
  public synchronized Estimate estimate(TeacherRequest request, boolean batch) {
    long input = request.estimatedInputTokens();
    long output =
        observedReplies == 0
            ? request.maxTokens()
            : Math.min(
                request.maxTokens(), Math.round((double) observedOutputTokens / observedReplies));
    return new Estimate(
        input + output, cost(request.model(), null, new Usage(input, output), batch));
  }

  /**
   * Reserves the budget for one request. While it is not affordable and other requests are in
   * flight, waits for them to settle (a failure frees its reservation); returns false when the
   * request cannot be afforded.
   */
  public synchronized boolean reserve(Estimate e) throws InterruptedException {
    while (!affordable(e)) {
      if (reservedRequests == 0) {
        return false;
      }
      wait();
    }
    reservedRequests++;
    reservedTokens += e.tokens();
    reservedCost += e.costUsd();
    return true;
  }

  /** Reserves the budget for one request without checking it (the caller already did). */
  public synchronized void reserveNow(Estimate e) {
    reservedRequests++;
    reservedTokens += e.tokens();
    reservedCost += e.costUsd();
  }

  /** Frees a reservation for a request that was not billed (it failed, or was never sent). */
  public synchronized void release(Estimate e) {
    unreserve(e);
  }

  /** Settles a reservation with the reply that arrived and accounts it to {@code stage}. */
  public synchronized void settle(
      Estimate e, String stage, TeacherRequest request, TeacherReply reply, boolean batch) {
    unreserve(e);
    double cost = cost(request.model(), reply.model(), reply.usage(), batch);
    spentRequests++;
    spentTokens += reply.usage().total();
    spentCost += cost;
    observe(reply);
    add(stage, request.model(), oneReply(reply, false, cost));
  }

  /** One reply's usage: sent now (and paid for), or taken from the journal (paid before). */
  private static StageUsage oneReply(TeacherReply reply, boolean fromJournal, double cost) {
    return new StageUsage(
        1,
        fromJournal ? 1 : 0,
        fromJournal ? 0 : 1,
        0,
        0,
        reply.usage().inputTokens(),
        reply.usage().outputTokens(),
        cost,
        fromJournal ? 0 : cost,
        reply.usage().cachedInputTokens());
  }

  /** Accounts a reply taken from the journal (already counted as spent by {@link #addJournal}). */
  public synchronized void fromJournal(
      String stage, TeacherRequest request, TeacherReply reply, boolean batch) {
    double cost = cost(request.model(), reply.model(), reply.usage(), batch);
    add(stage, request.model(), oneReply(reply, true, cost));
  }

  public synchronized void failed(String stage, String model) {
    add(stage, model, StageUsage.ONE_FAILURE);
  }

  public synchronized void retried(String stage, String model) {
    add(stage, model, StageUsage.ONE_RETRY);
  }

  /** Usage per stage, then per model, in name order. */
  public synchronized Map<String, Map<String, StageUsage>> byStage() {
    Map<String, Map<String, StageUsage>> copy = new LinkedHashMap<>();
    byStage.forEach((stage, models) -> copy.put(stage, Map.copyOf(models)));
    return copy;
  }

  /** Usage of one stage, all models summed. */
  public synchronized StageUsage stage(String stage) {
    return byStage.getOrDefault(stage, Map.of()).values().stream()
        .reduce(StageUsage.ZERO, StageUsage::plus);
  }

  /** Usage of all stages and models. */
  public synchronized StageUsage total() {
    return byStage.values().stream()
        .flatMap(m -> m.values().stream())
        .reduce(StageUsage.ZERO, StageUsage::plus);
  }

  /** Spent over the whole run directory, for the budget. */
  public record Spent(long requests, long tokens, double costUsd) {}

  public synchronized Spent spent() {
    return new Spent(spentRequests, spentTokens, round(spentCost));
  }

  /**
   * Which limit stops the next request, as a sentence for the user, naming the config key to raise;
   * null while the budget allows more.
   */
  public synchronized String exhausted(Estimate next) {
    Long maxRequests = budget.maxRequests();
    if (maxRequests != null && spentRequests + reservedRequests + 1 > maxRequests) {
      return "budget.max_requests "
          + maxRequests
          + " reached ("
          + spentRequests
          + " replies paid for in this run)";
    }
    Long maxTokens = budget.maxTokens();
    if (maxTokens != null && spentTokens + reservedTokens + next.tokens() > maxTokens) {
      return "budget.max_tokens "
          + maxTokens
          + " reached ("
          + spentTokens
          + " tokens used in this run; the next request needs about "
          + next.tokens()
          + ")";
    }
    Double maxCost = budget.maxCostUsd();
    if (maxCost != null && spentCost + reservedCost + next.costUsd() > maxCost) {
      return String.format(
          Locale.ROOT,
          "budget.max_cost_usd %.4f reached ($%.4f spent in this run; the next request costs about $%.4f)",
          maxCost,
          spentCost,
          next.costUsd());
    }
    return null;
  }

  private boolean affordable(Estimate e) {
    return exhausted(e) == null;
  }

  private void unreserve(Estimate e) {
    reservedRequests--;
    reservedTokens -= e.tokens();
    reservedCost -= e.costUsd();
    notifyAll();
  }

  private void observe(TeacherReply reply) {
    if (reply.usage().total() > 0) {
      observedReplies++;
      observedOutputTokens += reply.usage().outputTokens();
    }
  }

  private void add(String stage, String model, StageUsage usage) {
    byStage.computeIfAbsent(stage, s -> new TreeMap<>()).merge(model, usage, StageUsage::plus);
  }

  /** USD for {@code usage}: priced by the requested model, else by the one that answered. */
  private double cost(String requested, String answered, Usage usage, boolean batch) {
    TeacherConfig.Price price = teacher.priceOf(requested);
    if (price == null) {
      price = teacher.priceOf(answered);
    }
    if (price == null) {
      String name = requested != null ? requested : answered;
      if (name != null && !teacher.prices().isEmpty() && unpriced.add(name)) {
        LOG.log(
            Level.WARNING,
            "teacher.prices has no entry for model ''{0}''; its cost counts as 0",
            name);
      }
      return 0;
    }
    double usd = usd(price, usage);
    return batch ? usd * BATCH_PRICE_FACTOR : usd;
  }

  /** What {@code usage} costs: cached input tokens at {@code cached_input}, the rest at input. */
  public static double usd(TeacherConfig.Price price, Usage usage) {
    long cached = Math.min(usage.cachedInputTokens(), usage.inputTokens());
    return ((usage.inputTokens() - cached) * price.input()
            + cached * price.cachedInput()
            + usage.outputTokens() * price.output())
        / 1e6;
  }

  static double round(double usd) {
    return Math.round(usd * 1e6) / 1e6;
  }
}
