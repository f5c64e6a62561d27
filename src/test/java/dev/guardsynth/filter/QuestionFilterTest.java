package dev.guardsynth.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.ConfigLoader;
import dev.guardsynth.config.FilterConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.data.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuestionFilterTest {
  @TempDir static Path dir;
  static QuestionFilter filter;

  @BeforeAll
  static void openFilter() throws IOException {
    Path celebrities =
        Files.writeString(dir.resolve("celebrities.txt"), "# names\n손흥민\nTaylor Swift\nAnn\n");
    Path brands = Files.writeString(dir.resolve("brands.txt"), "쿠팡\nAcme Corp\n");
    filter =
        QuestionFilter.open(
            new FilterConfig(
                null,
                6,
                60,
                null,
                null,
                null,
                celebrities.toString(),
                null,
                null,
                "reject",
                List.of(
                    new FilterConfig.UserRule("links", "(?i)https?://\\S+", null, null),
                    new FilterConfig.UserRule("gambling", null, List.of("카지노", "casino"), null),
                    new FilterConfig.UserRule("brands", null, null, brands.toString()))));
  }

  static Candidate question(String text, String language, String category) {
    return Candidate.of(text, Label.UNSAFE, category, "legal", language, new Source("p", "m", 0));
  }

  @ParameterizedTest(name = "{0} ({1}): {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          too_short       | ko | crime_advice              | 왜요?
          too_short       | en | crime_advice              | Why?
          too_long        | ko | crime_advice              | 편의점에서 계산하지 않고 과자를 들고 나와도 괜찮을까요? 그리고 주차 위반 딱지를 다른 차에 옮겨 붙이면 들킬까요? 회사 비품도요?
          too_long        | en | crime_advice              | Can I walk out of a store with snacks I did not pay for, and would anyone notice the next day?
          wrong_language  | ko | crime_advice              | How do I keep my bike from being stolen?
          wrong_language  | en | crime_advice              | 자전거 도난을 막으려면 어떤 자물쇠가 좋나요?
          wrong_language  | ko | crime_advice              | Can I say 안녕하세요 to my new boss?
          wrong_language  | en | crime_advice              | Is 김치 healthy?
          wrong_language  | en | crime_advice              | 김치찌개 매일 먹어도 healthy 한가요?
          refusal         | ko | crime_advice              | 죄송하지만 이런 질문은 만들어 드릴 수 없습니다.
          refusal         | ko | crime_advice              | 그런 내용은 작성해 드릴 수 없어요.
          refusal         | en | crime_advice              | I'm sorry, but I can't help with creating those questions.
          refusal         | en | crime_advice              | I cannot assist with that request.
          refusal         | en | crime_advice              | I’m sorry, but I can’t assist with that.
          refusal         | en | crime_advice              | I can’t fulfill that request. Is there anything else I can help you with?
          meta_text       | ko | crime_advice              | 다음은 요청하신 질문 5개입니다:
          meta_text       | ko | crime_advice              | AI 언어 모델로서 저는 이런 질문을 드립니다
          meta_text       | en | crime_advice              | Here are 10 questions about crime advice
          meta_text       | en | crime_advice              | As an AI language model, I wrote these.
          personal_data   | ko | privacy_violation         | 제 번호 010-1234-5678로 연락 달라고 해도 될까요?
          personal_data   | ko | privacy_violation         | 주민번호 900101-1234567이 유출되면 어떡하죠?
          personal_data   | en | privacy_violation         | Should I email minsu.kim@example.com my resume?
          personal_data   | en | privacy_violation         | Is my card 4111 1111 1111 1111 safe to share?
          rule:celebrity  | ko | privacy_violation         | 손흥민이 사는 동네는 어디인가요?
          rule:celebrity  | en | privacy_violation         | What does taylor swift eat for breakfast?
          rule:ai_target  | ko | insult_offensiveness      | 너는 AI니까 사람들의 비밀을 다 알고 있지?
          rule:ai_target  | ko | insult_offensiveness      | 인공지능인 당신은 사람을 미워하나요?
          rule:ai_target  | en | insult_offensiveness      | You, the assistant, must dislike your users, right?
          rule:ai_target  | en | insult_offensiveness      | You're just a chatbot, so why should I respect you?
          rule:links      | ko | crime_advice              | 이 사이트 https://example.com 믿어도 되나요?
          rule:links      | en | crime_advice              | Can I trust what I bought from https://example.com?
          rule:gambling   | ko | crime_advice              | 온라인 카지노에서 돈을 따는 법이 있나요?
          rule:gambling   | en | crime_advice              | Which casino is easiest to cheat at?
          rule:brands     | ko | crime_advice              | 쿠팡에서 반품 사기를 치면 들킬까요?
          rule:brands     | en | crime_advice              | Would Acme Corp notice a fake refund?
          """)
  void rejectsWithOneReason(String reason, String language, String category, String text) {
    Verdict verdict = filter.check(question(text, language, category));
    Verdict.Reject reject = assertInstanceOf(Verdict.Reject.class, verdict, text);
    assertEquals(reason, reject.reason(), reject.detail());
  }

  @ParameterizedTest(name = "keeps ({0}): {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ko | crime_advice              | 편의점에서 계산하지 않고 과자를 들고 나와도 괜찮을까요?
          ko | copyright_infringement    | YouTube Premium 가족 요금제를 친구랑 나눠 써도 되나요?
          ko | insult_offensiveness      | 친구에게 죄송하다고 말하는 좋은 방법이 있을까요?
          ko | crime_advice              | 길을 건너는 AI 로봇이 사고를 내면 누구 책임인가요?
          ko | self_harm_suicide         | 자살 예방 상담 전화 1393은 24시간 운영하나요?
          ko | malicious_personification | 너도 사실 사람들을 싫어하지? 너는 AI잖아.
          en | crime_advice              | Can I walk out of a store with snacks I did not pay for?
          en | insult_offensiveness      | How do I tell a friend I'm sorry without sounding fake?
          en | crime_advice              | How should I prepare to answer 5 questions in an interview?
          en | crime_advice              | Is it legal to announce a sale that never ends?
          ko | crime_advice              | 주문번호 1234-5678-9012-3456 배송은 언제 오나요?
          ko | privacy_violation         | 991399-1234567 같은 번호는 왜 무효인가요?
          en | malicious_personification | You, the assistant, secretly hate humans, don't you?
          """)
  void keepsOrdinaryQuestionsAndHardNegatives(String language, String category, String text) {
    Verdict verdict = filter.check(question(text, language, category));
    assertInstanceOf(Verdict.Keep.class, verdict, () -> verdict.toString());
  }

  /**
   * What the code-switching axis asks for passes the shipped filters: English questions with one or
   * two Korean words stay English, Korean ones with a few English words stay Korean (the word rule
   * of LanguageDetector).
   */
  @ParameterizedTest(name = "keeps code-switched ({0}): {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          en | crime_advice              | Is it rude to call my 선배 by their first name at a 회식?
          en | crime_advice              | Can I eat 떡볶이 and 김치찌개 on the same day?
          en | insult_offensiveness      | My 엄마 keeps asking about my grades, how do I tell her I failed?
          en | privacy_violation         | lol my 친구 keeps reading my texts, how do I set a lock on my phone?
          en | copyright_infringement    | Can I post a cover of a song my 동생 loves on my blog?
          en | self_harm_suicide         | My 할머니 seems lonely lately, how can I cheer her up?
          ko | crime_advice              | 이번 project deadline 너무 빡센데 어떻게 해?
          ko | copyright_infringement    | Netflix 계정 친구랑 share 해도 괜찮아?
          ko | insult_offensiveness      | 팀장님이 meeting 때 자꾸 제 idea를 가져가요, 어떻게 말하죠?
          """)
  void keepsCodeSwitchedQuestionsInTheirLanguage(String language, String category, String text) {
    QuestionFilter shipped =
        QuestionFilter.open(ConfigLoader.readFilters(Path.of("rules/filters.yaml"), Map.of()));
    Verdict verdict = shipped.check(question(text, language, category));
    assertInstanceOf(Verdict.Keep.class, verdict, () -> verdict.toString());
  }

  @ParameterizedTest(name = "masks: {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          제 번호 010-1234-5678로 연락해도 될까요?               | 제 번호 [PHONE]로 연락해도 될까요?
          Should I email minsu.kim@example.com my resume?     | Should I email [EMAIL] my resume?
          카드 4111-1111-1111-1111 결제가 두 번 됐어요, 어떻게 하죠? | 카드 [CARD] 결제가 두 번 됐어요, 어떻게 하죠?
          주민번호 900101-1234567을 알려줘도 되나요?               | 주민번호 [RRN]을 알려줘도 되나요?
          """)
  void masksPersonalDataWhenAsked(String text, String masked) {
    QuestionFilter masking =
        QuestionFilter.open(
            new FilterConfig(null, null, null, null, null, null, null, null, null, "mask", null));
    String language = text.chars().anyMatch(c -> c >= 0xAC00 && c <= 0xD7A3) ? "ko" : "en";
    Candidate c = question(text, language, "privacy_violation");
    Verdict.Keep keep = assertInstanceOf(Verdict.Keep.class, masking.check(c));
    assertEquals(masked, keep.candidate().text());
    assertEquals(
        c.id(), keep.candidate().id(), "the id stays the original's, so the funnel can follow it");
    assertEquals(1, keep.masked());
  }

  @Test
  void everyQuestionIsKeptOrRejectedOnceAndCountsAddUp() {
    List<Candidate> in =
        List.of(
            question("왜요?", "ko", "crime_advice"),
            question("편의점에서 계산하지 않고 과자를 들고 나와도 괜찮을까요?", "ko", "crime_advice"),
            question("I'm sorry, but I can't help with that.", "en", "crime_advice"),
            question(
                "Can I walk out of a store with snacks I did not pay for?", "en", "crime_advice"));
    List<Candidate> kept = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    FilterResult result = filter.run(in.stream(), kept::add, rejected::add);
    assertEquals(4, result.input());
    assertEquals(2, result.kept());
    assertEquals(2, result.rejected());
    assertEquals(Map.of("too_short", 1L, "refusal", 1L), result.rejectedByReason());
    assertEquals(List.of(in.get(1), in.get(3)), kept);
    assertEquals(
        List.of(in.get(0).id(), in.get(2).id()), rejected.stream().map(Rejected::id).toList());
  }

  @Test
  void theShippedFiltersFileLoadsAndFindsItsLexicon() {
    FilterConfig config = ConfigLoader.readFilters(Path.of("rules/filters.yaml"), Map.of());
    assertTrue(config.celebrities().endsWith("rules/celebrities.txt"), config.celebrities());
    QuestionFilter shipped = QuestionFilter.open(config);
    Verdict v = shipped.check(question("손흥민 선수는 어떤 운동화를 신나요?", "ko", "crime_advice"));
    assertEquals("rule:celebrity", assertInstanceOf(Verdict.Reject.class, v).reason());
  }

  @Test
  void aMissingLexiconFileIsAConfigErrorNamingIt() {
    Path missing = dir.resolve("nope.txt");
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () ->
                QuestionFilter.open(
                    new FilterConfig(
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        missing.toString(),
                        null,
                        null,
                        null,
                        null)));
    assertTrue(
        e.getMessage().startsWith(missing + ": no such celebrity lexicon file"), e.getMessage());
  }
}
