package dev.guardsynth.teacher;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.guardsynth.data.ChatMessage;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A teacher behind any OpenAI-compatible chat completions endpoint (OpenAI, Azure, vLLM, Ollama, LM
 * Studio...), through the official openai-java client. The client's own retries are off: the caller
 * retries, so that every attempt is counted and limited in one place. Thread-safe.
 */
public final class OpenAiTeacher implements Teacher {
  private final OpenAIClient client;
  private final String baseUrl;

  /**
   * @param apiKey the key itself, read by the caller from the environment; kept only inside the
   *     client
   */
  public OpenAiTeacher(String baseUrl, String apiKey, Duration timeout) {
    this.baseUrl = baseUrl;
    this.client =
        OpenAIOkHttpClient.builder()
            .baseUrl(baseUrl)
            .apiKey(apiKey == null || apiKey.isEmpty() ? "unused" : apiKey)
            .timeout(timeout)
            .maxRetries(0)
            .build();
  }

  @Override
  public TeacherReply complete(TeacherRequest request) throws TeacherException {
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
    try {
      ChatCompletion completion = client.chat().completions().create(params.build());
      if (completion.choices().isEmpty()) {
        throw new TeacherException(
            TeacherException.Kind.MALFORMED, where(request) + " returned no choices");
      }
      String text = completion.choices().get(0).message().content().orElse("");
      Usage usage =
          completion
              .usage()
              .map(u -> new Usage(u.promptTokens(), u.completionTokens()))
              .orElse(Usage.ZERO);
      return new TeacherReply(text, completion.model(), usage);
    } catch (OpenAIServiceException e) {
      throw fromStatus(request, e);
    } catch (OpenAIIoException e) {
      boolean timeout = hasCause(e, InterruptedIOException.class);
      throw new TeacherException(
          timeout ? TeacherException.Kind.TIMEOUT : TeacherException.Kind.CONNECTION,
          where(request)
              + (timeout ? " did not answer in time" : " could not be reached")
              + "; check base_url and that the server is running",
          null,
          e);
    } catch (OpenAIInvalidDataException e) {
      throw new TeacherException(
          TeacherException.Kind.MALFORMED,
          where(request)
              + " sent a reply that is not a chat completion: "
              + firstLine(e.getMessage()),
          null,
          e);
    }
  }

  private TeacherException fromStatus(TeacherRequest request, OpenAIServiceException e) {
    int status = e.statusCode();
    String message = where(request) + " answered HTTP " + status;
    TeacherException.Kind kind;
    if (status == 401 || status == 403) {
      kind = TeacherException.Kind.AUTH;
      message += "; check the API key";
    } else if (status == 429) {
      kind = TeacherException.Kind.RATE_LIMITED;
    } else if (status >= 500) {
      kind = TeacherException.Kind.SERVER;
    } else if (status == 408) {
      kind = TeacherException.Kind.TIMEOUT;
    } else {
      kind = TeacherException.Kind.BAD_REQUEST;
      message += ": " + firstLine(e.getMessage()) + "; check the model name and parameters";
    }
    return new TeacherException(kind, message, retryAfter(e.headers().values("retry-after")), e);
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

  private String where(TeacherRequest request) {
    return "teacher 'openai' at " + baseUrl + " (model '" + request.model() + "')";
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public String describe() {
    return baseUrl;
  }

  @Override
  public void close() {
    client.close();
  }
}
