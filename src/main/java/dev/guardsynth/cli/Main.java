package dev.guardsynth.cli;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.data.FileErrors;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Secrets;
import dev.guardsynth.teacher.StopSignal;
import dev.guardsynth.teacher.TeacherException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import picocli.CommandLine;

/** Entry point. The only place that calls {@link System#exit}, and where exit codes are decided. */
public final class Main {
  /** Exit code lines of the commands' help that read the same everywhere. */
  static final String USAGE_LINE = "2:bad usage, config or input";

  static final String RESUME =
      "3:stopped by the budget or Ctrl-C; run the same command again to resume";

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int BAD_INPUT = 2;
  public static final int STOPPED = 3;

  // JUL keeps loggers weakly; hold ours so its level survives garbage collection.
  private static final Logger GUARDSYNTH_LOGGER = Logger.getLogger("guardsynth");

  // Lucene warns, on every index it opens, that the JDK's incubating Vector API is not enabled.
  // It only makes Lucene's own decoding slower, which dedup does not notice; show it with -v.
  private static final Logger LUCENE_VECTORIZATION =
      Logger.getLogger("org.apache.lucene.internal.vectorization");

  private Main() {}

  /** How long Ctrl-C waits for the run to stop cleanly before the process ends anyway. */
  static final long STOP_WAIT_SECONDS = 20;

  public static void main(String[] args) {
    CommandLine cli = commandLine();
    StopSignal stop = ((GuardsynthCommand) cli.getCommand()).stop();
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stopCleanly(stop, exit), "guardsynth-shutdown"));
    int code = cli.execute(args);
    exit.complete(code);
    System.exit(code);
  }

  /**
   * On Ctrl-C or SIGTERM the JVM runs its shutdown hooks and then ends with 130 or 143. A command
   * that honours the stop signal is asked to stop instead; this waits for it to journal what
   * arrived and print how to resume, then ends the process with the command's own code (3).
   */
  private static void stopCleanly(StopSignal stop, CompletableFuture<Integer> exit) {
    if (exit.isDone() || !stop.isWatched()) {
      return; // a normal exit, or a command with nothing to save
    }
    stop.request("interrupted (Ctrl-C or SIGTERM)");
    int code = STOPPED;
    try {
      code = exit.get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      System.err.println("guardsynth: did not stop within " + STOP_WAIT_SECONDS + " s; exiting");
    }
    System.err.flush();
    System.out.flush();
    Runtime.getRuntime().halt(code); // System.exit would wait for this very hook
  }

  /** Runs the command line with the real stdin, stdout and stderr; returns the exit code. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** A configured command line; tests set its out/err writers. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** A command line that reads API keys from {@code env} instead of the process environment. */
  public static CommandLine commandLine(java.util.Map<String, String> env) {
    CommandLine cli = new CommandLine(new GuardsynthCommand(env));
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
    if (t instanceof InterruptedException || t instanceof dev.guardsynth.teacher.StoppedException) {
      return STOPPED;
    }
    return FAILED;
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    boolean stacktrace = parsed != null && hasStacktraceFlag(parsed);
    String message = Secrets.redact(message(e));
    err.println("guardsynth " + cli.getCommandName() + ": " + message);
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    if (exitCode(e) == STOPPED && parsed != null) {
      // Every reply that arrived is journalled: the same command line picks up where it stopped.
      err.println("resume with: " + resumeCommand(parsed, List.of()));
    }
    if (stacktrace) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(Secrets.redact(trace.toString()));
    } else if (exitCode(e) == FAILED && !(e instanceof TeacherException)) {
      err.println("(run again with -x to see the stack trace)");
    }
    err.flush();
    return exitCode(e);
  }

  /**
   * The command line that was run, quoted for a POSIX shell, with {@code extra} arguments added:
   * what resumes a stopped command.
   */
  static String resumeCommand(CommandLine.ParseResult parsed, List<String> extra) {
    StringBuilder cmd = new StringBuilder(Installation.command());
    List<String> args = new ArrayList<>(parsed.originalArgs());
    args.addAll(extra);
    for (String given : args) {
      // A --base-url with credentials is shown without them (as ***): put them back to resume.
      cmd.append(' ').append(shellWord(Secrets.redact(given)));
    }
    return cmd.toString();
  }

  /** {@code word} as a POSIX shell reads it back: bare when safe, else in single quotes. */
  static String shellWord(String word) {
    return word.matches("[A-Za-z0-9_./:=@%+,~-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
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
      return FileErrors.describe(u.getMessage(), u.getCause());
    }
    if (e instanceof InterruptedException) {
      return "interrupted";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /**
   * Sends System.Logger output to stderr, one line per event, with URLs' credentials removed.
   * {@code verbose} 1 ({@code -v}) shows guardsynth's own debug lines; 2 ({@code -vv}) also those
   * of the libraries (HTTP client, TLS, Lucene), which run to thousands of lines per run.
   */
  static void configureLogging(int verbose, boolean quiet) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    ConsoleHandler handler = new ConsoleHandler(); // writes to System.err
    handler.setFormatter(
        new Formatter() {
          @Override
          public String format(LogRecord r) {
            String text = formatMessage(r);
            String prefix = r.getLevel().intValue() >= Level.WARNING.intValue() ? "warning: " : "";
            return Secrets.redact(prefix + text) + System.lineSeparator();
          }
        });
    Level level = quiet ? Level.WARNING : verbose > 0 ? Level.FINE : Level.INFO;
    handler.setLevel(verbose > 1 ? Level.ALL : level);
    root.addHandler(handler);
    // Only our own loggers speak at INFO (FINE with -v); libraries stay at WARNING unless -vv.
    root.setLevel(verbose > 1 ? Level.ALL : Level.WARNING);
    GUARDSYNTH_LOGGER.setLevel(level);
    LUCENE_VECTORIZATION.setLevel(verbose > 1 ? Level.FINE : Level.SEVERE);
  }
}
