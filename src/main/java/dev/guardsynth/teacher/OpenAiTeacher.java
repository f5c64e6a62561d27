package dev.guardsynth.teacher;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.moderations.ModerationCreateParams;
import com.openai.models.moderations.ModerationCreateResponse;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Secrets;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A teacher behind any OpenAI-compatible chat completions endpoint (OpenAI, Azure, vLLM, Ollama, LM
 * Studio...), through the official openai-java client. The client's own retries are off: the caller
 * retries, so that every attempt is counted and limited in one place. Thread-safe.
 */
public final class OpenAiTeacher implements Teacher {
  private static final System.Logger LOG = System.getLogger("guardsynth.teacher");

  private final OpenAIClient client;

  /** Set once the server answered HTTP 400 to {@code response_format}; lives as long as the run. */
  private final AtomicBoolean schemaRejected = new AtomicBoolean();

  private final String baseUrl;
  private final String apiKey; // only to scrub it from error messages that might echo it

  /**
   * @param apiKey the key itself, read by the caller from the environment; kept only inside the
   *     client
   */
  public OpenAiTeacher(String baseUrl, String apiKey, Duration timeout) {
    this(baseUrl, apiKey, timeout, 5);
  }

  /**
   * @param connections idle connections to keep open: the runner's concurrency, so that steady
   *     traffic reuses connections instead of opening new ones
   */
  public OpenAiTeacher(String baseUrl, String apiKey, Duration timeout, int connections) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey == null ? "" : apiKey;
    this.client = client(baseUrl, apiKey, timeout, connections);
  }

  static OpenAIClient client(String baseUrl, String apiKey, Duration timeout, int connections) {
    return OpenAIOkHttpClient.builder()
        .baseUrl(baseUrl)
        .apiKey(apiKey == null || apiKey.isEmpty() ? "unused" : apiKey)
        .timeout(timeout)
        .maxRetries(0)
        .maxIdleConnections(Math.max(5, connections))
        .keepAliveDuration(Duration.ofMinutes(5))
        .build();
  }

  @Override
  public TeacherReply complete(TeacherRequest request) throws TeacherException {
    ResponseSchema schema = request.responseSchema();
    boolean withSchema = schema != null && !(schema.fallback() && schemaRejected.get());
    try {
      return send(request, withSchema);
    } catch (OpenAIServiceException e) {
      if (withSchema && schema.fallback() && e.statusCode() == 400) {
        // A server without structured output (an older vLLM, a proxy) rejects the whole request;
        // the tolerant reply parsers read free text, so ask again without the schema, and stop
        // sending it: every later request would be rejected the same way.
        if (schemaRejected.compareAndSet(false, true)) {
          LOG.log(
              Level.WARNING,
              "{0} answered HTTP 400 to response_format (json_schema): {1}; asking without it"
                  + " for the rest of the run (label.structured: auto)",
              where(request.model()),
              scrub(firstLine(e.getMessage()), apiKey));
        }
        try {
          return send(request, false);
        } catch (OpenAIServiceException | OpenAIIoException | OpenAIInvalidDataException again) {
          throw failure(request.model(), again, "a chat completion");
        }
      }
      throw failure(request.model(), e, "a chat completion");
    } catch (OpenAIIoException | OpenAIInvalidDataException e) {
      throw failure(request.model(), e, "a chat completion");
    }
  }

  /** Whether a server rejected {@code response_format} during this run. */
  @Override
  public boolean schemaRejected() {
    return schemaRejected.get();
  }

  private TeacherReply send(TeacherRequest request, boolean withSchema) throws TeacherException {
    ChatCompletionCreateParams.Builder params =
        ChatCompletionCreateParams.builder()
            .model(request.model())
            .temperature(request.temperature())
            .maxTokens((long) request.maxTokens())
            .seed((long) request.sample());
    for (ChatMessage m : request.messages()) {
      switch (m.role()) {
        case "system" -> params.addSystemMessage(m.content());
        case "user" -> params.addUserMessage(m.content());
        default ->
            params.addMessage(
                com.openai.models.chat.completions.ChatCompletionAssistantMessageParam.builder()
                    .content(m.content())
                    .build());
      }
    }
    if (withSchema) {
      params.responseFormat(responseFormat(request.responseSchema()));
    }
    ChatCompletion completion = client.chat().completions().create(params.build());
    if (completion.choices().isEmpty()) {
      throw new TeacherException(
          TeacherException.Kind.MALFORMED, where(request.model()) + " returned no choices");
    }
    String text = completion.choices().get(0).message().content().orElse("");
    Usage usage =
        completion
            .usage()
            .map(u ->
                new Usage(
                    u.promptTokens(),
                    u.completionTokens(),
                    u.promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(0L)))
            .orElse(Usage.ZERO);
    return new TeacherReply(
        text, completion.model(), usage, TeacherReply.cutByLimit(finishReason(completion)));
  }

  /** The first choice's {@code finish_reason}, or null where the server sent none. */
  private static String finishReason(ChatCompletion completion) {
    try {
      return completion.choices().get(0).finishReason().toString();
    } catch (RuntimeException absent) {
      return null;
    }
  }

  /** {@code response_format: {type: json_schema, json_schema: {name, schema, strict: true}}}. */
  static ResponseFormatJsonSchema responseFormat(ResponseSchema schema) {
    ResponseFormatJsonSchema.JsonSchema.Schema.Builder body =
        ResponseFormatJsonSchema.JsonSchema.Schema.builder();
    for (Map.Entry<String, Object> e : schema.schema().entrySet()) {
      body.putAdditionalProperty(e.getKey(), JsonValue.from(e.getValue()));
    }
    return ResponseFormatJsonSchema.builder()
        .jsonSchema(
            ResponseFormatJsonSchema.JsonSchema.builder()
                .name(schema.name())
                .schema(body.build())
                .strict(true)
                .build())
        .build();
  }

  /**
   * Asks the moderation endpoint ({@code POST /moderations}) whether {@code input} is flagged. One
   * attempt, like {@link #complete}; failures carry the same {@link TeacherException.Kind}s, so a
   * caller's retries treat both endpoints alike.
   */
  public boolean moderate(String model, String input) throws TeacherException {
    try {
      ModerationCreateResponse response =
          client
              .moderations()
              .create(ModerationCreateParams.builder().model(model).input(input).build());
      if (response.results().isEmpty()) {
        throw new TeacherException(
            TeacherException.Kind.MALFORMED, where(model) + " returned no moderation results");
      }
      return response.results().get(0).flagged();
    } catch (OpenAIServiceException | OpenAIIoException | OpenAIInvalidDataException e) {
      throw failure(model, e, "a moderation result");
    }
  }

  /** Maps a client failure to a {@link TeacherException} whose kind decides retrying. */
  private TeacherException failure(String model, RuntimeException e, String expected) {
    if (e instanceof OpenAIServiceException service) {
      return fromStatus(where(model), service, apiKey);
    }
    if (e instanceof OpenAIIoException io) {
      return fromIo(where(model), io);
    }
    return new TeacherException(
        TeacherException.Kind.MALFORMED,
        where(model)
            + " sent a reply that is not "
            + expected
            + ": "
            + scrub(firstLine(e.getMessage()), apiKey),
        null,
        e);
  }

  static TeacherException fromIo(String where, OpenAIIoException e) {
    boolean timeout = hasCause(e, InterruptedIOException.class);
    return new TeacherException(
        timeout ? TeacherException.Kind.TIMEOUT : TeacherException.Kind.CONNECTION,
        where
            + (timeout
                ? " did not answer in time"
                : " dropped the connection or could not be reached")
            + "; check base_url and that the server is running",
        null,
        e);
  }

  static TeacherException fromStatus(String where, OpenAIServiceException e, String apiKey) {
    return TeacherException.forStatus(
        where,
        e.statusCode(),
        e.getMessage(),
        retryAfter(e.headers().values("retry-after")),
        apiKey,
        e);
  }

  /** Reads Retry-After as seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(List<String> values) {
    if (values.isEmpty()) {
      return null;
    }
    String v = values.get(0).strip();
    try {
      return Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(Instant.now(), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (RuntimeException notDate) {
        return null;
      }
    }
  }

  private String where(String model) {
    return "teacher 'openai' at " + Secrets.redactUrl(baseUrl) + " (model '" + model + "')";
  }

  /** {@code text} with every occurrence of the key replaced, in case a server echoes it. */
  static String scrub(String text, String apiKey) {
    if (text == null || apiKey == null || apiKey.length() < 4) {
      return text;
    }
    return text.replace(apiKey, "***");
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public String describe() {
    return Secrets.redactUrl(baseUrl);
  }

  @Override
  public void close() {
    client.close();
  }
}
