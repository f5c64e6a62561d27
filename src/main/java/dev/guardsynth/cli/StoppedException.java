package dev.guardsynth.cli;

/** The run stopped early but cleanly (budget, interruption); it can be resumed. Exit code 3. */
final class StoppedException extends RuntimeException {
  StoppedException(String message) {
    super(message);
  }
}
