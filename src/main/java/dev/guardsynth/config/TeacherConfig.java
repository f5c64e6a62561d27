package dev.guardsynth.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How to reach the teacher LLM. The API key is never here: only the name of the environment
 * variable that holds it ({@code api_key_env}).
 *
 * @param provider which kind of endpoint answers
 * @param endpoints {@code base_url}: one URL, or a list of them (each a URL or a map {@code {url,
 *     concurrency, requests_per_minute}}) that share the run's requests
 * @param cassette for {@code replay}: the cassette file to answer from
 * @param prices USD per million tokens, by model: {@code {model: {input: 0.15, output: 0.6}}}
 * @param mode one HTTP request per prompt, or the OpenAI Batch API
 * @param failureTolerance the fraction of a stage's requests that may fail for good (after retries)
 *     while the run still completes; more than that and the run exits 1
 * @param circuitBreaker when to give up on a provider (or set aside an endpoint) that keeps failing
 * @param batchPollSeconds for {@code mode: batch}: seconds between status checks of a batch
 */
public record TeacherConfig(
    Provider provider,
    // One endpoint reads and writes as a plain URL, as before lists existed (so run.json and the
    // config hash of a single-server run do not change).
    @JsonProperty("base_url")
        @JsonFormat(
            with = {
              JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
              JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED
            })
        List<Endpoint> endpoints,
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
    Mode mode,
    Double failureTolerance,
    CircuitBreaker circuitBreaker,
    Integer batchPollSeconds) {

  /** Which kind of endpoint answers; the YAML and command-line spelling is the lower-case name. */
  public enum Provider {
    /** Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama's /v1, LM Studio...). */
    OPENAI,
    ANTHROPIC,
    OLLAMA,
    /** Answers from a recorded cassette. */
    REPLAY;

    @JsonCreator
    public static Provider of(String name) {
      return Check.choice("provider", name, null, values());
    }

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How requests are sent. */
  public enum Mode {
    /** One HTTP request per prompt. */
    SYNC,
    /** The OpenAI Batch API: slower, half the price. */
    BATCH;

    @JsonCreator
    public static Mode of(String name) {
      return Check.choice("mode", name, null, values());
    }

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public TeacherConfig {
    provider = provider == null ? Provider.OPENAI : provider;
    endpoints =
        endpoints == null || endpoints.isEmpty()
            ? List.of(new Endpoint(defaultBaseUrl(provider), null, null))
            : List.copyOf(endpoints);
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
    mode = mode == null ? Mode.SYNC : mode;
    if (mode == Mode.BATCH && provider != Provider.OPENAI) {
      throw new IllegalArgumentException(
          "mode: 'batch' needs provider openai (the OpenAI Batch API), not '"
              + provider
              + "'; use mode: sync");
    }
    if (mode == Mode.BATCH && endpoints.size() > 1) {
      throw new IllegalArgumentException(
          "mode: 'batch' submits to one endpoint, but base_url lists "
              + endpoints.size()
              + "; give base_url a single URL or use mode: sync");
    }
    failureTolerance = Check.range("failure_tolerance", failureTolerance, 0.0, 0.0, 1.0);
    circuitBreaker =
        circuitBreaker == null ? new CircuitBreaker(null, null, null, null) : circuitBreaker;
    batchPollSeconds = Check.intRange("batch_poll_seconds", batchPollSeconds, 30, 0, 3600);
  }

  static TeacherConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's values, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .provider(provider)
        .endpoints(endpoints)
        .model(model)
        .apiKeyEnv(apiKeyEnv)
        .temperature(temperature)
        .maxTokens(maxTokens)
        .timeoutSeconds(timeoutSeconds)
        .concurrency(concurrency)
        .requestsPerMinute(requestsPerMinute)
        .tokensPerMinute(tokensPerMinute)
        .maxRetries(maxRetries)
        .cassette(cassette)
        .prices(prices)
        .mode(mode)
        .failureTolerance(failureTolerance)
        .circuitBreaker(circuitBreaker)
        .batchPollSeconds(batchPollSeconds);
  }

  /** This config with another mode, spelled as in YAML ({@code sync} or {@code batch}). */
  public TeacherConfig withMode(String newMode) {
    return toBuilder().mode(Mode.of(newMode)).build();
  }

  /** The first (or only) endpoint's URL: the one batch mode and single-endpoint runs use. */
  public String baseUrl() {
    return endpoints.get(0).url();
  }

  /**
   * Requests in flight at once over the whole run: {@code concurrency}, or, when every endpoint
   * sets its own, their sum, so a fleet is not held to the single-server default.
   */
  public int runConcurrency() {
    int sum = 0;
    for (Endpoint e : endpoints) {
      if (e.concurrency() == null) {
        return concurrency;
      }
      sum += e.concurrency();
    }
    return Math.min(sum, 4096);
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

  private static String defaultBaseUrl(Provider provider) {
    return switch (provider) {
      case ANTHROPIC -> "https://api.anthropic.com/v1";
      case OLLAMA -> "http://localhost:11434";
      case OPENAI, REPLAY -> "https://api.openai.com/v1";
    };
  }

  private static String defaultKeyEnv(Provider provider) {
    return switch (provider) {
      case ANTHROPIC -> "ANTHROPIC_API_KEY";
      case OLLAMA, REPLAY -> "";
      case OPENAI -> "OPENAI_API_KEY";
    };
  }

  /** Whether this provider needs an API key from {@link #apiKeyEnv()}. */
  public boolean needsApiKey() {
    return !apiKeyEnv.isBlank() && provider != Provider.REPLAY && provider != Provider.OLLAMA;
  }

  /**
   * One server that answers teacher requests. In YAML a plain URL, or a map that also caps this
   * server alone.
   *
   * @param concurrency requests in flight at once on this server; null: only the run's cap applies
   * @param requestsPerMinute requests a minute to this server; null or 0: only the run's limit
   */
  public record Endpoint(String url, Integer concurrency, Integer requestsPerMinute) {
    public Endpoint {
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException(
            "url: missing; give each endpoint a base URL such as http://127.0.0.1:8000/v1");
      }
      url = url.strip();
      if (concurrency != null) {
        Check.intRange("concurrency", concurrency, 1, 1, 256);
      }
      if (requestsPerMinute != null) {
        Check.intRange("requests_per_minute", requestsPerMinute, 0, 0, 1_000_000);
      }
    }

    /** The URL alone when nothing else is set, as it was written. */
    @JsonValue
    Object json() {
      if (concurrency == null && requestsPerMinute == null) {
        return url;
      }
      Map<String, Object> map = new java.util.LinkedHashMap<>();
      map.put("url", url);
      if (concurrency != null) {
        map.put("concurrency", concurrency);
      }
      if (requestsPerMinute != null) {
        map.put("requests_per_minute", requestsPerMinute);
      }
      return map;
    }

    /** A URL alone, as YAML writes {@code base_url: http://...}. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Endpoint of(String url) {
      return new Endpoint(url, null, null);
    }
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
   *
   * <p>With several endpoints the same rule first sets aside one endpoint (over its own attempts,
   * with a window of at most 3 so a dead server is found fast); after {@code retry_seconds} it gets
   * one trial request, and a success brings it back. The run stops only when every endpoint is set
   * aside and the rule above holds for the run as a whole.
   */
  public record CircuitBreaker(
      Double failureRate, Integer window, Integer seconds, Integer retrySeconds) {
    public CircuitBreaker {
      failureRate = Check.range("failure_rate", failureRate, 0.9, 0.0, 1.0);
      window = Check.intRange("window", window, 50, 1, 100_000);
      seconds = Check.intRange("seconds", seconds, 300, 1, 86_400);
      retrySeconds = Check.intRange("retry_seconds", retrySeconds, 30, 0, 86_400);
    }

    public CircuitBreaker(Double failureRate, Integer window, Integer seconds) {
      this(failureRate, window, seconds, null);
    }
  }

  /** Builds a {@link TeacherConfig}; unset values take the defaults. */
  public static final class Builder {
    private Provider provider;
    private List<Endpoint> endpoints;
    private String model;
    private String apiKeyEnv;
    private Double temperature;
    private Integer maxTokens;
    private Integer timeoutSeconds;
    private Integer concurrency;
    private Integer requestsPerMinute;
    private Integer tokensPerMinute;
    private Integer maxRetries;
    private String cassette;
    private Map<String, Price> prices;
    private Mode mode;
    private Double failureTolerance;
    private CircuitBreaker circuitBreaker;
    private Integer batchPollSeconds;

    private Builder() {}

    public Builder provider(Provider provider) {
      this.provider = provider;
      return this;
    }

    /** One endpoint at {@code url}. */
    public Builder baseUrl(String url) {
      this.endpoints = url == null ? null : List.of(Endpoint.of(url));
      return this;
    }

    public Builder endpoints(List<Endpoint> endpoints) {
      this.endpoints = endpoints;
      return this;
    }

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    public Builder apiKeyEnv(String apiKeyEnv) {
      this.apiKeyEnv = apiKeyEnv;
      return this;
    }

    public Builder temperature(Double temperature) {
      this.temperature = temperature;
      return this;
    }

    public Builder maxTokens(Integer maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    public Builder timeoutSeconds(Integer timeoutSeconds) {
      this.timeoutSeconds = timeoutSeconds;
      return this;
    }

    public Builder concurrency(Integer concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    public Builder requestsPerMinute(Integer requestsPerMinute) {
      this.requestsPerMinute = requestsPerMinute;
      return this;
    }

    public Builder tokensPerMinute(Integer tokensPerMinute) {
      this.tokensPerMinute = tokensPerMinute;
      return this;
    }

    public Builder maxRetries(Integer maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder cassette(String cassette) {
      this.cassette = cassette;
      return this;
    }

    public Builder prices(Map<String, Price> prices) {
      this.prices = prices;
      return this;
    }

    public Builder mode(Mode mode) {
      this.mode = mode;
      return this;
    }

    public Builder failureTolerance(Double failureTolerance) {
      this.failureTolerance = failureTolerance;
      return this;
    }

    public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
      this.circuitBreaker = circuitBreaker;
      return this;
    }

    public Builder batchPollSeconds(Integer batchPollSeconds) {
      this.batchPollSeconds = batchPollSeconds;
      return this;
    }

    public TeacherConfig build() {
      return new TeacherConfig(
          provider,
          endpoints,
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
          mode,
          failureTolerance,
          circuitBreaker,
          batchPollSeconds);
    }
  }
}
