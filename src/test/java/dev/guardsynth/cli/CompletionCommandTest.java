package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.testing.CliResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #13: {@code guardsynth completion} prints a script that real bash accepts and uses. */
class CompletionCommandTest {
  @TempDir Path dir;

  @Test
  void bashAcceptsTheScriptAndRegistersCompletionForGuardsynth() throws Exception {
    CliResult result = CliResult.run("completion");
    assertEquals(0, result.exitCode(), result.err());
    Path script = Files.writeString(dir.resolve("guardsynth-completion.bash"), result.out());

    assertEquals("", bash("bash", "-n", script.toString()), "bash -n: the syntax is valid");
    String registered =
        bash("bash", "-c", "source \"$1\" && complete -p guardsynth", "_", script.toString());
    assertTrue(registered.startsWith("complete "), registered);
    assertTrue(registered.strip().endsWith(" guardsynth"), registered);

    // Completing "guardsynth ex" offers the export command.
    String offered =
        bash(
            "bash",
            "-c",
            "source \"$1\"; COMP_WORDS=(guardsynth ex); COMP_CWORD=1; COMP_LINE='guardsynth ex';"
                + " COMP_POINT=${#COMP_LINE}; $(complete -p guardsynth | sed -E 's/.*-F ([^ ]+).*/\\1/');"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"",
            "_",
            script.toString());
    assertTrue(offered.lines().anyMatch(l -> l.strip().equals("export")), offered);
  }

  /** Runs bash; returns stdout, failing the test on a non-zero exit. */
  private static String bash(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "bash did not finish");
    assertEquals(0, process.exitValue(), out);
    return out;
  }
}
