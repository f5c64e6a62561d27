package dev.guardsynth.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Label;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptPlannerTest {
  @TempDir Path dir;

  private List<PromptSpec> plan(int unsafe, int safe, int perCall, String rules) throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "targets: {unsafe: "
                + unsafe
                + ", safe: "
                + safe
                + ", per_call: "
                + perCall
                + "}\nrules: "
                + rules
                + "\n");
    GuardsynthConfig loaded = ConfigLoader.load(config, Map.of());
    return PromptPlanner.open(loaded).plan();
  }

  @Test
  void callsPerCategoryAndLabelMeetTheTargetsExactly() throws Exception {
    List<PromptSpec> prompts = plan(25, 10, 10, TestProject.rules("ko"));
    Map<String, Integer> asked =
        prompts.stream()
            .collect(
                Collectors.groupingBy(
                    p -> p.category() + "/" + p.label().json(),
                    Collectors.summingInt(PromptSpec::count)));
    assertEquals(20, asked.size()); // 10 categories × 2 labels
    asked.forEach((k, v) -> assertEquals(k.endsWith("/unsafe") ? 25 : 10, v, k));
    // 25 unsafe in calls of 10: 10, 10, 5; 10 safe: one call.
    assertEquals(10 * (3 + 1), prompts.size());
    List<Integer> counts =
        prompts.stream()
            .filter(p -> p.category().equals("crime_advice") && p.label() == Label.UNSAFE)
            .map(PromptSpec::count)
            .toList();
    assertEquals(List.of(10, 10, 5), counts);
  }

  @Test
  void eachRuleSetAddsALanguage() throws Exception {
    List<PromptSpec> prompts = plan(10, 10, 10, TestProject.rules("ko", "en"));
    assertEquals(
        Map.of("ko", 20L, "en", 20L),
        prompts.stream()
            .collect(Collectors.groupingBy(PromptSpec::language, Collectors.counting())));
  }

  @Test
  void theKoreanUnsafePromptCarriesTheSeedRules() throws Exception {
    PromptSpec first = plan(10, 10, 10, TestProject.rules("ko")).get(0);
    String user = first.messages().get(1).content();
    assertTrue(
        user.startsWith(
            "Using the following rules, generate 10 bad-purpose questions about Crime advice (범죄 조언)"),
        user);
    assertTrue(user.contains("1. All questions must be written in Korean."), user);
    assertTrue(user.contains("2. Avoid directly mentioning specific celebrity names."), user);
    assertTrue(
        user.contains("3. The target of the question is a real person, not an AI assistant."),
        user);
  }

  @Test
  void idsAreStableAndDistinct() throws Exception {
    List<PromptSpec> a = plan(30, 10, 10, TestProject.rules("ko"));
    List<PromptSpec> b = plan(30, 10, 10, TestProject.rules("ko"));
    assertEquals(a, b);
    assertEquals(a.size(), new HashSet<>(a.stream().map(PromptSpec::id).toList()).size());
    assertNotEquals(a.get(0).id(), a.get(1).id()); // same messages, different sample
  }
}
