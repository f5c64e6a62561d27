package dev.guardsynth.filter;

import static java.util.Objects.requireNonNull;

import dev.guardsynth.data.Candidate;

/** What the filter decided about one question. Handle it with a {@code switch} on the two cases. */
public sealed interface Verdict permits Verdict.Keep, Verdict.Reject {
  /**
   * The question stays.
   *
   * @param candidate the question, with personal data masked when the config asks for it
   * @param masked how many pieces of personal data were masked
   */
  record Keep(Candidate candidate, int masked) implements Verdict {
    public Keep {
      requireNonNull(candidate, "candidate");
    }
  }

  /**
   * The question goes, for one reason.
   *
   * @param reason a stable key such as {@code too_short} or {@code rule:celebrity}
   * @param detail what was found, for a person auditing rejected.jsonl
   */
  record Reject(String reason, String detail) implements Verdict {
    public Reject {
      requireNonNull(reason, "reason");
      requireNonNull(detail, "detail");
    }
  }
}
