package dev.guardsynth.eval;

import dev.guardsynth.data.Ids;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Label;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One system's predictions, joined to gold questions by id, else by text (compared after {@link
 * Ids#normalize}). Read from a JSONL or CSV file with {@link #read}, or made by a {@link
 * LiveGuard}. Immutable.
 */
public final class Predictions {
  private final String system;
  private final String source;
  private final List<Prediction> all;
  private final Map<String, Prediction> byId = new HashMap<>();
  private final Map<String, Prediction> byText = new HashMap<>();
  // Texts predicted differently at two places; an error only if a gold question must join on one.
  private final Map<String, Prediction> disagreeing = new HashMap<>();

  private Predictions(String system, String source, List<Prediction> predictions) {
    this.system = system;
    this.source = source;
    this.all = List.copyOf(predictions);
    for (Prediction p : all) {
      if (p.id() != null) {
        Prediction earlier = byId.putIfAbsent(p.id(), p);
        if (earlier != null && earlier.label() != p.label()) {
          throw new InputException(disagreement(p, earlier, "id '" + p.id() + "'"));
        }
      }
      if (p.text() != null) {
        String key = Ids.normalize(p.text());
        Prediction earlier = byText.putIfAbsent(key, p);
        if (earlier != null && earlier.label() != p.label()) {
          disagreeing.putIfAbsent(key, p);
        }
      }
    }
  }

  static Predictions of(String system, String source, List<Prediction> predictions) {
    return new Predictions(system, source, predictions);
  }

  /**
   * Reads a predictions file. Each record needs a label (in {@code columns.label()}) that {@code
   * mapping} knows, and an id or the question's text to join on.
   */
  public static Predictions read(Path file, Columns columns, LabelMapping mapping) {
    List<Prediction> predictions = new ArrayList<>();
    for (Table.Row row : Table.read(file)) {
      Table.Cell id = row.cell(columns.idName());
      Table.Cell text = row.cell(columns.textName());
      if (id == null && text == null) {
        throw new InputException(
            row.where()
                + ": neither '"
                + columns.idName()
                + "' nor '"
                + columns.textName()
                + "' (this record has: "
                + String.join(", ", row.columns())
                + "); a prediction needs an id or the question to join on; name them with"
                + " --pred-id-col or --pred-text-col");
      }
      Table.Cell labelCell = row.require(columns.labelName(), "--pred-label-col");
      Label label = mapping.require(labelCell);
      predictions.add(
          new Prediction(
              id == null ? null : id.value().strip(),
              text == null ? null : text.value(),
              label,
              labelCell.value(),
              row.where()));
    }
    return new Predictions(systemName(file), file.toString(), predictions);
  }

  /** The file name without its extension: what a comparison table calls the system. */
  private static String systemName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private static String disagreement(Prediction p, Prediction earlier, String what) {
    return p.where()
        + ": "
        + what
        + " is predicted '"
        + p.answer()
        + "' here but '"
        + earlier.answer()
        + "' at "
        + earlier.where()
        + "; keep one prediction per question";
  }

  /** The name reports show for this system. */
  public String system() {
    return system;
  }

  /** These predictions under another name, e.g. to tell apart two files of the same name. */
  public Predictions named(String name) {
    return new Predictions(name, source, all);
  }

  /** Where the predictions came from: a file, or a model and its URL. */
  public String source() {
    return source;
  }

  public int size() {
    return all.size();
  }

  /**
   * One predicted label per gold question, in gold order.
   *
   * @param missingAs the label for a question without a prediction or with an unreadable answer;
   *     null makes either an error that lists them
   */
  Alignment align(Gold gold, Label missingAs) {
    List<Label> labels = new ArrayList<>(gold.examples().size());
    List<GoldExample> missing = new ArrayList<>();
    List<Prediction> unreadable = new ArrayList<>();
    Set<Prediction> used = Collections.newSetFromMap(new IdentityHashMap<>());
    for (GoldExample g : gold.examples()) {
      Prediction p = byId.get(g.id());
      if (p == null) {
        String key = Ids.normalize(g.text());
        p = byText.get(key);
        if (disagreeing.containsKey(key)) {
          throw new InputException(
              disagreement(disagreeing.get(key), p, "the question at " + g.where())
                  + ", or give predictions ids to join on");
        }
      }
      if (p == null) {
        missing.add(g);
        labels.add(missingAs);
        continue;
      }
      used.add(p);
      if (p.label() == null) {
        unreadable.add(p);
      }
      labels.add(p.label() == null ? missingAs : p.label());
    }
    if (missingAs == null && !missing.isEmpty()) {
      throw new InputException(missingMessage(gold, missing));
    }
    if (missingAs == null && !unreadable.isEmpty()) {
      throw new InputException(unreadableMessage(gold, unreadable));
    }
    int unmatched = (int) all.stream().filter(p -> !used.contains(p)).count();
    return new Alignment(labels, missing.size(), unreadable.size(), unmatched);
  }

  private String missingMessage(Gold gold, List<GoldExample> missing) {
    StringBuilder m = new StringBuilder();
    m.append(source)
        .append(": no prediction for ")
        .append(missing.size())
        .append(" of ")
        .append(gold.examples().size())
        .append(" gold questions: ");
    for (int i = 0; i < Math.min(missing.size(), LISTED); i++) {
      GoldExample g = missing.get(i);
      m.append(i == 0 ? "" : ", ").append("id '").append(g.id()).append("' (").append(g.where());
      m.append(')');
    }
    if (missing.size() > LISTED) {
      m.append(", and ").append(missing.size() - LISTED).append(" more");
    }
    return m.append(
            "; predictions join on id, else on the question's text; add the missing ones, or pass"
                + " --missing-as safe|unsafe to count them as that label")
        .toString();
  }

  private String unreadableMessage(Gold gold, List<Prediction> unreadable) {
    StringBuilder m = new StringBuilder();
    m.append(source)
        .append(": ")
        .append(unreadable.size())
        .append(" of ")
        .append(gold.examples().size())
        .append(" answers could not be read as safe or unsafe: ");
    for (int i = 0; i < Math.min(unreadable.size(), LISTED); i++) {
      Prediction p = unreadable.get(i);
      m.append(i == 0 ? "" : ", ")
          .append("id '")
          .append(p.id())
          .append("' answered \"")
          .append(abbreviate(p.answer()))
          .append('"');
    }
    if (unreadable.size() > LISTED) {
      m.append(", and ").append(unreadable.size() - LISTED).append(" more");
    }
    return m.append(
            "; pass --missing-as safe|unsafe to count them as that label (with --journal FILE the"
                + " replies are kept, so the re-run asks nothing again)")
        .toString();
  }

  private static final int LISTED = 10;

  private static String abbreviate(String s) {
    String one = s.strip().replaceAll("\\s+", " ");
    return one.length() <= 60 ? one : one.substring(0, 57) + "...";
  }

  /**
   * Predicted labels in gold order, and how many were filled in by {@code --missing-as}.
   *
   * @param unmatched predictions that matched no gold question
   */
  record Alignment(List<Label> labels, int missing, int unreadable, int unmatched) {}
}
