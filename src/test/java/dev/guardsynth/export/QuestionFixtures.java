package dev.guardsynth.export;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Judgement;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic labeled questions for split tests: random Hangul "questions" that share no
 * near-duplicates by chance, plus rephrasings that are near-duplicates (a filler word in front)
 * and, now and then, a harmless twin under the other label that is a near-duplicate across strata.
 * Deterministic for a seed. Only the shape matters here, not the meaning.
 */
final class QuestionFixtures {
  static final List<String> CATEGORIES =
      List.of("crime_advice", "privacy_violation", "copyright_infringement");
  private static final String[] FILLERS = {"혹시 ", "그런데 ", "솔직히 "};

  private QuestionFixtures() {}

  static List<Labeled> questions(long seed, int basesPerStratum) {
    Random random = new Random(seed);
    List<Labeled> out = new ArrayList<>();
    for (String category : CATEGORIES) {
      for (Label label : Label.values()) {
        for (int b = 0; b < basesPerStratum; b++) {
          String base = randomHangul(random, 14 + random.nextInt(8)) + "?";
          out.add(labeled(base, label, category, "ko"));
          int rephrasings = random.nextInt(3); // 0, 1 or 2: clusters of 1 to 3
          for (int r = 0; r < rephrasings; r++) {
            out.add(labeled(FILLERS[r] + base, label, category, "ko"));
          }
          if (label == Label.UNSAFE && random.nextInt(6) == 0) {
            out.add(labeled(base.replace("?", " 알려줘?"), Label.SAFE, category, "ko"));
          }
        }
      }
    }
    return out;
  }

  static Labeled labeled(String text, Label label, String category, String language) {
    Candidate c = Candidate.of(text, label, category, "legal", language, new Source("p", "m", 0));
    String response =
        language.equals("ko") ? "안전하게 도와드릴게요. 공식 안내를 확인해 보세요." : "Here is a safe answer.";
    return Labeled.of(c, new Judgement(label, category, true), response);
  }

  private static String randomHangul(Random random, int syllables) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < syllables; i++) {
      if (i > 0 && random.nextInt(4) == 0) {
        s.append(' ');
      }
      s.append((char) (0xAC00 + random.nextInt(11172)));
    }
    return s.toString();
  }
}
