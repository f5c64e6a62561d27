package dev.guardsynth.teacher;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Secrets;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaChatRequestParameters;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A teacher behind a LangChain4j chat model: Anthropic's Messages API or Ollama's native chat API.
 * LangChain4j's own retries are off (the runner retries, counted and limited in one place), and its
 * failures are mapped onto {@link TeacherException.Kind} so these providers share the runner's
 * retries, journal, limits and accounting with {@link OpenAiTeacher}. Thread-safe.
 */
public final class LangChainTeacher implements Teacher {
  static {
    // LangChain4j logs through SLF4J, which without a provider warns on stderr that it found
    // none; quiet SLF4J's own warnings (not LangChain4j's logs) unless the user set them.
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
  }

  private final String provider;
  private final String baseUrl;
  private final String apiKey; // only to scrub it from error messages that might echo it
  private final ChatModel model;

  private LangChainTeacher(String provider, String baseUrl, String apiKey, ChatModel model) {
    this.provider = provider;
    this.baseUrl = baseUrl;
    this.apiKey = apiKey == null ? "" : apiKey;
    this.model = model;
  }

  /** Anthropic's Messages API ({@code POST {baseUrl}/messages} with {@code x-api-key}). */
  public static LangChainTeacher anthropic(
      String baseUrl, String apiKey, String modelName, Duration timeout) {
    ChatModel model =
        AnthropicChatModel.builder()
            .httpClientBuilder(new LangChainHttpClient.Builder())
            .baseUrl(baseUrl)
            .apiKey(apiKey)
            .modelName(modelName)
            .timeout(timeout)
            .maxRetries(0)
            .build();
    return new LangChainTeacher("anthropic", baseUrl, apiKey, model);
  }

  /** Ollama's native chat API ({@code POST {baseUrl}/api/chat}); it takes no key. */
  public static LangChainTeacher ollama(String baseUrl, String modelName, Duration timeout) {
    ChatModel model =
        OllamaChatModel.builder()
            .httpClientBuilder(new LangChainHttpClient.Builder())
            .baseUrl(baseUrl)
            .modelName(modelName)
            .timeout(timeout)
            .maxRetries(0)
            .build();
    return new LangChainTeacher("ollama", baseUrl, "", model);
  }

  @Override
  public TeacherReply complete(TeacherRequest request) throws TeacherException {
    List<dev.langchain4j.data.message.ChatMessage> messages = new ArrayList<>();
    for (ChatMessage m : request.messages()) {
      messages.add(
          switch (m.role()) {
            case "system" -> SystemMessage.from(m.content());
            case "assistant" -> AiMessage.from(m.content());
            default -> UserMessage.from(m.content());
          });
    }
    ChatRequestParameters parameters =
        provider.equals("ollama")
            ? OllamaChatRequestParameters.builder()
                .modelName(request.model())
                .temperature(request.temperature())
                .maxOutputTokens(request.maxTokens())
                .seed(request.sample()) // as OpenAiTeacher sends it
                .build()
            : ChatRequestParameters.builder()
                .modelName(request.model())
                .temperature(request.temperature())
                .maxOutputTokens(request.maxTokens())
                .build();
    ChatResponse response;
    try {
      response =
          model.chat(ChatRequest.builder().messages(messages).parameters(parameters).build());
    } catch (RuntimeException e) {
      throw map(request, e);
    }
    AiMessage ai = response.aiMessage();
    if (ai == null || ai.text() == null) {
      throw new TeacherException(
          TeacherException.Kind.MALFORMED, where(request) + " returned no text");
    }
    TokenUsage usage = response.tokenUsage();
    return new TeacherReply(
        ai.text(),
        response.modelName() != null ? response.modelName() : request.model(),
        usage == null
            ? Usage.ZERO
            : new Usage(
                usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                usage.outputTokenCount() == null ? 0 : usage.outputTokenCount()),
        response.finishReason() == FinishReason.LENGTH);
  }

  /** Maps a LangChain4j failure onto a kind, by the HTTP status or the I/O error beneath it. */
  private TeacherException map(TeacherRequest request, RuntimeException e) {
    HttpException http = cause(e, HttpException.class);
    if (http != null) {
      int status = http.statusCode();
      Duration retryAfter =
          http instanceof LangChainHttpClient.StatusException s ? s.retryAfter() : null;
      return TeacherException.forStatus(
          where(request), status, http.getMessage(), retryAfter, apiKey, e);
    }
    if (cause(e, JsonProcessingException.class) != null) {
      // Checked before IOException, which Jackson's parse errors extend.
      return new TeacherException(
          TeacherException.Kind.MALFORMED,
          where(request)
              + " sent a reply that is not valid JSON: "
              + OpenAiTeacher.scrub(
                  OpenAiTeacher.firstLine(
                      cause(e, JsonProcessingException.class).getOriginalMessage()),
                  apiKey),
          null,
          e);
    }
    if (cause(e, HttpTimeoutException.class) != null
        || cause(e, dev.langchain4j.exception.TimeoutException.class) != null) {
      return new TeacherException(
          TeacherException.Kind.TIMEOUT,
          where(request) + " did not answer in time; check base_url and that the server is running",
          null,
          e);
    }
    if (cause(e, IOException.class) != null) {
      return new TeacherException(
          TeacherException.Kind.CONNECTION,
          where(request)
              + " dropped the connection or could not be reached; check base_url and that the"
              + " server is running",
          null,
          e);
    }
    // Anything else failed while reading the reply: a body that is not the provider's format.
    return new TeacherException(
        TeacherException.Kind.MALFORMED,
        where(request)
            + " sent a reply that could not be read: "
            + OpenAiTeacher.scrub(OpenAiTeacher.firstLine(String.valueOf(e.getMessage())), apiKey),
        null,
        e);
  }

  private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  private String where(TeacherRequest request) {
    return "teacher '"
        + provider
        + "' at "
        + Secrets.redactUrl(baseUrl)
        + " (model '"
        + request.model()
        + "')";
  }

  @Override
  public String describe() {
    return Secrets.redactUrl(baseUrl);
  }
}
