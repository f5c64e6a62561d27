package dev.guardsynth.dedup;

import java.io.Reader;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter;
import org.apache.lucene.analysis.ko.KoreanTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.shingle.ShingleFilter;

/**
 * The Lucene analyzer that turns a question into shingles. Every scheme starts with {@link
 * QuestionNormalizer} (NFKC, lower case, punctuation and spacing); then:
 *
 * <ul>
 *   <li>{@code char:N}: {@link NGramTokenizer} over the text with its spaces removed. The default:
 *       Korean spacing varies from writer to writer, and particles change one syllable, so
 *       characters beat words.
 *   <li>{@code word:N}: {@link WhitespaceTokenizer}, then {@link ShingleFilter} for N &gt; 1.
 *   <li>{@code nori:N}: Lucene's Korean {@link KoreanTokenizer}, compounds decomposed, particles
 *       and endings dropped by {@link KoreanPartOfSpeechStopFilter}, then {@link ShingleFilter}.
 * </ul>
 *
 * <p>Field {@value #SHINGLES} gives the shingles; field {@value #WHOLE} gives the whole normalized
 * text as one token, for questions too short to have a single shingle. Thread-safe, as Lucene
 * analyzers are: each thread reuses its own token streams.
 */
final class QuestionAnalyzer extends Analyzer {
  static final String SHINGLES = "shingles";
  static final String WHOLE = "whole";

  private final ShingleScheme scheme;

  QuestionAnalyzer(ShingleScheme scheme) {
    super(PER_FIELD_REUSE_STRATEGY);
    this.scheme = scheme;
  }

  ShingleScheme scheme() {
    return scheme;
  }

  @Override
  protected Reader initReader(String fieldName, Reader reader) {
    return new QuestionNormalizer(reader, scheme.kind() != ShingleScheme.Kind.CHAR);
  }

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    if (fieldName.equals(WHOLE)) {
      return new TokenStreamComponents(new KeywordTokenizer());
    }
    int n = scheme.size();
    return switch (scheme.kind()) {
      case CHAR -> new TokenStreamComponents(new NGramTokenizer(n, n));
      case WORD -> {
        Tokenizer words = new WhitespaceTokenizer();
        yield new TokenStreamComponents(words, shingles(words, n));
      }
      case NORI -> {
        Tokenizer morphemes =
            new KoreanTokenizer(
                TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY,
                null,
                KoreanTokenizer.DecompoundMode.DISCARD,
                false,
                true);
        yield new TokenStreamComponents(
            morphemes, shingles(new KoreanPartOfSpeechStopFilter(morphemes), n));
      }
    };
  }

  private static TokenStream shingles(TokenStream tokens, int n) {
    if (n == 1) {
      return tokens;
    }
    ShingleFilter shingles = new ShingleFilter(tokens, n, n);
    shingles.setOutputUnigrams(false);
    // A question with fewer than n words still gets its words as shingles.
    shingles.setOutputUnigramsIfNoShingles(true);
    return shingles;
  }
}
