package dev.guardsynth.teacher;

/** The teacher's answer to one request: its text, the model that wrote it and the tokens used. */
public record TeacherReply(String text, String model, Usage usage) {
  public TeacherReply {
    text = text == null ? "" : text;
    usage = usage == null ? Usage.ZERO : usage;
  }
}
