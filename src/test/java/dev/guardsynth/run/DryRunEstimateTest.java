package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.LimitedTeacher;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dry run tells the whole story: every round to the targets (round 1 only, expected, worst
 * case), priced or plainly without a price, and a run that stays within its worst case; {@code
 * init}'s config starts with a budget; targets too large to plan are refused at once (issue #20).
 */
class DryRunEstimateTest {
  private static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-test", "K", "k");

  @TempDir Path dir;

  private Path starter() {
    Path config = dir.resolve("starter/guardsynth.yaml");
    CliResult init = CliResult.run("init", config.toString());
    assertEquals(0, init.exitCode(), init.err());
    return config;
  }

  private static CliResult run(Path config, FakeOpenAiServer server, String... more) {
    String[] args = new String[5 + more.length];
    args[0] = "run";
    args[1] = "--config";
    args[2] = config.toString();
    args[3] = "--base-url";
    args[4] = server.baseUrl();
    System.arraycopy(more, 0, args, 5, more.length);
    return CliResult.run(ENV, args);
  }

  private static JsonNode scenario(JsonNode plan, String name) {
    for (JsonNode s : plan.at("/rounds/scenarios")) {
      if (s.get("name").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no case " + name + " in " + plan.get("rounds"));
  }

  /**
   * Acceptance 3: the starter config against a teacher that has only 12 questions per cell (yield
   * 0.06 in round 1, just above min_yield): round 2 asks each cell 4 × its deficit, not its deficit
   * over 0.06 (16 ×), and the whole run's generation requests are within the dry run's worst case.
   */
  @Test
  void theStarterConfigAgainstALowYieldTeacherStaysWithinTheDryRunsWorstCase() throws Exception {
    Path config = starter();
    GuardsynthConfig loaded = ConfigLoader.load(config, ENV);
    double factor = loaded.targets().maxAskFactor();
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perCell())) {
      CliResult dry = run(config, server, "--dry-run", "--json");
      assertEquals(0, dry.exitCode(), dry.err());
      JsonNode plan = Json.MAPPER.readTree(dry.out());
      long worst = scenario(plan, "worst case").get("generate_requests").asLong();
      long roundOne = scenario(plan, "round 1 only").get("generate_requests").asLong();
      assertEquals(0, server.requests().size(), "a dry run sends nothing");

      CliResult result = run(config, server);
      assertEquals(1, result.exitCode(), result.err());
      Path runDir = config.getParent().resolve("output/my-dataset");
      long generate = Files.readAllLines(runDir.resolve("prompts.jsonl")).size();
      assertTrue(generate <= worst, "generation requests " + generate + " > worst case " + worst);
      assertTrue(generate > roundOne, "the setup needs a second round: " + generate);
      System.err.printf(
          "starter config, 12 questions per cell: %d generation requests; dry run: round 1 %d,"
              + " worst case %d%n",
          generate, roundOne, worst);

      JsonNode runJson = Json.MAPPER.readTree(runDir.resolve("run.json").toFile());
      Map<String, Integer> exported = new HashMap<>();
      int later = 0;
      for (JsonNode round : runJson.get("rounds")) {
        int r = round.get("round").asInt();
        var cells = round.get("cells").fields();
        while (cells.hasNext()) {
          var e = cells.next();
          int target =
              e.getKey().contains("/unsafe/") ? loaded.targets().unsafe() : loaded.targets().safe();
          int deficit = target - exported.getOrDefault(e.getKey(), 0);
          int asked = e.getValue().get("asked").asInt();
          if (r > 1) {
            later++;
            assertTrue(
                asked <= factor * deficit,
                "round "
                    + r
                    + ", "
                    + e.getKey()
                    + ": asked "
                    + asked
                    + " for a deficit "
                    + deficit);
          }
          exported.merge(e.getKey(), e.getValue().get("new_exported").asInt(), Integer::sum);
        }
      }
      assertTrue(later > 0, "round 2 asked the short cells");
    }
  }

