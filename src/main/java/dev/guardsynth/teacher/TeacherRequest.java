package dev.guardsynth.teacher;

import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import java.util.List;

/**
 * One chat completion request. {@code sample} tells apart calls that share the same messages; it is
 * also sent as the request's {@code seed}. Immutable.
 *
 * @param responseSchema the JSON schema the reply is asked to follow, or null for free text; null
 *     is left out of the JSON, so requests without one keep the keys they always had
 */
public record TeacherRequest(
    String model,
    List<ChatMessage> messages,
    double temperature,
    int maxTokens,
    int sample,
    ResponseSchema responseSchema) {
  public TeacherRequest {
    messages = List.copyOf(messages);
  }

  /** A request for free text. */
  public TeacherRequest(
      String model, List<ChatMessage> messages, double temperature, int maxTokens, int sample) {
    this(model, messages, temperature, maxTokens, sample, null);
  }

  /**
   * The journal and cassette key: a hash of model, messages, parameters and sample, so the same
   * request always finds its earlier reply and any change makes a new request.
   */
  public String key() {
    return Ids.sha256Hex(Json.write(this)).substring(0, 32);
  }

  /**
   * A rough count of the input tokens, for rate limits, budgets and dry runs before the teacher
   * reports the real one: a token per four ASCII characters and one per other character (Hangul and
   * CJK run close to a token per character), plus a few per message. Errs high.
   */
  public long estimatedInputTokens() {
    long ascii = 0;
    long other = 0;
    for (ChatMessage m : messages) {
      String text = m.content();
      for (int i = 0; i < text.length(); ) {
        int cp = text.codePointAt(i);
        if (cp < 128) {
          ascii++;
        } else {
          other++;
        }
        i += Character.charCount(cp);
      }
    }
    return (ascii + 3) / 4 + other + 4L * messages.size();
  }
}
