package dev.guardsynth.prompt;

import static java.util.Objects.requireNonNull;

import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Label;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One generation request: ask the teacher for {@code count} questions of one category, label and
 * language, in the way its {@code axes} values say. Immutable; a line of {@code prompts.jsonl}.
 *
 * @param id hash of the messages and the sample number
 * @param template the template file name without extension ({@code unsafe}, {@code safe})
 * @param ruleSet the rule set id ({@code ko})
 * @param sample the prompt's position in its cell's design, over all rounds; sent as the request's
 *     seed. Prompts differ in content (their axis values and examples), not by this number.
 * @param round the round of {@code run} that planned it, from 1; absent in older files, read as 1
 * @param axes the prompt's value per axis ({@code subtopic}, {@code persona}, ...), in axis order;
 *     absent in older files, read as empty
 */
public record PromptSpec(
    String id,
    String category,
    String group,
    Label label,
    String language,
    String template,
    String ruleSet,
    int count,
    int sample,
    int round,
    Map<String, String> axes,
    List<ChatMessage> messages) {
  public PromptSpec {
    requireNonNull(id, "id");
    requireNonNull(category, "category");
    requireNonNull(label, "label");
    messages = List.copyOf(messages);
    axes = axes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(axes));
    round = round == 0 ? 1 : round; // files written before rounds existed have no round
    if (count < 1) {
      throw new IllegalArgumentException("prompt " + id + ": count must be at least 1");
    }
    if (round < 1) {
      throw new IllegalArgumentException("prompt " + id + ": round must be at least 1");
    }
  }
}
