package dev.guardsynth.eval;

import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.teacher.OpenAiTeacher;
import dev.guardsynth.teacher.Teacher;
import dev.guardsynth.teacher.TeacherException;
import dev.guardsynth.teacher.TeacherReply;
import dev.guardsynth.teacher.TeacherRequest;
import dev.guardsynth.teacher.Usage;

/**
 * The moderation endpoint behind the {@link Teacher} interface, so that {@link
 * dev.guardsynth.teacher.RequestRunner} gives it the same concurrency, retries and journal as a
 * chat model. The reply is the detect task's answer: {@code {"label":"unsafe"}} when flagged.
 */
final class ModerationTeacher implements Teacher {
  private final OpenAiTeacher client;

  ModerationTeacher(OpenAiTeacher client) {
    this.client = client;
  }

  @Override
  public TeacherReply complete(TeacherRequest request) throws TeacherException {
    String question = "";
    for (ChatMessage m : request.messages()) {
      if (m.role().equals("user")) {
        question = m.content();
      }
    }
    boolean flagged = client.moderate(request.model(), question);
    return new TeacherReply(
        flagged ? "{\"label\":\"unsafe\"}" : "{\"label\":\"safe\"}", request.model(), Usage.ZERO);
  }

  @Override
  public String describe() {
    return client.describe() + " (moderations)";
  }

  @Override
  public void close() {
    client.close();
  }
}
