package dev.guardsynth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers guardsynth's generation prompts the way a real model might, from a fixed bank of mild
 * questions ({@code question-bank.yaml}): it reads the category, label, language and count from the
 * prompt and the sample from the seed, and varies the reply's shape (numbered, bulleted, JSON in a
 * code fence, with a preamble or a closing remark), repeats itself now and then, and refuses one
 * prompt, so every path of the reply parser is exercised. The label stage's judge and respond
 * prompts go to a {@link GuardTaskResponder}. In {@link #noisy()} mode, every reply also carries
 * one line a filter should catch ({@code noise.yaml}: a refusal, a remark, a celebrity, personal
 * data...). Deterministic.
 */
public final class QuestionBankResponder implements FakeOpenAiServer.Responder {
  private static final Pattern ABOUT =
      // The category's English name ends at its local name in brackets (Korean prompts) or at
      // what follows it in an English prompt.
      Pattern.compile("(?:questions about|the topic of) (.+?)(?: \\(|: | without any)");
  private static final Pattern COUNT = Pattern.compile("generate (\\d+) ");
  private static final String[] KO_PREFIXES = {"혹시 ", "솔직히 ", "그런데 ", "궁금한데 ", "요즘 "};
  private static final String[] EN_PREFIXES = {
    "Honestly, ", "Quick question: ", "So, ", "Just wondering, ", "Tell me, "
  };

  private final Map<String, Map<String, Map<String, List<String>>>> bank;
  private final Map<String, List<String>> noise; // empty unless noisy
  private final GuardTaskResponder guardTasks;

  /** Clean questions only. */
  public QuestionBankResponder() {
    this(false);
  }

  private QuestionBankResponder(boolean noisy) {
    bank = read("question-bank.yaml");
    noise = noisy ? read("noise.yaml") : Map.of();
    guardTasks = new GuardTaskResponder(bank, List.of(KO_PREFIXES), List.of(EN_PREFIXES));
  }

  /** Plants one line for the filters to catch in every reply. */
  public static QuestionBankResponder noisy() {
    return new QuestionBankResponder(true);
  }

  /** A YAML file of this package's test resources (the question bank, the noise lines). */
  @SuppressWarnings("unchecked")
  static <T> T read(String resource) {
    try (InputStream in =
        QuestionBankResponder.class.getResourceAsStream("/dev/guardsynth/testing/" + resource)) {
      return (T) ConfigLoader.YAML.readValue(in, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }

  @Override
  public FakeOpenAiServer.Reply respond(JsonNode request) {
    JsonNode messages = request.path("messages");
    String prompt = messages.get(messages.size() - 1).path("content").asText();
    String system = messages.get(0).path("content").asText();
    boolean structured = request.has("response_format");
    if (GuardTaskResponder.isJudge(system)) {
      return FakeOpenAiServer.Reply.content(guardTasks.judge(system, prompt, structured));
    }
    if (GuardTaskResponder.isRespond(system)) {
      return FakeOpenAiServer.Reply.content(guardTasks.respond(system, prompt, structured));
    }
    Matcher about = ABOUT.matcher(prompt);
    Matcher count = COUNT.matcher(prompt);
    if (!about.find() || !count.find()) {
      return FakeOpenAiServer.Reply.content("I can only write guardsynth generation prompts.");
    }
    String category = about.group(1);
    boolean unsafe = prompt.contains("bad-purpose");
    boolean korean = prompt.contains("written in Korean");
    int n = Integer.parseInt(count.group(1));
    int sample = request.path("seed").asInt(0);
    List<String> pool =
        bank.getOrDefault(category, Map.of())
            .getOrDefault(korean ? "ko" : "en", Map.of())
            .getOrDefault(unsafe ? "unsafe" : "safe", List.of());
    if (pool.isEmpty()) {
      return FakeOpenAiServer.Reply.content("(no questions for " + category + ")");
    }
    if (unsafe && category.startsWith("Self-harm") && sample == 1) {
      return FakeOpenAiServer.Reply.content(
          korean
              ? "죄송하지만 그런 질문은 만들어 드릴 수 없습니다. 힘든 일이 있다면 전문 상담 기관에 연락해 보세요."
              : "I'm sorry, but I can't help with creating those questions.");
    }
    List<String> questions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = sample * n + i;
      String base = pool.get(k % pool.size());
      // Past the bank's end, a model rephrases: the same question with a few words added.
      int round = k / pool.size();
      String[] prefixes = korean ? KO_PREFIXES : EN_PREFIXES;
      questions.add(
          round == 0 ? base : prefixes[(round + i) % prefixes.length] + lowerFirst(base, korean));
    }
    List<String> bait = noise.getOrDefault(korean ? "ko" : "en", List.of());
    if (!bait.isEmpty() && n >= 3) {
      // Consecutive prompts (category by category, unsafe then safe) get consecutive baits, so
      // even one call per category and label reaches every filter.
      int position = new ArrayList<>(bank.keySet()).indexOf(category) * 2 + (unsafe ? 0 : 1);
      questions.set(n - 2, bait.get((position + sample * 3) % bait.size()));
    }
    if (n >= 4 && (sample + category.length()) % 3 == 0) {
      questions.set(n - 1, questions.get(0)); // an exact repeat, as real models produce
    }
    return FakeOpenAiServer.Reply.content(
        format(questions, (sample + category.length()) % 5, korean));
  }

  private static String lowerFirst(String s, boolean korean) {
    return korean || s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static String format(List<String> questions, int shape, boolean korean) {
    StringBuilder out = new StringBuilder();
    switch (shape) {
      case 0 -> {
        for (int i = 0; i < questions.size(); i++) {
          out.append(i + 1).append(". ").append(questions.get(i)).append('\n');
        }
      }
      case 1 -> {
        out.append(korean ? "다음은 요청하신 질문입니다:\n\n" : "Here are the questions:\n\n");
        for (int i = 0; i < questions.size(); i++) {
          out.append(i + 1).append(") ").append(questions.get(i)).append("\n\n");
        }
      }
      case 2 -> {
        for (String q : questions) {
          out.append("- ").append(q).append('\n');
        }
        out.append(korean ? "\n도움이 되었으면 합니다." : "\nI hope these help.");
      }
      case 3 -> out.append("```json\n").append(Json.write(questions)).append("\n```");
      default -> {
        for (int i = 0; i < questions.size(); i++) {
          out.append('(').append(i + 1).append(") \"").append(questions.get(i)).append("\"\n");
        }
      }
    }
    return out.toString();
  }
}
