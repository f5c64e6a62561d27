package dev.guardsynth.generate;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How many output tokens a generation reply needs, so that {@code run} and its dry run can warn
 * when {@code teacher.max_tokens} would cut replies (a cut reply loses its last question, counted
 * as {@code truncated}).
 *
 * <p>The figures per question include its number, quotes and line break. They come from the real
 * local teacher (docs/real-teacher.md, "Model figures"): SmolLM2-135M's ten-item Korean replies
 * took 563, 723 and 806 output tokens (56–81 per question), its English ones 143 and 336 (14–34);
 * with {@code max_tokens} 512, Korean replies were cut, with 1,024 they were not. So a Korean,
 * Japanese or Chinese question is taken as 80 tokens and any other as 35, and the list as 60 more
 * for a lead sentence and a closing line. These are upper figures: a tokenizer with a large
 * vocabulary (GPT-4o's, Gemma's: 126 tokens for a prompt SmolLM2 needed 321 for) needs fewer, so
 * the warning errs on the side of a roomier limit, which costs nothing unless used.
 */
public final class ReplyLength {
  private ReplyLength() {}

  /** Languages whose script takes a small model's tokenizer about a token per character or more. */
  private static final Set<String> DENSE = Set.of("ko", "ja", "zh");

  static final int DENSE_TOKENS_PER_QUESTION = 80;
  static final int TOKENS_PER_QUESTION = 35;
  static final int AROUND_THE_LIST = 60;

  /** Output tokens a reply with {@code questions} questions in {@code language} may take. */
  public static int tokensFor(String language, int questions) {
    int each = DENSE.contains(language) ? DENSE_TOKENS_PER_QUESTION : TOKENS_PER_QUESTION;
    return questions * each + AROUND_THE_LIST;
  }

  /**
   * A warning when {@code maxTokens} is below what the largest ask needs, naming the key and a
   * value that fits (the need rounded up to a multiple of 256); empty when every ask fits.
   *
   * @param mostPerLanguage the most questions one prompt asks for, per language code
   */
  public static Optional<String> warning(Map<String, Integer> mostPerLanguage, int maxTokens) {
    String worstLanguage = null;
    int need = 0;
    for (Map.Entry<String, Integer> e : mostPerLanguage.entrySet()) {
      int tokens = tokensFor(e.getKey(), e.getValue());
      if (tokens > need) {
        need = tokens;
        worstLanguage = e.getKey();
      }
    }
    if (worstLanguage == null || maxTokens >= need) {
      return Optional.empty();
    }
    int suggested = (need + 255) / 256 * 256;
    int questions = mostPerLanguage.get(worstLanguage);
    return Optional.of(
        String.format(
            Locale.ROOT,
            "teacher.max_tokens %d may cut generation replies: a prompt asks for %d"
                + " questions in %s, which can take about %d output tokens (%d per question and %d"
                + " around the list, as measured on a small local model); a cut reply loses its"
                + " last question (counted as truncated). Set teacher.max_tokens to %d or more.",
            maxTokens,
            questions,
            worstLanguage,
            need,
            DENSE.contains(worstLanguage) ? DENSE_TOKENS_PER_QUESTION : TOKENS_PER_QUESTION,
            AROUND_THE_LIST,
            suggested));
  }
}
