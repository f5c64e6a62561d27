package dev.guardsynth.testing;

import dev.guardsynth.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs the real command line in-process and captures its exit code, stdout and stderr. */
public record CliResult(int exitCode, String out, String err) {
  public static CliResult run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliResult(code, out.toString(), err.toString());
  }

  public static CliResult run(String... args) {
    return run(Map.of(), args);
  }
}
