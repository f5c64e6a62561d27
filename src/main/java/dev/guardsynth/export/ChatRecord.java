package dev.guardsynth.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.guardsynth.data.ChatMessage;
import java.util.List;
import java.util.Map;

/**
 * One fine-tuning example in chat form: a system prompt, the user's question and the answer the
 * guard should give. One per task per question. Immutable.
 *
 * @param task {@code detect} or {@code respond}
 * @param split {@code train}, {@code validation} or {@code test}
 * @param label {@code unsafe}, {@code safe} or, for a question a jury split on, {@code
 *     controversial}
 * @param axes the values of the prompt that asked for the question (persona, style, subtopic...),
 *     as metadata; left out when the question has none
 */
public record ChatRecord(
    String id,
    String task,
    String split,
    String label,
    String category,
    String language,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> axes,
    List<ChatMessage> messages) {
  public ChatRecord {
    axes = axes == null ? Map.of() : Map.copyOf(axes);
    messages = List.copyOf(messages);
  }
}
