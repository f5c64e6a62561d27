package dev.guardsynth.teacher;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The teacher's answer to one request: its text, the model that wrote it and the tokens used.
 *
 * @param truncated whether the model stopped at the token limit ({@code finish_reason: "length"},
 *     or the provider's equivalent), so that the reply's last item is unfinished; written only when
 *     true, so journals of whole replies read as before
 */
public record TeacherReply(
    String text,
    String model,
    Usage usage,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean truncated) {
  public TeacherReply {
    text = text == null ? "" : text;
    usage = usage == null ? Usage.ZERO : usage;
  }

  /** A whole reply (not cut by the token limit). */
  public TeacherReply(String text, String model, Usage usage) {
    this(text, model, usage, false);
  }

  /** Whether an OpenAI-style {@code finish_reason} says the token limit cut the reply. */
  public static boolean cutByLimit(String finishReason) {
    return finishReason != null
        && (finishReason.equalsIgnoreCase("length")
            || finishReason.equalsIgnoreCase("max_tokens")
            || finishReason.equalsIgnoreCase("MAX_TOKENS"));
  }
}
