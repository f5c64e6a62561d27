package dev.guardsynth.export;

import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Label;
import java.util.List;

/**
 * One fine-tuning example in chat form: a system prompt, the user's question and the answer the
 * guard should give. One per task per question. Immutable.
 *
 * @param task {@code detect} or {@code respond}
 * @param split {@code train}, {@code validation} or {@code test}
 */
public record ChatRecord(
    String id,
    String task,
    String split,
    Label label,
    String category,
    String language,
    List<ChatMessage> messages) {
  public ChatRecord {
    messages = List.copyOf(messages);
  }
}
