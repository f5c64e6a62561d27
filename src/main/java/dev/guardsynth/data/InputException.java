package dev.guardsynth.data;

/**
 * Bad input data: a line that is not JSON, a record missing a field, a value out of range. The
 * message starts with the location ({@code file:line:} or {@code file:line:column:}) and says how
 * to fix it. The CLI maps it to exit code 2.
 */
public class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
