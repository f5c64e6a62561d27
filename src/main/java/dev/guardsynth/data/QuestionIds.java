package dev.guardsynth.data;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;

/**
 * Within one input, an id must always stand for the same text: ids are hashes of the question text,
 * so a repeated id with other text means a line was edited by hand, and dedup, filter, label and
 * export would otherwise carry both under one id. Applies to record types with an {@code id} and a
 * {@code text} (candidates, labeled questions); a no-op for others. Keeps, per id, the line it was
 * first seen on and the hash of its text. Not thread-safe.
 */
final class QuestionIds {
  private static final QuestionIds NONE = new QuestionIds(null, null);

  private final Method id;
  private final Method text;
  private final Map<String, Long> seen = new HashMap<>(); // id → line << 32 | text hash

  private QuestionIds(Method id, Method text) {
    this.id = id;
    this.text = text;
  }

  static QuestionIds of(Class<?> type) {
    if (!type.isRecord()) {
      return NONE;
    }
    Method id = null;
    Method text = null;
    for (RecordComponent c : type.getRecordComponents()) {
      if (c.getType() == String.class && c.getName().equals("id")) {
        id = c.getAccessor();
      } else if (c.getType() == String.class && c.getName().equals("text")) {
        text = c.getAccessor();
      }
    }
    boolean readable =
        id != null && text != null && id.trySetAccessible() && text.trySetAccessible();
    return readable ? new QuestionIds(id, text) : NONE;
  }

  void check(Object record, String file, long line) {
    if (id == null) {
      return;
    }
    String key;
    String body;
    try {
      key = (String) id.invoke(record);
      body = (String) text.invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("reading id and text of " + record, e);
    }
    if (key == null || body == null) {
      return;
    }
    long entry = line << 32 | (body.hashCode() & 0xFFFFFFFFL);
    Long earlier = seen.putIfAbsent(key, entry);
    if (earlier != null && (int) (long) earlier != body.hashCode()) {
      throw new InputException(
          file
              + ":"
              + line
              + ": id "
              + key
              + " is also on line "
              + (earlier >>> 32)
              + " with a different text; an id stands for one question (a hash of its text), so"
              + " one of the two lines was edited: restore it or remove one of them");
    }
  }
}
