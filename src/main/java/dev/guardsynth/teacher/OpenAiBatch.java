package dev.guardsynth.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Secrets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The OpenAI Batch API through openai-java: upload a JSONL file of chat requests, create a batch
 * over it, poll it, download its output. Half the price of synchronous calls, answered within 24
 * hours. Failures become {@link TeacherException}s like {@link OpenAiTeacher}'s. Thread-safe.
 */
public final class OpenAiBatch implements AutoCloseable {
  /** The Batch API's limit of requests in one batch. */
  static final int MAX_REQUESTS = 50_000;

  /** The Batch API's limit on the input file, with room to spare. */
  static final long MAX_BYTES = 190L * 1024 * 1024;

  private final OpenAIClient client;
  private final String baseUrl;
  private final String apiKey; // only to scrub it from error messages

  public OpenAiBatch(String baseUrl, String apiKey, Duration timeout) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey == null ? "" : apiKey;
    this.client = OpenAiTeacher.client(baseUrl, apiKey, timeout, 5);
  }

  /** A batch's state as the API reports it. */
  record Status(
      String id,
      String status,
      String outputFileId,
      String errorFileId,
      long total,
      long completed,
      long failed,
      String errors) {
    boolean isTerminal() {
      return switch (status) {
        case "completed", "failed", "expired", "cancelled" -> true;
        default -> false;
      };
    }
  }

  /** One line of the batch input file for {@code request}, its key as the custom id. */
  static String inputLine(TeacherRequest request) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("custom_id", request.key());
    line.put("method", "POST");
    line.put("url", "/v1/chat/completions");
    ObjectNode body = line.putObject("body");
    body.put("model", request.model());
    var messages = body.putArray("messages");
    for (ChatMessage m : request.messages()) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
    body.put("temperature", request.temperature());
    body.put("max_tokens", request.maxTokens());
    body.put("seed", request.sample()); // as OpenAiTeacher sends it, so replies match
    if (request.responseSchema() != null) {
      // The Batch API is OpenAI's own, which supports structured output: no fallback needed.
      body.set(
          "response_format", Json.MAPPER.valueToTree(request.responseSchema().responseFormat()));
    }
    return Json.write(line);
  }

  /** Uploads a batch input file; returns its file id. */
  String upload(Path file) throws TeacherException {
    return call(
        "uploading " + file.getFileName(),
        () ->
            client
                .files()
                .create(FileCreateParams.builder().file(file).purpose(FilePurpose.BATCH).build())
                .id());
  }

  /** Creates a batch over an uploaded file; returns the batch id. */
  String create(String inputFileId) throws TeacherException {
    return call(
        "creating a batch",
        () ->
            client
                .batches()
                .create(
                    BatchCreateParams.builder()
                        .inputFileId(inputFileId)
                        .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                        .completionWindow(BatchCreateParams.CompletionWindow._24H)
                        .build())
                .id());
  }

  Status retrieve(String batchId) throws TeacherException {
    return call(
        "checking batch " + batchId,
        () -> {
          Batch b = client.batches().retrieve(batchId);
          var counts = b.requestCounts();
          String errors =
              b.errors()
                  .flatMap(e -> e.data())
                  .map(list ->
                      list.stream()
                          .map(err -> err.message().orElse(err.code().orElse("error")))
                          .distinct()
                          .limit(3)
                          .reduce((x, y) -> x + "; " + y)
                          .orElse(""))
                  .orElse("");
          return new Status(
              b.id(),
              b.status().asString(),
              b.outputFileId().orElse(null),
              b.errorFileId().orElse(null),
              counts.map(c -> c.total()).orElse(0L),
              counts.map(c -> c.completed()).orElse(0L),
              counts.map(c -> c.failed()).orElse(0L),
              errors);
        });
  }

  /** The lines of a file, such as a batch's output or error file. */
  List<String> download(String fileId) throws TeacherException {
    return call(
        "downloading file " + fileId,
        () -> {
          try (HttpResponse response = client.files().content(fileId);
              BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            for (String line; (line = in.readLine()) != null; ) {
              if (!line.isBlank()) {
                lines.add(line);
              }
            }
            return lines;
          }
        });
  }

  /** One line of a batch's output or error file. */
  record Result(String key, TeacherReply reply, TeacherException error) {}

  /**
   * Reads one output or error line: a chat completion answered with status 200, or the error the
   * API recorded for that request.
   */
  Result parse(String line, String model) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(line);
    } catch (IOException e) {
      return new Result(
          null,
          null,
          new TeacherException(
              TeacherException.Kind.MALFORMED, where(model) + ": a batch result line is not JSON"));
    }
    String key = node.path("custom_id").asText(null);
    JsonNode response = node.path("response");
    int status = response.path("status_code").asInt(0);
    JsonNode body = response.path("body");
    if (status == 200 && body.path("choices").isArray() && !body.path("choices").isEmpty()) {
      String text = body.path("choices").get(0).path("message").path("content").asText("");
      JsonNode usage = body.path("usage");
      return new Result(
          key,
          new TeacherReply(
              text,
              body.path("model").asText(model),
              new Usage(
                  usage.path("prompt_tokens").asLong(0),
                  usage.path("completion_tokens").asLong(0),
                  usage.path("prompt_tokens_details").path("cached_tokens").asLong(0)),
              TeacherReply.cutByLimit(
                  body.path("choices").get(0).path("finish_reason").asText(null))),
          null);
    }
    String message =
        OpenAiTeacher.scrub(
            node.path("error")
                .path("message")
                .asText(body.path("error").path("message").asText("no reply in the batch output")),
            apiKey);
    TeacherException.Kind kind =
        switch (status) {
          case 401, 403 -> TeacherException.Kind.AUTH;
          case 429 -> TeacherException.Kind.RATE_LIMITED;
          case 408 -> TeacherException.Kind.TIMEOUT;
          case 0 -> TeacherException.Kind.SERVER;
          default ->
              status >= 500 ? TeacherException.Kind.SERVER : TeacherException.Kind.BAD_REQUEST;
        };
    return new Result(
        key,
        null,
        new TeacherException(
            kind,
            where(model)
                + " batch request failed"
                + (status > 0 ? " with HTTP " + status : "")
                + ": "
                + message));
  }

  String where(String model) {
    return "teacher 'openai' at " + Secrets.redactUrl(baseUrl) + " (model '" + model + "')";
  }

  private <T> T call(String what, Callable<T> action) throws TeacherException {
    String where = "teacher 'openai' at " + Secrets.redactUrl(baseUrl) + ", " + what;
    try {
      return action.call();
    } catch (OpenAIServiceException e) {
      throw OpenAiTeacher.fromStatus(where, e, apiKey);
    } catch (OpenAIIoException e) {
      throw OpenAiTeacher.fromIo(where, e);
    } catch (OpenAIInvalidDataException e) {
      throw new TeacherException(
          TeacherException.Kind.MALFORMED,
          where
              + ": unexpected reply: "
              + OpenAiTeacher.scrub(OpenAiTeacher.firstLine(e.getMessage()), apiKey),
          null,
          e);
    } catch (IOException e) {
      throw new TeacherException(
          TeacherException.Kind.CONNECTION, where + ": " + e.getMessage(), null, e);
    } catch (TeacherException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(where, e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
