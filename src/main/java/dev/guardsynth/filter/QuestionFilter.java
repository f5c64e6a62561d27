package dev.guardsynth.filter;

import dev.guardsynth.config.FilterConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Ids;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Rejected;
import dev.guardsynth.text.LanguageDetector;
import dev.guardsynth.text.RefusalDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The filter stage: keeps a question or rejects it for exactly one reason. Checks run in this order
 * and the first that fails names the reason: {@code refusal}, {@code meta_text}, {@code too_short},
 * {@code too_long}, {@code wrong_language}, {@code personal_data}, {@code rule:celebrity}, {@code
 * rule:ai_target}, then the user's rules ({@code rule:<name>}) in config order. With {@code
 * personal_data: mask}, a kept question's personal data is replaced by placeholders ({@code
 * [PHONE]}); its id stays that of the original text, so the funnel can follow it. Immutable and
 * thread-safe once opened.
 */
public final class QuestionFilter {
  /** Every reason this stage gives, except the user's own {@code rule:<name>}. */
  public static final Set<String> REASONS =
      Set.of(
          "refusal",
          "meta_text",
          "too_short",
          "too_long",
          "wrong_language",
          "personal_data",
          "rule:celebrity",
          "rule:ai_target");

  // Questions that address the assistant itself, not a real person. Korean second-person words
  // must start a word ("건너는 AI" is not "너는 AI").
  private static final Pattern AI_TARGET =
      Pattern.compile(
          String.join(
              "|",
              "(?<![가-힣])(?:너|당신|네가|니가|그대)(?:는|은|도|가|이)?\\s*(?:AI|에이아이|인공지능|챗봇|어시스턴트|비서|언어\\s?모델)",
              "(?:AI|인공지능|챗봇|어시스턴트)(?:인|로서|으로서)\\s*(?:너|당신|네가)",
              "(?<![가-힣])(?:너|당신)(?:를|을)\\s*(?:만든|개발한|훈련시킨)",
              "\\byou,?\\s+(?:the|an?)\\s+(?:AI|assistant|chatbot|bot|language\\s+model)\\b",
              "\\byou(?:'re|\\s+are)\\s+(?:just\\s+|only\\s+|really\\s+)?(?:an?|the)\\s+(?:AI|assistant|chatbot|bot|language\\s+model)\\b",
              "\\b(?:as|being)\\s+an\\s+AI,?\\s+(?:do|would|can|could|will|are|don'?t|wouldn'?t)\\s+you\\b",
              "\\b(?:company|people|team)\\s+(?:that|who)\\s+(?:made|built|created|trained)\\s+you\\b",
              "\\byour\\s+(?:creators?|developers?|programmers?|programming|training\\s+data)\\b"),
          Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S+");

  private final FilterConfig config;
  private final Lexicon celebrities; // null when off
  private final List<UserRule> rules;
  private final String fingerprint;

  /** A user rule, compiled. */
  private record UserRule(String reason, Pattern pattern, Lexicon lexicon) {
    Optional<String> find(String text) {
      if (pattern != null) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m.group()) : Optional.empty();
      }
      return lexicon.find(text);
    }
  }

  private QuestionFilter(
      FilterConfig config, Lexicon celebrities, List<UserRule> rules, String fingerprint) {
    this.config = config;
    this.celebrities = celebrities;
    this.rules = rules;
    this.fingerprint = fingerprint;
  }

  /**
   * Reads the lexicon files the config names and compiles its rules. A missing lexicon file is a
   * {@code ConfigException} naming it.
   */
  public static QuestionFilter open(FilterConfig config) {
    StringBuilder inputs = new StringBuilder(Json.write(config));
    Lexicon celebrities = null;
    if (config.celebrities() != null) {
      Path file = Path.of(config.celebrities());
      celebrities = Lexicon.read(file, "celebrity lexicon");
      inputs.append('\n').append(hash(file));
    }
    List<UserRule> rules = new ArrayList<>();
    for (FilterConfig.UserRule r : config.rules()) {
      String reason = "rule:" + r.name();
      if (r.pattern() != null) {
        rules.add(new UserRule(reason, Pattern.compile(r.pattern()), null));
      } else if (r.words() != null) {
        rules.add(new UserRule(reason, null, Lexicon.of(r.words())));
      } else {
        Path file = Path.of(r.lexicon());
        rules.add(
            new UserRule(reason, null, Lexicon.read(file, "rule '" + r.name() + "' lexicon")));
        inputs.append('\n').append(hash(file));
      }
    }
    return new QuestionFilter(
        config, celebrities, List.copyOf(rules), Ids.sha256Hex(inputs.toString()));
  }

  /** A hash of the settings and of every lexicon file's content: a change means re-filtering. */
  public String fingerprint() {
    return fingerprint;
  }

  /** Decides one question. */
  public Verdict check(Candidate c) {
    String text = c.text().strip();
    if (config.refusal()) {
      Optional<String> refusal = RefusalDetector.find(text);
      if (refusal.isPresent()) {
        return new Verdict.Reject("refusal", "\"" + refusal.get() + "\"");
      }
    }
    if (config.metaText()) {
      Optional<String> meta = MetaTextDetector.find(text);
      if (meta.isPresent()) {
        return new Verdict.Reject("meta_text", "\"" + meta.get() + "\"");
      }
    }
    int chars = text.codePointCount(0, text.length());
    if (chars < config.minChars()) {
      return new Verdict.Reject(
          "too_short", chars + " characters; filters.min_chars is " + config.minChars());
    }
    if (chars > config.maxChars()) {
      return new Verdict.Reject(
          "too_long", chars + " characters; filters.max_chars is " + config.maxChars());
    }
    List<PersonalData.Find> found = PersonalData.find(text);
    List<PersonalData.Find> personal = config.personalData().equals("off") ? List.of() : found;
    if (config.language() && LanguageDetector.supports(c.language())) {
      // E-mail addresses and links are Latin whatever the language around them.
      String words = URL.matcher(PersonalData.blank(text, found)).replaceAll(" ");
      LanguageDetector.Detection detected = LanguageDetector.detect(words);
      if (!detected.language().equals(c.language())) {
        return new Verdict.Reject(
            "wrong_language", "detected " + detected.describe() + "; expected " + c.language());
      }
    }
    if (!personal.isEmpty() && config.personalData().equals("reject")) {
      return new Verdict.Reject("personal_data", personal.get(0).kind().description);
    }
    if (celebrities != null) {
      Optional<String> name = celebrities.find(text);
      if (name.isPresent()) {
        return new Verdict.Reject("rule:celebrity", "\"" + name.get() + "\"");
      }
    }
    if (config.aiTarget() && !config.aiTargetExempt().contains(c.category())) {
      Matcher m = AI_TARGET.matcher(text);
      if (m.find()) {
        return new Verdict.Reject("rule:ai_target", "\"" + m.group() + "\"");
      }
    }
    for (UserRule rule : rules) {
      Optional<String> match = rule.find(text);
      if (match.isPresent()) {
        return new Verdict.Reject(rule.reason(), "\"" + match.get() + "\"");
      }
    }
    if (personal.isEmpty()) {
      return new Verdict.Keep(c, 0);
    }
    Candidate masked =
        new Candidate(
            c.id(),
            PersonalData.mask(text, personal),
            c.label(),
            c.category(),
            c.group(),
            c.language(),
            c.source());
    return new Verdict.Keep(masked, personal.size());
  }

  /** Filters {@code in}, in order, sending each question to {@code kept} or {@code rejected}. */
  public FilterResult run(
      Stream<Candidate> in, Consumer<Candidate> kept, Consumer<Rejected> rejected) {
    var counts =
        new Object() {
          long input, kept, rejected, masked;
          final Map<String, Long> byReason = new HashMap<>();
        };
    in.forEach(c -> {
      counts.input++;
      switch (check(c)) {
        case Verdict.Keep keep -> {
          counts.kept++;
          if (keep.masked() > 0) {
            counts.masked++;
          }
          kept.accept(keep.candidate());
        }
        case Verdict.Reject reject -> {
          counts.rejected++;
          counts.byReason.merge(reject.reason(), 1L, Long::sum);
          rejected.accept(new Rejected(c.id(), reject.reason(), reject.detail()));
        }
      }
    });
    return new FilterResult(
        counts.input, counts.kept, counts.rejected, counts.masked, counts.byReason);
  }

  private static String hash(Path file) {
    try {
      return Ids.sha256Hex(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
  }
}
