package dev.guardsynth.teacher;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Tokens one reply (or a sum of replies) consumed.
 *
 * @param cachedInputTokens the part of {@code inputTokens} the provider read from its prompt cache
 *     (OpenAI's {@code usage.prompt_tokens_details.cached_tokens}), billed at {@code
 *     teacher.prices.<model>.cached_input}; 0 when the provider does not say
 */
public record Usage(
    long inputTokens,
    long outputTokens,
    // Left out of journal lines when 0, so lines of providers that report no cache stay as they
    // were.
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long cachedInputTokens) {
  public static final Usage ZERO = new Usage(0, 0, 0);

  public Usage(long inputTokens, long outputTokens) {
    this(inputTokens, outputTokens, 0);
  }

  public Usage plus(Usage other) {
    return new Usage(
        inputTokens + other.inputTokens,
        outputTokens + other.outputTokens,
        cachedInputTokens + other.cachedInputTokens);
  }

  public long total() {
    return inputTokens + outputTokens;
  }
}
