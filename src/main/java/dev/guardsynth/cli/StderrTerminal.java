package dev.guardsynth.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What stderr can show: whether progress may be redrawn in place ({@code \r}) and whether escape
 * sequences may be used. Redrawing needs stderr itself to be a terminal, which is not what {@link
 * System#console()} tells (it is about stdin and stdout): {@code guardsynth run > out.jsonl} on a
 * terminal, or {@code 2> run.log} with stdout on one, must each get what fits stderr.
 *
 * <p>Java cannot ask isatty(2), so: the launcher script, which can ({@code test -t 2}), passes its
 * answer as the system property {@code guardsynth.stderr.tty}; without it, on Linux, {@code
 * /proc/self/fd/2} names a terminal device; anywhere else stderr is taken for a file, since plain
 * lines are fine on a terminal while redraws spoil a log. {@code TERM=dumb} gets plain lines, and
 * {@code NO_COLOR} (https://no-color.org) keeps escape sequences out.
 *
 * @param redraw progress is redrawn in place on one line
 * @param escapes ANSI escape sequences may be written
 */
record StderrTerminal(boolean redraw, boolean escapes) {
  static final String PROPERTY = "guardsynth.stderr.tty";

  /** Decides from the process's stderr and {@code env}. */
  static StderrTerminal detect(Map<String, String> env) {
    return of(isTerminal(System.getProperty(PROPERTY), Path.of("/proc/self/fd/2")), env);
  }

  static StderrTerminal of(boolean stderrIsTerminal, Map<String, String> env) {
    boolean redraw = stderrIsTerminal && !"dumb".equals(env.get("TERM"));
    String noColor = env.get("NO_COLOR");
    return new StderrTerminal(redraw, redraw && (noColor == null || noColor.isEmpty()));
  }

  static boolean isTerminal(String property, Path fd2) {
    if (property != null && !property.isBlank()) {
      return Boolean.parseBoolean(property.strip());
    }
    try {
      String target = Files.readSymbolicLink(fd2).toString();
      return target.startsWith("/dev/pts/") || target.matches("/dev/tty[0-9a-zA-Z]*");
    } catch (IOException | UnsupportedOperationException e) {
      return false; // not Linux, or no such link: plain lines are safe everywhere
    }
  }
}
