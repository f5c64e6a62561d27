package dev.guardsynth.config;

import java.util.List;
import java.util.Map;

/**
 * How to reach the teacher LLM. The API key is never here: only the name of the environment
 * variable that holds it ({@code api_key_env}).
 *
 * @param provider openai (any OpenAI-compatible endpoint), anthropic, ollama, or replay (answers
 *     from a recorded cassette)
 * @param cassette for {@code replay}: the cassette file to answer from
 * @param prices USD per million tokens, by model: {@code {model: {input: 0.15, output: 0.6}}}
 */
public record TeacherConfig(
    String provider,
    String baseUrl,
    String model,
    String apiKeyEnv,
    Double temperature,
    Integer maxTokens,
    Integer timeoutSeconds,
    Integer concurrency,
    Integer requestsPerMinute,
    Integer tokensPerMinute,
    Integer maxRetries,
    String cassette,
    Map<String, Price> prices) {
  public static final List<String> PROVIDERS = List.of("openai", "anthropic", "ollama", "replay");

  public TeacherConfig {
    provider = Check.oneOf("provider", provider, "openai", PROVIDERS);
    baseUrl = Check.orDefault(baseUrl, defaultBaseUrl(provider));
    model = Check.orDefault(model, "gpt-4o-mini");
    apiKeyEnv = Check.orDefault(apiKeyEnv, defaultKeyEnv(provider));
    temperature = Check.range("temperature", temperature, 0.9, 0.0, 2.0);
    maxTokens = Check.intRange("max_tokens", maxTokens, 1024, 1, 1_000_000);
    timeoutSeconds = Check.intRange("timeout_seconds", timeoutSeconds, 60, 1, 3600);
    concurrency = Check.intRange("concurrency", concurrency, 4, 1, 256);
    requestsPerMinute = Check.intRange("requests_per_minute", requestsPerMinute, 0, 0, 1_000_000);
    tokensPerMinute = Check.intRange("tokens_per_minute", tokensPerMinute, 0, 0, 1_000_000_000);
    maxRetries = Check.intRange("max_retries", maxRetries, 4, 0, 100);
    prices = prices == null ? Map.of() : Map.copyOf(prices);
  }

  static TeacherConfig defaults() {
    return new TeacherConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  private static String defaultBaseUrl(String provider) {
    return switch (provider) {
      case "anthropic" -> "https://api.anthropic.com/v1";
      case "ollama" -> "http://localhost:11434";
      default -> "https://api.openai.com/v1";
    };
  }

  private static String defaultKeyEnv(String provider) {
    return switch (provider) {
      case "anthropic" -> "ANTHROPIC_API_KEY";
      case "ollama", "replay" -> "";
      default -> "OPENAI_API_KEY";
    };
  }

  /** Whether this provider needs an API key from {@link #apiKeyEnv()}. */
  public boolean needsApiKey() {
    return !apiKeyEnv.isBlank() && !provider.equals("replay") && !provider.equals("ollama");
  }

  /** USD per million input and output tokens. */
  public record Price(Double input, Double output) {
    public Price {
      input = Check.range("input", input, 0.0, 0.0, 1_000_000.0);
      output = Check.range("output", output, 0.0, 0.0, 1_000_000.0);
    }
  }
}
