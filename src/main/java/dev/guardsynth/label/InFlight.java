package dev.guardsynth.label;

import static java.util.Objects.requireNonNull;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Labeled;
import dev.guardsynth.data.Rejected;

/**
 * One question on its way through the label stage: kept so far ({@code labeled}, with the verdict
 * and response it has gathered, under its final label) or dropped ({@code rejected}), never both;
 * and the judge's disagreement, when it had one, which is written whether or not the question is
 * kept. Immutable: each step of the stage replaces it.
 *
 * @param question the question as it came in
 */
record InFlight(Candidate question, Labeled labeled, Rejected rejected, Disagreement disagreement) {
  InFlight {
    requireNonNull(question, "question");
    if ((labeled == null) == (rejected == null)) {
      throw new IllegalArgumentException(
          "question " + question.id() + ": must be either kept or rejected");
    }
  }

  /** {@code question} as it enters the stage: kept, with neither verdict nor response. */
  static InFlight of(Candidate question) {
    return new InFlight(question, Labeled.of(question, null, null), null, null);
  }

  boolean kept() {
    return labeled != null;
  }

  InFlight keep(Labeled newLabeled) {
    return new InFlight(question, newLabeled, null, disagreement);
  }

  InFlight reject(Rejected why) {
    return new InFlight(question, null, why, disagreement);
  }

  InFlight disagreeing(Disagreement newDisagreement) {
    return new InFlight(question, labeled, rejected, newDisagreement);
  }
}
