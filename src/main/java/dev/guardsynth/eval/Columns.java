package dev.guardsynth.eval;

/**
 * Which CSV columns or JSONL keys hold a record's fields. A null name means the default ({@code
 * text}, {@code label}, {@code id}, {@code category}). An absent default id or category column is
 * fine (ids then come from the text, and the report has no per-category table), but a column that
 * was named and is absent is an error: the user expected it to be read. Immutable.
 */
public record Columns(String text, String label, String id, String category) {
  /** guardsynth's own names. */
  public static final Columns DEFAULT = new Columns(null, null, null, null);

  String textName() {
    return text == null ? "text" : text;
  }

  String labelName() {
    return label == null ? "label" : label;
  }

  String idName() {
    return id == null ? "id" : id;
  }

  String categoryName() {
    return category == null ? "category" : category;
  }
}
