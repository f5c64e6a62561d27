package dev.guardsynth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config keys of issue #6: budget, mode, failure tolerance, circuit breaker, prices. */
class TeacherAtScaleConfigTest {
  @TempDir Path dir;

  private GuardsynthConfig load(String yaml) throws Exception {
    Path file = dir.resolve("guardsynth.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file, Map.of());
  }

  private ConfigException error(String yaml) {
    return assertThrows(ConfigException.class, () -> load(yaml));
  }

  @Test
  void readsTheNewKeysAndFillsTheirDefaults() throws Exception {
    GuardsynthConfig config =
        load(
            "teacher:\n  mode: batch\n  failure_tolerance: 0.02\n  batch_poll_seconds: 5\n"
                + "  circuit_breaker: {window: 20}\n"
                + "budget: {max_requests: 100, max_cost_usd: 2.5}\n");
    TeacherConfig t = config.teacher();
    assertEquals(TeacherConfig.Mode.BATCH, t.mode());
    assertEquals(0.02, t.failureTolerance());
    assertEquals(5, t.batchPollSeconds());
    assertEquals(new TeacherConfig.CircuitBreaker(0.9, 20, 300), t.circuitBreaker());
    assertEquals(new BudgetConfig(100L, null, 2.5), config.budget());
    assertTrue(config.budget().hasLimits());

    GuardsynthConfig defaults = load("name: x\n");
    assertEquals(TeacherConfig.Mode.SYNC, defaults.teacher().mode());
    assertEquals(0.0, defaults.teacher().failureTolerance());
    assertFalse(defaults.budget().hasLimits());
  }

  @Test
  void anUnknownBudgetKeyListsTheAllowedOnes() {
    ConfigException e = error("budget:\n  max_cost: 5\n");
    assertTrue(e.getMessage().contains("budget.max_cost: unknown key"), e.getMessage());
    assertTrue(
        e.getMessage().contains("allowed keys: max_cost_usd, max_requests, max_tokens"),
        e.getMessage());
  }

  @Test
  void badValuesNameTheKeyAndWhatIsAllowed() {
    assertTrue(
        error("budget: {max_requests: -1}\n")
            .getMessage()
            .contains("budget.max_requests: -1 is not allowed"));
    assertTrue(
        error("teacher: {failure_tolerance: 1.5}\n")
            .getMessage()
            .contains(
                "teacher.failure_tolerance: 1.5 is not allowed; use a number from 0.0 to 1.0"));
    assertTrue(
        error("teacher: {mode: turbo}\n")
            .getMessage()
            .contains("teacher.mode: 'turbo' is not allowed; use one of sync, batch"));
    assertTrue(
        error("teacher: {provider: anthropic, mode: batch}\n")
            .getMessage()
            .contains("teacher.mode: 'batch' needs provider openai"));
    assertTrue(
        error("teacher: {circuit_breaker: {window: 0}}\n")
            .getMessage()
            .contains("teacher.circuit_breaker.window: 0 is not allowed"));
  }

  @Test
  void pricesMatchExactNamesThenTheLongestPrefix() throws Exception {
    TeacherConfig t =
        load("teacher:\n  prices:\n    gpt-4o: {input: 2.5, output: 10}\n"
                + "    gpt-4o-mini: {input: 0.15, output: 0.6}\n")
            .teacher();
    assertEquals(0.15, t.priceOf("gpt-4o-mini").input());
    assertEquals(0.15, t.priceOf("gpt-4o-mini-2024-07-18").input());
    assertEquals(2.5, t.priceOf("gpt-4o-2024-08-06").input());
    assertNull(t.priceOf("claude-3-5-haiku"));
  }
}
