package dev.guardsynth.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Label;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads gold questions from JSONL or CSV: a guardsynth dataset split (chat records, of which only
 * {@code task = detect} count and the user message is the question), flat records ({@code id, text,
 * label, category}) or any benchmark whose columns and label values are named by {@link Columns}
 * and {@link LabelMapping}. Every problem is an {@link InputException} that starts with the file,
 * line and column.
 */
public final class GoldReader {
  private GoldReader() {}

  /** Reads {@code file} (JSONL or CSV, by extension, else by its first character). */
  public static Gold read(Path file, Columns columns, LabelMapping mapping) {
    return fromRows(file.toString(), Table.read(file), columns, mapping);
  }

  /** Parses {@code text} as if read from a file named {@code name} (for stdin). */
  public static Gold parse(String name, String text, Columns columns, LabelMapping mapping) {
    return fromRows(name, Table.parse(name, text), columns, mapping);
  }

  private static Gold fromRows(
      String name, List<Table.Row> rows, Columns columns, LabelMapping mapping) {
    List<GoldExample> examples = new ArrayList<>();
    Map<String, String> idsSeen = new HashMap<>();
    int skipped = 0;
    for (Table.Row row : rows) {
      boolean chat =
          row.json() != null && row.cells().containsKey("messages") && columns.text() == null;
      if (chat) {
        Table.Cell task = row.cell("task");
        if (task != null && !task.value().equals("detect")) {
          skipped++; // The respond task's records repeat the same questions.
          continue;
        }
      }
      String text = chat ? userMessage(row) : row.require(columns.textName(), "--text-col").value();
      Table.Cell labelCell = row.require(columns.labelName(), "--label-col");
      Label label = mapping.require(labelCell);
      String id;
      Table.Cell idCell =
          columns.id() == null ? row.cell(columns.idName()) : row.require(columns.id(), "--id-col");
      if (idCell != null) {
        id = idCell.value().strip();
        String earlier = idsSeen.putIfAbsent(id, row.where());
        if (earlier != null) {
          throw new InputException(
              idCell.where()
                  + ": id '"
                  + id
                  + "' repeats the one at "
                  + earlier
                  + "; ids must be unique (drop --id-col to derive ids from the text)");
        }
      } else {
        id = Ids.questionId(text);
      }
      Table.Cell categoryCell =
          columns.category() == null
              ? row.cell(columns.categoryName())
              : row.require(columns.category(), "--category-col");
      String category = categoryCell == null ? null : categoryCell.value().strip();
      examples.add(new GoldExample(id, text, label, category, row.where()));
    }
    if (examples.isEmpty()) {
      throw new InputException(
          name
              + ": no questions to score"
              + (skipped > 0 ? " (" + skipped + " records of other tasks than detect)" : "")
              + "; the gold file needs records with a question and a label");
    }
    return new Gold(name, examples, skipped);
  }

  /** The question of a chat record: its first user message. */
  private static String userMessage(Table.Row row) {
    JsonNode messages = row.json().get("messages");
    if (messages.isArray()) {
      for (JsonNode m : messages) {
        if (m.path("role").asText().equals("user") && m.path("content").isTextual()) {
          String content = m.get("content").asText();
          if (!content.isBlank()) {
            return content;
          }
        }
      }
    }
    throw new InputException(
        row.cells().get("messages").where()
            + ": no user message with text; a chat record's question is its user message");
  }
}
