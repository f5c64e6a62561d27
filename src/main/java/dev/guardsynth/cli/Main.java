package dev.guardsynth.cli;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.data.InputException;
import dev.guardsynth.teacher.TeacherException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import picocli.CommandLine;

/** Entry point. The only place that calls {@link System#exit}, and where exit codes are decided. */
public final class Main {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int BAD_INPUT = 2;
  public static final int STOPPED = 3;

  // java.util.logging holds loggers weakly: without this reference the level set on it in
  // configureLogging is lost to the next garbage collection, and INFO summaries vanish.
  private static final Logger GUARDSYNTH_LOGGER = Logger.getLogger("guardsynth");

  // Lucene warns, on every index it opens, that the JDK's incubating Vector API is not enabled.
  // It only makes Lucene's own decoding slower, which dedup does not notice; show it with -v.
  private static final Logger LUCENE_VECTORIZATION =
      Logger.getLogger("org.apache.lucene.internal.vectorization");

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line with the real stdin, stdout and stderr; returns the exit code. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** A configured command line; tests set its out/err writers. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new GuardsynthCommand());
    cli.setExecutionExceptionHandler(Main::handle);
    cli.setExitCodeExceptionMapper(Main::exitCode);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  /** Maps a failure to its exit code: 2 bad input or config, 3 stopped (resumable), 1 otherwise. */
  static int exitCode(Throwable t) {
    if (t instanceof CommandLine.ParameterException
        || t instanceof ConfigException
        || t instanceof InputException) {
      return BAD_INPUT;
    }
    if (t instanceof InterruptedException || t instanceof StoppedException) {
      return STOPPED;
    }
    return FAILED;
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    boolean stacktrace = parsed != null && hasStacktraceFlag(parsed);
    String message = message(e);
    err.println("guardsynth " + cli.getCommandName() + ": " + message);
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    if (stacktrace) {
      e.printStackTrace(err);
    } else if (exitCode(e) == FAILED && !(e instanceof TeacherException)) {
      err.println("(run again with -x to see the stack trace)");
    }
    err.flush();
    return exitCode(e);
  }

  private static boolean hasStacktraceFlag(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("-x")) {
        return true;
      }
    }
    return false;
  }

  private static String message(Throwable e) {
    if (e instanceof UncheckedIOException u && u.getCause() != null) {
      return u.getMessage() + ": " + u.getCause().getMessage();
    }
    if (e instanceof InterruptedException) {
      return "interrupted";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** Sends System.Logger output to stderr, one line per event, at the chosen verbosity. */
  static void configureLogging(boolean verbose, boolean quiet) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    ConsoleHandler handler = new ConsoleHandler(); // writes to System.err
    handler.setFormatter(
        new Formatter() {
          @Override
          public String format(LogRecord r) {
            String text = formatMessage(r);
            String prefix = r.getLevel().intValue() >= Level.WARNING.intValue() ? "warning: " : "";
            return prefix + text + System.lineSeparator();
          }
        });
    Level level = quiet ? Level.WARNING : verbose ? Level.FINE : Level.INFO;
    handler.setLevel(level);
    root.addHandler(handler);
    // Only our own loggers speak at INFO; libraries stay at WARNING unless -v.
    root.setLevel(verbose ? Level.FINE : Level.WARNING);
    GUARDSYNTH_LOGGER.setLevel(level);
    LUCENE_VECTORIZATION.setLevel(verbose ? Level.FINE : Level.SEVERE);
  }
}
