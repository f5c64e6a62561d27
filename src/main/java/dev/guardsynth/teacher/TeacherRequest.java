package dev.guardsynth.teacher;

import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import java.util.List;

/**
 * One chat completion request. {@code sample} tells apart calls that share the same messages; it is
 * also sent as the request's {@code seed}. Immutable.
 */
public record TeacherRequest(
    String model, List<ChatMessage> messages, double temperature, int maxTokens, int sample) {
  public TeacherRequest {
    messages = List.copyOf(messages);
  }

  /**
   * The journal and cassette key: a hash of model, messages, parameters and sample, so the same
   * request always finds its earlier reply and any change makes a new request.
   */
  public String key() {
    return Ids.sha256Hex(Json.write(this)).substring(0, 32);
  }
}
