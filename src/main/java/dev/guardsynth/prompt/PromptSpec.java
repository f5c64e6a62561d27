package dev.guardsynth.prompt;

import static java.util.Objects.requireNonNull;

import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Label;
import java.util.List;

/**
 * One generation request: ask the teacher for {@code count} questions of one category, label and
 * language. {@code sample} numbers the calls that share the same messages, so that each is a
 * distinct request (and journal entry). Immutable; a line of {@code prompts.jsonl}.
 *
 * @param id hash of the messages and the sample number
 * @param template the template file name without extension ({@code unsafe}, {@code safe})
 * @param ruleSet the rule set id ({@code ko})
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
    List<ChatMessage> messages) {
  public PromptSpec {
    requireNonNull(id, "id");
    requireNonNull(category, "category");
    requireNonNull(label, "label");
    messages = List.copyOf(messages);
    if (count < 1) {
      throw new IllegalArgumentException("prompt " + id + ": count must be at least 1");
    }
  }
}
