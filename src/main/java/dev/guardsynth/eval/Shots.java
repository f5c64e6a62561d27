package dev.guardsynth.eval;

import dev.guardsynth.data.ChatMessage;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * In-context examples for a live chat guard, the "-IC" baselines: {@code n} labeled questions drawn
 * from a train split, balanced across labels (unsafe first when {@code n} is odd), the same ones
 * for the same file and seed. A question that is also in the gold set is never drawn, so the model
 * is not shown the answer it is scored on. Immutable.
 *
 * @param examples the drawn questions, unsafe and safe alternating, as they are shown
 */
public record Shots(List<GoldExample> examples) {
  public static final Shots NONE = new Shots(List.of());

  public Shots {
    examples = List.copyOf(examples);
  }

  /**
   * Draws {@code n} examples from {@code train}, leaving out the questions of {@code gold}.
   *
   * @throws InputException when {@code train} has too few examples of a label
   */
  public static Shots draw(Gold train, Gold gold, int n, long seed) {
    if (n <= 0) {
      return NONE;
    }
    Set<String> scored = new HashSet<>();
    gold.examples().forEach(g -> scored.add(Ids.normalize(g.text())));
    Map<Label, List<GoldExample>> byLabel = new LinkedHashMap<>();
    byLabel.put(Label.UNSAFE, new ArrayList<>());
    byLabel.put(Label.SAFE, new ArrayList<>());
    Set<String> seen = new HashSet<>();
    for (GoldExample e : train.examples()) {
      String key = Ids.normalize(e.text());
      if (!scored.contains(key) && seen.add(key)) {
        byLabel.get(e.label()).add(e);
      }
    }
    List<List<GoldExample>> drawn = new ArrayList<>();
    int i = 0;
    for (Map.Entry<Label, List<GoldExample>> entry : byLabel.entrySet()) {
      int want = n / 2 + (i++ < n % 2 ? 1 : 0);
      List<GoldExample> pool = entry.getValue();
      if (pool.size() < want) {
        throw new InputException(
            train.source()
                + ": "
                + pool.size()
                + " "
                + entry.getKey().json()
                + " questions not in the gold set, fewer than the "
                + want
                + " that --shots "
                + n
                + " needs; give a larger train split or fewer shots");
      }
      // Sorted by text before the seeded shuffle, so the draw depends on the file's content and
      // the seed, not on its line order.
      pool.sort(Comparator.comparing(GoldExample::text));
      Collections.shuffle(pool, new Random(seed * 31 + entry.getKey().ordinal()));
      drawn.add(pool.subList(0, want));
    }
    List<GoldExample> out = new ArrayList<>();
    for (int k = 0; k < Math.max(drawn.get(0).size(), drawn.get(1).size()); k++) {
      for (List<GoldExample> d : drawn) {
        if (k < d.size()) {
          out.add(d.get(k));
        }
      }
    }
    return new Shots(out);
  }

  /**
   * The examples as chat turns after the detect prompt: each question as a user message and its
   * answer as the assistant's, in the detect prompt's JSON form. They come before the question
   * asked, the same in every request, so providers cache them with the system message.
   */
  public List<ChatMessage> messages() {
    List<ChatMessage> out = new ArrayList<>();
    for (GoldExample e : examples) {
      Map<String, String> answer = new LinkedHashMap<>();
      answer.put("label", e.label().json());
      if (e.category() != null) {
        answer.put("category", e.category());
      }
      out.add(ChatMessage.user(e.text()));
      out.add(ChatMessage.assistant(Json.write(answer)));
    }
    return out;
  }
}
