package dev.guardsynth.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.data.Cell;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Label;
import dev.guardsynth.prompt.Axes.Axis;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptPlannerTest {
  @TempDir Path dir;

  private PromptPlanner planner(int unsafe, int safe, int perCall, String rules, String extra)
      throws Exception {
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
                + "\n"
                + extra);
    return PromptPlanner.open(ConfigLoader.load(config, Map.of()));
  }

  private List<PromptSpec> plan(int unsafe, int safe, int perCall, String rules) throws Exception {
    return planner(unsafe, safe, perCall, rules, "").plan();
  }

  /** A prompt's content with every number removed: counts and sample markers do not count. */
  private static String content(PromptSpec p) {
    return p.messages().stream()
        .map(m -> m.role() + ":" + m.content().replaceAll("[0-9]", ""))
        .collect(Collectors.joining("\n"));
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
  void cellsTargetsAndPerCallDescribeTheGrid() throws Exception {
    PromptPlanner planner = planner(30, 0, 10, TestProject.rules("ko", "en"), "");
    assertEquals(20, planner.cells().size()); // 10 categories × unsafe × 2 languages; safe is 0
    assertEquals(new Cell("crime_advice", Label.UNSAFE, "ko"), planner.cells().get(0));
    assertEquals(30, planner.target(planner.cells().get(0)));
    assertEquals(10, planner.perCall());
    assertThrows(
        IllegalArgumentException.class,
        () -> planner.plan(Map.of(new Cell("crime_advice", Label.SAFE, "ko"), 5), Map.of(), 1));
  }

  @Test
  void theKoreanUnsafePromptCarriesTheSeedRulesAndItsAxisValues() throws Exception {
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
    assertEquals(
        List.of("subtopic", "persona", "style", "length", "adversarial"),
        List.copyOf(first.axes().keySet()));
    Category crime = PromptPlannerTest.category("crime_advice");
    String subtopic =
        crime.subtopics().stream()
            .filter(s -> s.id().equals(first.axes().get("subtopic")))
            .findFirst()
            .orElseThrow()
            .name("ko");
    assertTrue(user.contains("Subtopic: " + subtopic + " ("), user); // Korean name first
    assertTrue(user.contains("- Who asks: "), user);
    assertEquals(1, first.round());
  }

  private static Category category(String id) {
    return dev.guardsynth.taxonomy.TaxonomyReader.read(
            TestProject.ROOT.resolve("rules/taxonomy.yaml"))
        .find(id)
        .orElseThrow();
  }

  @Test
  void safePromptsCarryAHardNegativeKindAndUnsafeOnesDoNot() throws Exception {
    List<PromptSpec> prompts = plan(20, 20, 10, TestProject.rules("ko"));
    for (PromptSpec p : prompts) {
      assertEquals(p.label() == Label.SAFE, p.axes().containsKey("hard_negative"), p.id());
    }
  }

  @Test
  void idsAreStableAndDistinct() throws Exception {
    List<PromptSpec> a = plan(30, 10, 10, TestProject.rules("ko"));
    List<PromptSpec> b = plan(30, 10, 10, TestProject.rules("ko"));
    assertEquals(a, b);
    assertEquals(a.size(), new HashSet<>(a.stream().map(PromptSpec::id).toList()).size());
  }

  @Test
  void anotherSeedGivesAnotherDesign() throws Exception {
    List<PromptSpec> a = planner(30, 10, 10, TestProject.rules("ko"), "").plan();
    List<PromptSpec> b = planner(30, 10, 10, TestProject.rules("ko"), "export: {seed: 7}\n").plan();
    assertNotEquals(
        a.stream().map(PromptSpec::axes).toList(), b.stream().map(PromptSpec::axes).toList());
  }

  /** Acceptance 3 of issue 11: 2,000 prompts, all distinct, every axis balanced in every cell. */
  @Test
  void twoThousandPromptsAreDistinctAndBalancedInEveryCell() throws Exception {
    PromptPlanner planner = planner(500, 500, 5, TestProject.rules("ko"), "");
    List<PromptSpec> prompts = planner.plan();
    assertEquals(2000, prompts.size());
    Set<String> contents = new HashSet<>();
    for (PromptSpec p : prompts) {
      assertTrue(
          contents.add(content(p)),
          "repeated prompt content: "
              + p.id()
              + " "
              + p.category()
              + p.label()
              + p.axes()
              + p.sample());
    }
    Map<Cell, List<PromptSpec>> byCell = byCell(prompts);
    assertEquals(20, byCell.size());
    byCell.forEach((cell, cellPrompts) -> assertBalanced(planner, cell, cellPrompts));
  }

  private static Map<Cell, List<PromptSpec>> byCell(List<PromptSpec> prompts) {
    Map<Cell, List<PromptSpec>> out = new LinkedHashMap<>();
    for (PromptSpec p : prompts) {
      out.computeIfAbsent(new Cell(p.category(), p.label(), p.language()), c -> new ArrayList<>())
          .add(p);
    }
    return out;
  }

  /** The cell's axes with their value ids; an axis with a share lists its tactics only. */
  private static Map<String, List<String>> axisValues(PromptPlanner planner, Cell cell) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    Category c = planner.taxonomy().find(cell.category()).orElseThrow();
    out.put("subtopic", c.subtopics().stream().map(s -> s.id()).toList());
    for (Axis axis : planner.axes().forCell(cell.label(), cell.language())) {
      out.put(axis.id(), axis.values().stream().map(v -> v.id()).toList());
    }
    return out;
  }

  private static void assertBalanced(PromptPlanner planner, Cell cell, List<PromptSpec> prompts) {
    int n = prompts.size();
    for (Map.Entry<String, List<String>> axis : axisValues(planner, cell).entrySet()) {
      Axis config =
          planner.axes().axes().stream()
              .filter(a -> a.id().equals(axis.getKey()))
              .findFirst()
              .orElse(null);
      List<PromptSpec> taking = prompts;
      if (config != null && config.share() != null) {
        taking = prompts.stream().filter(p -> !p.axes().get(axis.getKey()).equals("none")).toList();
        double expected = config.share() * n;
        assertTrue(
            Math.abs(taking.size() - expected) <= 1,
            cell + " " + axis.getKey() + ": " + taking.size() + " of " + n + " with a tactic");
      }
      Map<String, Long> counts = new HashMap<>();
      for (PromptSpec p : taking) {
        counts.merge(p.axes().get(axis.getKey()), 1L, Long::sum);
      }
      double equal = (double) taking.size() / axis.getValue().size();
      for (String value : axis.getValue()) {
        long count = counts.getOrDefault(value, 0L);
        assertTrue(
            Math.abs(count - equal) <= 1,
            cell + " " + axis.getKey() + "=" + value + ": " + count + ", equal share " + equal);
      }
      if (taking.size() >= axis.getValue().size()) {
        assertEquals(Set.copyOf(axis.getValue()), counts.keySet(), cell + " " + axis.getKey());
      }
    }
  }

  /**
   * Issue 18, point 6: 2,000 prompts over the Korean and English rule sets. No English prompt takes
   * a value that applies to Korean only (존댓말, 반말) or carries a Korean instruction, and every cell
   * balances the values that apply to its language within one of their equal share.
   */
  @Test
  void englishPromptsTakeNoKoreanOnlyValueAndEveryCellBalancesItsOwnValues() throws Exception {
    PromptPlanner planner = planner(250, 250, 5, TestProject.rules("ko", "en"), "");
    List<PromptSpec> prompts = planner.plan();
    assertEquals(2000, prompts.size());
    List<Axes.AxisValue> koreanOnly = new ArrayList<>();
    for (Axis axis : planner.axes().axes()) {
      axis.values().stream().filter(v -> !v.appliesTo("en")).forEach(koreanOnly::add);
    }
    assertEquals(
        List.of("polite_formal", "casual_banmal"),
        koreanOnly.stream().map(Axes.AxisValue::id).toList());
    Map<String, Integer> taken = new HashMap<>();
    for (PromptSpec p : prompts) {
      String user = p.messages().get(1).content();
      String axesBlock =
          user.substring(user.indexOf("Write the questions this way:"), user.indexOf("Rules:"));
      for (Axes.AxisValue v : koreanOnly) {
        if (p.axes().containsValue(v.id())) {
          taken.merge(p.language(), 1, Integer::sum);
        }
      }
      if (!p.language().equals("en")) {
        continue;
      }
      assertFalse(HANGUL.matcher(axesBlock).find(), "Hangul in an English prompt: " + axesBlock);
      for (ChatMessage m : p.messages()) {
        assertFalse(HANGUL.matcher(m.content()).find(), "Hangul in an English prompt: " + m);
      }
      for (Axes.AxisValue v : koreanOnly) {
        assertFalse(p.axes().containsValue(v.id()), p.id() + " takes " + v.id());
        assertFalse(axesBlock.contains(v.name("en")), p.id() + " names " + v.id());
        assertFalse(axesBlock.contains(v.instruction("ko")), p.id() + " asks for " + v.id());
      }
      if ("code_switching".equals(p.axes().get("style"))) {
        assertTrue(axesBlock.contains("Korean words"), axesBlock);
        assertFalse(axesBlock.contains("Mix in a few English words"), axesBlock);
      }
    }
    // Korean cells do take the Korean registers: 2 of 8 styles, 12 or 13 of each 50-prompt cell.
    assertEquals(Set.of("ko"), taken.keySet());
    assertTrue(taken.get("ko") >= 20 * 12 && taken.get("ko") <= 20 * 13, taken.toString());
    Map<Cell, List<PromptSpec>> byCell = byCell(prompts);
    assertEquals(40, byCell.size());
    byCell.forEach((cell, cellPrompts) -> assertBalanced(planner, cell, cellPrompts));
    Set<String> englishStyles = new HashSet<>();
    byCell.forEach((cell, cellPrompts) -> {
      if (cell.language().equals("en")) {
        cellPrompts.forEach(p -> englishStyles.add(p.axes().get("style")));
      }
    });
    assertEquals(
        Set.of(
            "direct",
            "indirect_hypothetical",
            "roleplay_fiction",
            "asking_for_a_friend",
            "chat_slang",
            "code_switching"),
        englishStyles);
  }

  private static final Pattern HANGUL = Pattern.compile("[\\p{IsHangul}]");

  @Test
  void englishPromptsReadAsEnglish() throws Exception {
    PromptSpec en =
        plan(10, 10, 10, TestProject.rules("ko", "en")).stream()
            .filter(p -> p.language().equals("en"))
            .findFirst()
            .orElseThrow();
    String system = en.messages().get(0).content();
    assertTrue(system.contains("a chat assistant that speaks English."), system);
    String user = en.messages().get(1).content();
    assertTrue(
        user.startsWith(
            "Using the following rules, generate 10 bad-purpose questions about Crime advice:"),
        user);
    assertFalse(user.contains("Crime advice (Crime advice)"), user);
  }

  @Test
  void pairsOfValuesAreAllCoveredWhereTheCountAllows() throws Exception {
    PromptPlanner planner = planner(500, 500, 5, TestProject.rules("ko"), "");
    Map<Cell, List<PromptSpec>> byCell = byCell(planner.plan());
    int checked = 0;
    double minimum = 1;
    for (Map.Entry<Cell, List<PromptSpec>> e : byCell.entrySet()) {
      Map<String, List<String>> axes = axisValues(planner, e.getKey());
      axes.remove("adversarial"); // 20% of 100 prompts cannot meet every persona
      List<String> ids = List.copyOf(axes.keySet());
      for (int i = 0; i < ids.size(); i++) {
        for (int j = i + 1; j < ids.size(); j++) {
          String a = ids.get(i);
          String b = ids.get(j);
          int possible = axes.get(a).size() * axes.get(b).size();
          int rows = e.getValue().size();
          if (possible > rows) {
            continue;
          }
          Set<String> seen = new HashSet<>();
          for (PromptSpec p : e.getValue()) {
            seen.add(p.axes().get(a) + "|" + p.axes().get(b));
          }
          // With twice the rows every pair is met; with barely enough (80 pairs in 100 rows, each
          // value held to its equal share) a greedy design may leave one or two for later rounds.
          String what = e.getKey() + ": pairs of " + a + " × " + b + " in " + rows + " prompts";
          if (2 * possible <= rows) {
            assertEquals(possible, seen.size(), what);
          } else {
            assertTrue(seen.size() >= possible * 0.95, what + ": " + seen.size() + "/" + possible);
          }
          minimum = Math.min(minimum, (double) seen.size() / possible);
          checked++;
        }
      }
    }
    assertTrue(checked >= 100, "pairs checked: " + checked);
    assertTrue(minimum >= 0.95, "lowest pair coverage " + minimum);
  }

  @Test
  void laterRoundsContinueTheDesignWithoutRepeatingAPrompt() throws Exception {
    PromptPlanner planner = planner(50, 50, 5, TestProject.rules("ko"), "");
    List<PromptSpec> first = planner.plan();
    Map<Cell, Integer> deficit = new LinkedHashMap<>();
    for (Cell cell : planner.cells()) {
      deficit.put(cell, 40);
    }
    List<PromptSpec> second = planner.plan(deficit, Map.of(), 2);
    assertEquals(first.size() * 4 / 5, second.size());
    Set<String> contents = new HashSet<>();
    for (PromptSpec p : first) {
      contents.add(content(p));
    }
    for (PromptSpec p : second) {
      assertEquals(2, p.round());
      assertTrue(contents.add(content(p)), "round 2 repeats " + p.id());
    }
    // Asking again for round 2 gives the same prompts, as a resumed run needs.
    assertEquals(second, planner.plan(deficit, Map.of(), 2));
    // The two rounds together stay balanced: round 2 continues round 1's design.
    List<PromptSpec> both = new ArrayList<>(first);
    both.addAll(second);
    byCell(both).forEach((cell, prompts) -> assertBalanced(planner, cell, prompts));
  }

  @Test
  void aRoundPlannedByAFreshPlannerDoesNotRepeatRoundOne() throws Exception {
    List<PromptSpec> first = planner(50, 50, 5, TestProject.rules("ko"), "").plan();
    PromptPlanner fresh = planner(50, 50, 5, TestProject.rules("ko"), "");
    Map<Cell, Integer> full = new LinkedHashMap<>();
    fresh.cells().forEach(c -> full.put(c, 50));
    Set<String> contents = new HashSet<>();
    first.forEach(p -> contents.add(content(p)));
    for (PromptSpec p : fresh.plan(full, Map.of(), 2)) {
      assertTrue(contents.add(content(p)), "round 2 repeats " + p.id());
    }
  }

  @Test
  void examplesShowTheSeedsFirstThenARotatingFewAcceptedQuestions() throws Exception {
    PromptPlanner planner = planner(50, 10, 5, TestProject.rules("ko"), "");
    Cell cell = planner.cells().get(0);
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      accepted.add("이미 받아 둔 질문 " + (char) ('가' + i) + "는 무엇인가요?");
    }
    List<PromptSpec> prompts = planner.plan(Map.of(cell, 50), Map.of(cell, accepted), 2);
    assertEquals(10, prompts.size());
    String seed = category("crime_advice").examples("ko").get(0);
    Set<List<String>> shown = new HashSet<>();
    for (PromptSpec p : prompts) {
      String user = p.messages().get(1).content();
      List<String> examples =
          user.lines().filter(l -> l.startsWith("- ") && !l.contains(": ")).toList();
      assertEquals("- " + seed, examples.get(0), user);
      assertEquals(1 + PromptPlanner.ACCEPTED_EXAMPLES, examples.size(), user);
      examples
          .subList(1, examples.size())
          .forEach(e -> assertTrue(accepted.contains(e.substring(2))));
      shown.add(examples);
    }
    assertTrue(shown.size() >= 5, "accepted examples hardly rotate: " + shown.size());
    assertFalse(prompts.get(0).messages().get(1).content().contains("(none)"));
  }
}
