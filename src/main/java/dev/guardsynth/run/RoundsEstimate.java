package dev.guardsynth.run;

import dev.guardsynth.config.TargetsConfig;
import dev.guardsynth.data.Cell;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dry run's estimate of every round to the targets: the rounds {@link RoundPolicy} would make
 * (the same policy {@code run} uses, driven by an assumed yield instead of a teacher) in three
 * cases: round 1 only, the expected yield in every round, and the worst case that {@code
 * targets.max_rounds}, {@code targets.max_ask_factor} and {@code targets.min_yield} allow (every
 * round keeping just enough to keep each cell open). Immutable.
 *
 * @param expectedYield new exported questions per question asked, in the expected case
 * @param yieldSource where that yield comes from: run.json's rounds, or the assumption
 * @param scenarios round 1 only, expected, worst case
 */
public record RoundsEstimate(double expectedYield, String yieldSource, List<Scenario> scenarios) {
  public RoundsEstimate {
    scenarios = List.copyOf(scenarios);
  }

  /**
   * The yield assumed when the run folder has no measured one: that of the lower of the two limited
   * teachers of docs/generation.md's "Measured" (12 questions per cell, 30 asked in round 1).
   */
  static final double ASSUMED_YIELD = 0.4;

  /**
   * One case's rounds and what they send.
   *
   * @param name "round 1 only", "expected" or "worst case"
   * @param exported questions the rounds would keep within the targets
   * @param requestsPerRound generation requests of each round
   * @param labelRequests label requests at most (every question asked reaching the label stage)
   * @param tokens input and output tokens, generation and label
   * @param costUsd estimated cost, or null when a model has no price
   */
  public record Scenario(
      String name,
      int rounds,
      long questions,
      long exported,
      List<Long> requestsPerRound,
      long generateRequests,
      long labelRequests,
      long tokens,
      Double costUsd) {
    public Scenario {
      requestsPerRound = List.copyOf(requestsPerRound);
    }
  }

  /**
   * What one generation request and one question asked of the label stage cost on average, from
   * round 1's estimate; a cost is null when a model has no price.
   */
  record Rates(
      double generateTokensPerRequest,
      Double generateCostPerRequest,
      double labelRequestsPerQuestion,
      double labelTokensPerQuestion,
      Double labelCostPerQuestion) {}

  /** How many new questions a cell asked {@code asked} keeps, in one case. */
  @FunctionalInterface
  interface Gain {
    int of(int asked);
  }

  /** The three cases for {@code planner}'s cells and {@code targets}. */
  static RoundsEstimate of(
      RoundPlanner planner,
      TargetsConfig targets,
      double expectedYield,
      String yieldSource,
      Rates rates) {
    List<Scenario> out = new ArrayList<>();
    out.add(simulate("round 1 only", planner, targets, 1, a -> 0, rates));
    out.add(
        simulate(
            "expected",
            planner,
            targets,
            targets.maxRounds(),
            a -> (int) Math.round(a * expectedYield),
            rates));
    out.add(
        simulate(
            "worst case",
            planner,
            targets,
            targets.maxRounds(),
            a -> leastThatKeepsOpen(a, targets.minYield()),
            rates));
    return new RoundsEstimate(expectedYield, yieldSource, out);
  }

  /**
   * The fewest new questions of {@code asked} whose yield is not below {@code minYield}: a cell
   * that keeps fewer settles, and one that keeps more has a smaller deficit, so a smaller next ask.
   * Counted the way {@link RoundPolicy#settle} compares, in doubles.
   */
  static int leastThatKeepsOpen(int asked, double minYield) {
    int g = (int) Math.floor(asked * minYield);
    while (g < asked && (double) g / asked < minYield) {
      g++;
    }
    return g;
  }

  private static Scenario simulate(
      String name,
      RoundPlanner planner,
      TargetsConfig targets,
      int maxRounds,
      Gain gain,
      Rates rates) {
    RoundPolicy policy = new RoundPolicy(planner, targets.maxAskFactor());
    List<Long> perRound = new ArrayList<>();
    long questions = 0;
    int round = 0;
    while (round < maxRounds) {
      Map<Cell, Integer> ask = policy.ask(round + 1);
      if (ask.isEmpty()) {
        break;
      }
      round++;
      long requests = 0;
      Map<Cell, Integer> gained = new LinkedHashMap<>();
      for (Map.Entry<Cell, Integer> e : ask.entrySet()) {
        requests += (e.getValue() + planner.perCall() - 1) / planner.perCall();
        questions += e.getValue();
        gained.put(e.getKey(), gain.of(e.getValue()));
      }
      perRound.add(requests);
      policy.keepEstimated(ask, gained);
      policy.settle(round, targets.minYield());
    }
    long generate = perRound.stream().mapToLong(Long::longValue).sum();
    long label = (long) Math.ceil(questions * rates.labelRequestsPerQuestion());
    long tokens =
        Math.round(
            generate * rates.generateTokensPerRequest()
                + questions * rates.labelTokensPerQuestion());
    Double cost =
        rates.generateCostPerRequest() == null || rates.labelCostPerQuestion() == null
            ? null
            : Math.round(
                    (generate * rates.generateCostPerRequest()
                            + questions * rates.labelCostPerQuestion())
                        * 1e4)
                / 1e4;
    return new Scenario(
        name, round, questions, policy.exported(), perRound, generate, label, tokens, cost);
  }
}
