package dev.guardsynth.doctor;

import dev.guardsynth.data.Cell;
import dev.guardsynth.data.Label;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which cells the doctor probes, within its request cap. Per rule set (language), in config order,
 * one harmful cell (the one a teacher is most likely to refuse) and its judge request come first;
 * then, while the cap allows, one harmless cell per rule set. The respond request, and one request
 * more when a JSON schema may be refused and asked again, are set aside first. Each language probes
 * another category, so two rule sets show two topics.
 *
 * @param cells the cells to send a generation prompt for, harmful ones first
 * @param languages the probed languages, in config order: one judge request each
 * @param unprobed languages left out by the cap
 * @param total requests the plan can take at most, the schema's second try included
 */
record ProbePlan(List<Cell> cells, List<String> languages, List<String> unprobed, int total) {
  ProbePlan {
    cells = List.copyOf(cells);
    languages = List.copyOf(languages);
    unprobed = List.copyOf(unprobed);
  }

  /**
   * @param cells every cell the targets cover, in plan order
   * @param judge whether judge requests are sent (one per probed language)
   * @param respond whether a respond request is sent
   * @param schemaRetry whether a request may be refused for its JSON schema and asked again
   * @param max the most requests the doctor sends
   */
  static ProbePlan of(
      List<Cell> cells, boolean judge, boolean respond, boolean schemaRetry, int max) {
    Map<String, List<Cell>> byLanguage = new LinkedHashMap<>();
    cells.forEach(c -> byLanguage.computeIfAbsent(c.language(), l -> new ArrayList<>()).add(c));
    int used = (respond ? 1 : 0) + (schemaRetry && (judge || respond) ? 1 : 0);
    List<Cell> first = new ArrayList<>();
    List<Cell> second = new ArrayList<>();
    List<String> languages = new ArrayList<>();
    List<String> unprobed = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, List<Cell>> e : byLanguage.entrySet()) {
      int cost = 1 + (judge ? 1 : 0);
      if (used + cost > max) {
        unprobed.add(e.getKey());
        continue;
      }
      used += cost;
      languages.add(e.getKey());
      List<Cell> unsafe = withLabel(e.getValue(), Label.UNSAFE);
      List<Cell> safe = withLabel(e.getValue(), Label.SAFE);
      List<Cell> primary = unsafe.isEmpty() ? safe : unsafe;
      Cell chosen = primary.get(index % primary.size());
      first.add(chosen);
      if (chosen.label() == Label.UNSAFE && !safe.isEmpty()) {
        second.add(
            safe.stream()
                .filter(c -> c.category().equals(chosen.category()))
                .findFirst()
                .orElse(safe.get(index % safe.size())));
      }
      index++;
    }
    List<Cell> all = new ArrayList<>(first);
    for (Cell c : second) {
      if (used + 1 <= max) {
        used++;
        all.add(c);
      }
    }
    return new ProbePlan(all, languages, unprobed, used);
  }

  private static List<Cell> withLabel(List<Cell> cells, Label label) {
    return cells.stream().filter(c -> c.label() == label).toList();
  }
}
