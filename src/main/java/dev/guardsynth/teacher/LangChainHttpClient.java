package dev.guardsynth.teacher;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The HTTP client under {@link LangChainTeacher}: the JDK's, like LangChain4j's own, but its
 * failures keep what the runner needs and LangChain4j's drop: the {@code Retry-After} header of a
 * 429 or 503 ({@link StatusException}), and an {@link IOException} as the cause of a dropped
 * connection. Only whole responses; streaming is not used. Thread-safe.
 */
final class LangChainHttpClient implements HttpClient {
  private final java.net.http.HttpClient client;
  private final Duration readTimeout;

  private LangChainHttpClient(Duration connectTimeout, Duration readTimeout) {
    this.client =
        java.net.http.HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
    this.readTimeout = readTimeout;
  }

  /** An HTTP error status with the server's requested wait, if any. */
  static final class StatusException extends HttpException {
    private final transient Duration retryAfter;

    StatusException(int status, String body, Duration retryAfter) {
      super(status, body);
      this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
      return retryAfter;
    }
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    java.net.http.HttpRequest.Builder builder =
        java.net.http.HttpRequest.newBuilder(URI.create(request.url())).timeout(readTimeout);
    request.headers().forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
    switch (request.method()) {
      case GET -> builder.GET();
      case DELETE -> builder.DELETE();
      case POST ->
          builder.POST(
              java.net.http.HttpRequest.BodyPublishers.ofString(
                  request.body() == null ? "" : request.body()));
    }
    HttpResponse<String> response;
    try {
      response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      // HttpTimeoutException is an IOException too; LangChainTeacher tells them apart.
      throw new UncheckedIOException(request.url() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(
          request.url() + ": interrupted", new java.io.InterruptedIOException("interrupted"));
    }
    Map<String, List<String>> headers = response.headers().map();
    if (response.statusCode() < 200 || response.statusCode() >= 300) {
      throw new StatusException(
          response.statusCode(),
          response.body(),
          OpenAiTeacher.retryAfter(response.headers().allValues("retry-after")));
    }
    return SuccessfulHttpResponse.builder()
        .statusCode(response.statusCode())
        .headers(headers)
        .body(response.body())
        .build();
  }

  @Override
  public void execute(
      HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    throw new UnsupportedOperationException("guardsynth does not stream teacher replies");
  }

  /** Builds the client; LangChain4j sets the timeouts from its model builder's {@code timeout}. */
  static final class Builder implements HttpClientBuilder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);

    @Override
    public Duration connectTimeout() {
      return connectTimeout;
    }

    @Override
    public HttpClientBuilder connectTimeout(Duration timeout) {
      if (timeout != null) {
        this.connectTimeout = timeout;
      }
      return this;
    }

    @Override
    public Duration readTimeout() {
      return readTimeout;
    }

    @Override
    public HttpClientBuilder readTimeout(Duration timeout) {
      if (timeout != null) {
        this.readTimeout = timeout;
      }
      return this;
    }

    @Override
    public HttpClient build() {
      return new LangChainHttpClient(connectTimeout, readTimeout);
    }
  }
}
