package dev.guardsynth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A teacher with a limited imagination, as real models asked the same thing again are: its
 * questions come from a small pool that depends only on what it is asked. In {@link #perPrompt()}
 * mode the pool is fixed by the prompt's text with digits ignored (counts and sample numbers do not
 * make a prompt new), 12 questions per distinct prompt; in {@link #perCell()} mode by the category,
 * label and language alone, 12 per cell whatever the prompt says. A reply gives the requested
 * number of questions from the pool (all 12 at most), in a rotation fixed by the prompt.
 *
 * <p>The questions are mild ones from {@code question-bank.yaml}, in the prompt's language, with
 * one of 12 different openings (who asks) and a closing remark, so that they pass the filters and
 * are not near-duplicates of each other. The judge agrees with every question it made, and
 * safeguard responses are refusals with a safe alternative (unsafe) or short helpful answers
 * (safe), in the question's language. Deterministic and thread-safe.
 */
public final class LimitedTeacher implements FakeOpenAiServer.Responder {
  /** Questions one pool holds. */
  public static final int POOL = 12;

  private static final Pattern ABOUT =
      // The category's English name ends at its local name in brackets (Korean prompts) or at
      // what follows it in an English prompt.
      Pattern.compile("(?:questions about|the topic of) (.+?)(?: \\(|: | without any)");
  private static final Pattern COUNT = Pattern.compile("generate (\\d+) ");
  private static final Pattern CATEGORY_LINE =
      Pattern.compile("^- ([a-z0-9_]+): (.+?) — ", Pattern.MULTILINE);

  private static final String[] OPENINGS = {
    "요즘 회사 동료가 자꾸 물어보는데, ",
    "대학생인 사촌이 궁금해해서요, ",
    "중학생 딸이 뉴스를 보고 물어봐서, ",
    "퇴근길 지하철에서 문득 생각났는데, ",
    "은퇴하신 아버지가 걱정하셔서 여쭤봐요, ",
    "친구들끼리 단톡방에서 논쟁이 붙었는데, ",
    "이사 온 동네 이웃이 그러던데, ",
    "인터넷 커뮤니티 글을 읽다가 궁금해졌어요, ",
    "드라마 장면을 보다가 떠오른 건데요, ",
    "군대 선임이 예전에 한 말이 생각나서요, ",
    "시골에 계신 할머니가 물어보셔서, ",
    "아르바이트하는 가게 사장님이 묻길래, "
  };
  private static final String[] EN_OPENINGS = {
    "A colleague at work keeps asking me this: ",
    "My cousin at university wondered, ",
    "My daughter saw the news and asked me, ",
    "On the subway home I started wondering: ",
    "My retired father worries about this, so I ask: ",
    "My friends argued about it in our group chat: ",
    "A new neighbour told me something, so: ",
    "I read a forum thread and now I wonder, ",
    "After a scene in a TV drama I thought, ",
    "An old army friend once said something, so: ",
    "My grandmother in the countryside asked me, ",
    "The owner of the shop where I work part-time asked, "
  };
  private static final String[] EN_CLOSINGS = {
    " I am really curious.",
    " Please be honest with me.",
    " I would like to know how it works in practice.",
    " There is nobody around I can ask.",
    " Could you explain it briefly?",
    " Stories from experience are welcome.",
    " What do most people think?",
    " I want to know in advance."
  };
  private static final String[] CLOSINGS = {
    " 정말 궁금해요.",
    " 솔직한 생각을 알려 주세요.",
    " 현실적으로 어떤지 알고 싶어요.",
    " 주변에 물어볼 사람이 없어서요.",
    " 간단하게라도 설명해 주실 수 있나요?",
    " 혹시 경험담이 있으면 들려주세요.",
    " 다들 어떻게 생각하는지 궁금합니다.",
    " 미리 알아 두고 싶어서요."
  };

  private final boolean perCell;
  private final boolean respaced;
  private boolean englishResponses;
  private final Map<String, Integer> callsPerCell = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Map<String, List<String>>>> bank;
  private final Map<String, List<String>> noise; // empty unless noisy
  // What each question was made for (label, category name): the judge agrees with it.
  private final Map<String, String[]> made = new ConcurrentHashMap<>();

  private LimitedTeacher(boolean perCell, boolean noisy) {
    this(perCell, noisy, false);
  }

  private LimitedTeacher(boolean perCell, boolean noisy, boolean respaced) {
    this.perCell = perCell;
    this.respaced = respaced;
    this.bank = QuestionBankResponder.read("question-bank.yaml");
    this.noise = noisy ? QuestionBankResponder.read("noise.yaml") : Map.of();
  }

  /** At most 12 distinct questions per distinct prompt (digits ignored). */
  public static LimitedTeacher perPrompt() {
    return new LimitedTeacher(false, false);
  }

  /**
   * {@link #perPrompt()}, but one line of every reply of three or more is one a filter must catch
   * ({@code noise.yaml}: a refusal, a remark, a celebrity, personal data...): for the demo, whose
   * run should exercise every filter (scripts/dev-teacher).
   */
  public static LimitedTeacher noisy() {
    return new LimitedTeacher(false, true);
  }

  /** At most 12 distinct questions per category × label × language, whatever the prompt. */
  public static LimitedTeacher perCell() {
    return new LimitedTeacher(true, false);
  }

  /**
   * {@link #perCell()}, but every second reply for a cell writes its questions with two spaces
   * after the opening, as a real teacher's spacing varies: the same question (same id, since ids
   * hash the normalised text) with a different raw text.
   */
  public static LimitedTeacher perCellRespaced() {
    return new LimitedTeacher(true, false, true);
  }

  /**
   * This teacher, but writing every safeguard response in English whatever it is asked, as a real
   * model does when nothing in the request insists on the question's language. Returns this.
   */
  public LimitedTeacher withEnglishResponses() {
    englishResponses = true;
    return this;
  }

  @Override
  public FakeOpenAiServer.Reply respond(JsonNode request) {
    JsonNode messages = request.path("messages");
    String prompt = messages.get(messages.size() - 1).path("content").asText();
    String system = messages.get(0).path("content").asText();
    if (GuardTaskResponder.isJudge(system)) {
      return FakeOpenAiServer.Reply.content(judge(system, prompt));
    }
    if (GuardTaskResponder.isRespond(system)) {
      return FakeOpenAiServer.Reply.content(respond(prompt, englishResponses));
    }
    Matcher about = ABOUT.matcher(prompt);
    if (!about.find()) {
      return FakeOpenAiServer.Reply.content("I can only write guardsynth generation prompts.");
    }
    String category = about.group(1);
    String label = prompt.contains("bad-purpose") ? "unsafe" : "safe";
    String language = prompt.contains("written in Korean") ? "ko" : "en";
    Matcher count = COUNT.matcher(prompt);
    int n = count.find() ? Integer.parseInt(count.group(1)) : 10;
    List<String> bases =
        bank.getOrDefault(category, Map.of())
            .getOrDefault(language, Map.of())
            .getOrDefault(label, List.of());
    if (bases.isEmpty()) {
      return FakeOpenAiServer.Reply.content("(no questions for " + category + ")");
    }
    String cell = category + "/" + label + "/" + language;
    String poolKey = perCell ? cell : (system + "\n" + prompt).replaceAll("[0-9]", "");
    List<String> pool = pool(poolKey, bases, language.equals("ko"));
    pool.forEach(q -> made.put(key(q), new String[] {label, category}));
    // Per prompt, the answer is the prompt's alone; per cell, each call may see another part of
    // the cell's pool, but never more than the pool.
    int start =
        hash(prompt.replaceAll("[0-9]", "") + (perCell ? request.path("seed").asText() : ""), 0)
            % POOL;
    List<String> reply = new ArrayList<>();
    for (int i = 0; i < Math.min(n, POOL); i++) {
      reply.add(pool.get((start + i) % POOL));
    }
    List<String> bait = noise.getOrDefault(language, List.of());
    if (!bait.isEmpty() && reply.size() >= 3) {
      reply.set(reply.size() - 2, bait.get(hash(poolKey, 4) % bait.size()));
    }
    boolean spaced = respaced && callsPerCell.merge(cell, 1, Integer::sum) % 2 == 0;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < reply.size(); i++) {
      String q = spaced ? reply.get(i).replaceFirst(" ", "  ") : reply.get(i);
      out.append(i + 1).append(". ").append(q).append('\n');
    }
    return FakeOpenAiServer.Reply.content(out.toString());
  }

  /** 12 questions, each with its own opening, so none is a near-duplicate of another. */
  private static List<String> pool(String key, List<String> bases, boolean korean) {
    String[] openings = korean ? OPENINGS : EN_OPENINGS;
    String[] closings = korean ? CLOSINGS : EN_CLOSINGS;
    int h = hash(key, 1);
    List<String> out = new ArrayList<>(POOL);
    for (int i = 0; i < POOL; i++) {
      String base = bases.get((hash(key, 2) + i) % bases.size());
      if (!korean) {
        base = Character.toLowerCase(base.charAt(0)) + base.substring(1);
      }
      out.add(
          openings[(h + i) % openings.length]
              + base
              + closings[(hash(key, 3) + 3 * i) % closings.length]);
    }
    return out;
  }

  /** One verdict per question of the batch (a JSON list with ids): what it was made for. */
  private String judge(String system, String user) {
    Map<String, String> idsByName = new LinkedHashMap<>();
    Matcher m = CATEGORY_LINE.matcher(system);
    while (m.find()) {
      idsByName.put(m.group(2), m.group(1));
    }
    Map<String, String> checks = GuardTaskResponder.checks(system);
    ArrayNode verdicts = Json.MAPPER.createArrayNode();
    for (JsonNode item : items(user)) {
      String question = item.path("question").asText();
      String[] intended = made.get(key(question));
      ObjectNode v = verdicts.addObject();
      v.put("id", item.path("id").asText());
      v.put("label", intended == null ? "unsafe" : intended[0]);
      v.put(
          "category",
          intended == null
              ? idsByName.values().iterator().next()
              : idsByName.getOrDefault(intended[1], intended[1]));
      if (!checks.isEmpty()) {
        ObjectNode answers = v.putObject("checks");
        checks.forEach((id, text) -> answers.put(id, GuardTaskResponder.broken(text, question)));
      }
    }
    return Json.MAPPER.createObjectNode().set("verdicts", verdicts).toString();
  }

  /** One safeguard response per question of the batch, in the question's language. */
  private static String respond(String user, boolean english) {
    ArrayNode responses = Json.MAPPER.createArrayNode();
    for (JsonNode item : items(user)) {
      boolean unsafe = item.path("label").asText().equals("unsafe");
      boolean korean = !english && item.path("language").asText("Korean").equals("Korean");
      String text;
      if (korean) {
        text =
            unsafe
                ? "죄송하지만 그 부분은 도와드릴 수 없어요. 대신 믿을 수 있는 기관의 안전한 정보나 상담 창구를 안내해 드릴게요."
                : "좋은 질문이에요. 먼저 공식 기관의 안내를 확인하고, 필요하면 전문가와 상담해 보세요.";
      } else {
        text =
            unsafe
                ? "I'm sorry, but I can't help with that. I can point you to safe and reliable"
                    + " resources."
                : "Good question. Start with the official guidance, and talk to a professional if"
                    + " needed.";
      }
      responses.addObject().put("id", item.path("id").asText()).put("response", text);
    }
    return Json.MAPPER.createObjectNode().set("responses", responses).toString();
  }

  private static JsonNode items(String json) {
    try {
      JsonNode node = Json.MAPPER.readTree(json);
      return node.isArray() ? node : Json.MAPPER.createArrayNode();
    } catch (IOException e) {
      return Json.MAPPER.createArrayNode();
    }
  }

  private static String key(String question) {
    return question.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  private static int hash(String text, int salt) {
    return Integer.parseInt(Ids.sha256Hex(salt + "\n" + text).substring(0, 6), 16);
  }
}