  /** Acceptance 4: without a price for the model, the dry run says so instead of $0.0000. */
  @Test
  void aDryRunWithoutPricesSaysNoPriceIsSetForTheModel() throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "name: t\nrules: "
                + TestProject.rules("ko")
                + "\ntargets: {unsafe: 10, safe: 10, per_call: 5}\n"
                + "teacher: {model: small-1, api_key_env: K}\n");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perCell())) {
      CliResult text = run(config, server, "--dry-run");
      assertEquals(0, text.exitCode(), text.err());
      assertTrue(
          text.err().contains("no price set for model small-1 (teacher.prices.small-1"),
          text.err());
      for (String line : text.err().split("\n")) {
        if (line.startsWith("generate ") || line.startsWith("worst case ")) {
          assertFalse(line.contains("$0.0000"), line);
          assertTrue(line.contains("no price"), line);
        }
      }
      assertTrue(text.err().contains("rounds to the targets"), text.err());
      assertTrue(text.err().contains("worst case"), text.err());

      JsonNode plan = Json.MAPPER.readTree(run(config, server, "--dry-run", "--json").out());
      assertEquals("small-1", plan.at("/unpriced_models/0").asText());
      JsonNode cost = scenario(plan, "expected").path("cost_usd");
      assertTrue(cost.isNull() || cost.isMissingNode(), "no cost, not 0: " + cost);
      assertEquals(0, server.requests().size());
    }
  }

  /** With a price, every case is priced, and the worst case is the largest. */
  @Test
  void aPricedDryRunShowsRoundOneExpectedAndWorstCaseInRequestsTokensAndCost() throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "name: t\nrules: "
                + TestProject.rules("ko")
                + "\ntargets: {unsafe: 10, safe: 10, per_call: 5, max_rounds: 4}\n"
                + "teacher: {model: m, api_key_env: K, prices: {m: {input: 0.15, output: 0.6}}}\n");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perCell())) {
      JsonNode plan = Json.MAPPER.readTree(run(config, server, "--dry-run", "--json").out());
      JsonNode one = scenario(plan, "round 1 only");
      JsonNode expected = scenario(plan, "expected");
      JsonNode worst = scenario(plan, "worst case");
      assertEquals(plan.at("/stages/0/prompts").asLong(), one.get("generate_requests").asLong());
      assertTrue(
          worst.get("generate_requests").asLong() >= expected.get("generate_requests").asLong());
      assertTrue(
          expected.get("generate_requests").asLong() >= one.get("generate_requests").asLong());
      assertTrue(worst.get("rounds").asInt() <= 4);
      assertTrue(worst.get("tokens").asLong() > one.get("tokens").asLong());
      assertTrue(worst.get("cost_usd").asDouble() > one.get("cost_usd").asDouble());
      assertEquals(0, plan.get("unpriced_models").size());
    }
  }

  /** Acceptance 4: the config init writes has a budget and a price for the model it names. */
  @Test
  void initWritesABudgetAndThePriceOfItsModel() throws Exception {
    GuardsynthConfig config = ConfigLoader.load(starter(), ENV);
    assertTrue(config.budget().hasLimits());
    assertNotNull(config.budget().maxCostUsd());
    assertNotNull(config.teacher().priceOf(config.teacher().model()), config.teacher().model());
  }

  /** Acceptance 2: targets too large to plan in memory are refused at once, naming what fits. */
  @Test
  void targetsTooLargeToPlanAreRefusedAtOnceWithTheLargestThatFits() throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "name: t\nrules: "
                + TestProject.rules("ko")
                + "\ntargets: {unsafe: 10000000, safe: 10000000}\n"
                + "teacher: {model: m, api_key_env: K}\n");
    try (FakeOpenAiServer server = FakeOpenAiServer.start(LimitedTeacher.perCell())) {
      long start = System.nanoTime();
      CliResult dry = run(config, server, "--dry-run");
      assertEquals(2, dry.exitCode(), dry.err());
      assertTrue(dry.err().contains("use targets of at most"), dry.err());
      assertTrue(dry.err().contains("more than this Java heap holds"), dry.err());
      assertFalse(dry.err().contains("OutOfMemoryError"), dry.err());
      assertFalse(dry.err().contains("\tat "), "no stack trace: " + dry.err());
      assertTrue((System.nanoTime() - start) / 1e9 < 30, "at once");
      CliResult real = run(config, server);
      assertEquals(2, real.exitCode(), real.err());
      assertEquals(0, server.requests().size());
      assertFalse(Files.exists(dir.resolve("output/t")), "nothing written");
    }
  }
}
