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
 * @param mode {@code sync} (one HTTP request per prompt) or {@code batch} (the OpenAI Batch API:
 *     slower, half the price)
 * @param failureTolerance the fraction of a stage's requests that may fail for good (after retries)
 *     while the run still completes; more than that and the run exits 1
 * @param circuitBreaker when to give up on a provider that keeps failing
 * @param batchPollSeconds for {@code mode: batch}: seconds between status checks of a batch
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
    Map<String, Price> prices,
    String mode,
    Double failureTolerance,
    CircuitBreaker circuitBreaker,
    Integer batchPollSeconds) {
  public static final List<String> PROVIDERS = List.of("openai", "anthropic", "ollama", "replay");
  public static final List<String> MODES = List.of("sync", "batch");

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
    mode = Check.oneOf("mode", mode, "sync", MODES);
    if (mode.equals("batch") && !provider.equals("openai")) {
      throw new IllegalArgumentException(
          "mode: 'batch' needs provider openai (the OpenAI Batch API), not '"
              + provider
              + "'; use mode: sync");
    }
    failureTolerance = Check.range("failure_tolerance", failureTolerance, 0.0, 0.0, 1.0);
    circuitBreaker = circuitBreaker == null ? new CircuitBreaker(null, null, null) : circuitBreaker;
    batchPollSeconds = Check.intRange("batch_poll_seconds", batchPollSeconds, 30, 0, 3600);
  }

  /** The settings of earlier versions, before modes, tolerance and the breaker existed. */
  public TeacherConfig(
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
    this(
        provider,
        baseUrl,
        model,
        apiKeyEnv,
        temperature,
        maxTokens,
        timeoutSeconds,
        concurrency,
        requestsPerMinute,
        tokensPerMinute,
        maxRetries,
        cassette,
        prices,
        null,
        null,
        null,
        null);
  }

  static TeacherConfig defaults() {
    return new TeacherConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** This config with another endpoint; nulls keep the current values. */
  public TeacherConfig withEndpoint(
      String provider, String baseUrl, String model, String apiKeyEnv) {
    return new TeacherConfig(
        provider != null ? provider : this.provider,
        baseUrl != null ? baseUrl : this.baseUrl,
        model != null ? model : this.model,
        apiKeyEnv != null ? apiKeyEnv : this.apiKeyEnv,
        temperature,
        maxTokens,
        timeoutSeconds,
        concurrency,
        requestsPerMinute,
        tokensPerMinute,
        maxRetries,
        cassette,
        prices,
        mode,
        failureTolerance,
        circuitBreaker,
        batchPollSeconds);
  }

  /** This config with another cassette file. */
  public TeacherConfig withCassette(String newCassette) {
    return new TeacherConfig(
        provider,
        baseUrl,
        model,
        apiKeyEnv,
        temperature,
        maxTokens,
        timeoutSeconds,
        concurrency,
        requestsPerMinute,
        tokensPerMinute,
        maxRetries,
        newCassette,
        prices,
        mode,
        failureTolerance,
        circuitBreaker,
        batchPollSeconds);
  }

  /** This config with another mode ({@code sync} or {@code batch}). */
  public TeacherConfig withMode(String newMode) {
    return new TeacherConfig(
        provider,
        baseUrl,
        model,
        apiKeyEnv,
        temperature,
        maxTokens,
        timeoutSeconds,
        concurrency,
        requestsPerMinute,
        tokensPerMinute,
        maxRetries,
        cassette,
        prices,
        newMode,
        failureTolerance,
        circuitBreaker,
        batchPollSeconds);
  }

  /** The price of {@code model}: an exact entry, else the longest entry that prefixes it. */
  public Price priceOf(String model) {
    if (model == null) {
      return null;
    }
    Price exact = prices.get(model);
    if (exact != null) {
      return exact;
    }
    // Providers answer with dated names (gpt-4o-mini-2024-07-18) for the alias the config names.
    String best = null;
    for (String name : prices.keySet()) {
      if (model.startsWith(name) && (best == null || name.length() > best.length())) {
        best = name;
      }
    }
    return best == null ? null : prices.get(best);
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

  /**
   * USD per million input and output tokens.
   *
   * @param cachedInput USD per million input tokens the provider read from its prompt cache; when
   *     not given, the same as {@code input}: no discount is assumed unless configured (OpenAI's is
   *     usually half or less of {@code input}; check the provider's price list)
   */
  public record Price(Double input, Double output, Double cachedInput) {
    public Price {
      input = Check.range("input", input, 0.0, 0.0, 1_000_000.0);
      output = Check.range("output", output, 0.0, 0.0, 1_000_000.0);
      cachedInput = Check.range("cached_input", cachedInput, input, 0.0, 1_000_000.0);
    }

    public Price(Double input, Double output) {
      this(input, output, null);
    }
  }

  /**
   * When to stop calling a provider that keeps failing, instead of stalling: when at least {@code
   * failure_rate} of the last {@code window} attempts failed, or when attempts have failed for
   * {@code seconds} with no success in between. The run then stops with exit code 3, resumable.
   */
  public record CircuitBreaker(Double failureRate, Integer window, Integer seconds) {
    public CircuitBreaker {
      failureRate = Check.range("failure_rate", failureRate, 0.9, 0.0, 1.0);
      window = Check.intRange("window", window, 50, 1, 100_000);
      seconds = Check.intRange("seconds", seconds, 300, 1, 86_400);
    }
  }
}
