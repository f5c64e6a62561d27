package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options every command shares work before or after the subcommand alike, and the commands
 * printed for the user to run next start with what runs guardsynth from where they are.
 */
class SharedOptionsTest {
  @TempDir Path dir;

  @AfterEach
  void defaults() {
    Main.configureLogging(0, false);
    System.clearProperty(Installation.COMMAND_PROPERTY);
  }

  @Test
  void stackTraceSwitchBeforeOrAfterTheSubcommandBehavesAlike() throws Exception {
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "name: demo\ntargets: [not, a, section]\n");
    CliResult before = CliResult.run("-x", "run", "--dry-run", "--config", broken.toString());
    CliResult after = CliResult.run("run", "-x", "--dry-run", "--config", broken.toString());
    CliResult without = CliResult.run("run", "--dry-run", "--config", broken.toString());

    assertEquals(2, before.exitCode(), before.err());
    assertEquals(before.exitCode(), after.exitCode());
    assertEquals(before.err().lines().findFirst(), after.err().lines().findFirst());
    for (CliResult traced : new CliResult[] {before, after}) {
      assertTrue(
          traced.err().contains("\tat dev.guardsynth.config.ConfigLoader."),
          "a stack trace: " + traced.err());
    }
    assertFalse(without.err().contains("\tat "), without.err());
  }

  @Test
  void configAndQuietBeforeOrAfterTheSubcommandBehaveAlike() {
    String demo = TestProject.ROOT.resolve("examples/demo/guardsynth.yaml").toString();
    CliResult before = CliResult.run("--quiet", "--config", demo, "run", "--dry-run", "--json");
    CliResult after = CliResult.run("run", "--dry-run", "--json", "--quiet", "--config", demo);

    assertEquals(0, before.exitCode(), before.err());
    assertEquals(0, after.exitCode(), after.err());
    assertEquals(before.out(), after.out());
    assertTrue(before.out().contains("output/demo\""), "the demo's plan: " + before.out());
    assertEquals("", before.err(), "--quiet");
  }

  @Test
  void verboseAndQuietTogetherAreABadCommandLineWhereverTheyStand() {
    for (String[] args :
        new String[][] {
          {"-v", "taxonomy", "--quiet"},
          {"--quiet", "-v", "taxonomy"},
          {"taxonomy", "-v", "--quiet"}
        }) {
      CliResult result = CliResult.run(args);
      assertEquals(2, result.exitCode(), String.join(" ", args) + ": " + result.err());
      assertTrue(result.err().contains("mutually exclusive"), result.err());
    }
  }

  @Test
  void unknownOptionsAreStillRejectedBeforeTheSubcommand() {
    CliResult result = CliResult.run("--no-such-option", "run");
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains("Unknown option"), result.err());
  }

  @Test
  void initPrintsTheNextCommandAsTheLauncherNamesIt() {
    Path config = dir.resolve("my project/guardsynth.yaml");
    CliResult plain = CliResult.run("init", config.toString());
    assertEquals(0, plain.exitCode(), plain.err());
    assertTrue(
        plain.err().contains("then: guardsynth run --config '" + config + "'"),
        "installed (on PATH): " + plain.err());

    System.setProperty(Installation.COMMAND_PROPERTY, "scripts/guardsynth");
    CliResult checkout = CliResult.run("init", "--force", config.toString());
    assertEquals(0, checkout.exitCode(), checkout.err());
    assertTrue(
        checkout.err().contains("then: scripts/guardsynth run --config '" + config + "'"),
        "from a checkout: " + checkout.err());
  }

  @Test
  void theResumeLineStartsWithTheLaunchersCommand() {
    System.setProperty(Installation.COMMAND_PROPERTY, "/opt/guard synth/bin/guardsynth");
    var parsed =
        Main.commandLine().parseArgs("-x", "run", "--config", "my.yaml", "--run-name", "nightly");
    assertEquals(
        "'/opt/guard synth/bin/guardsynth' -x run --config my.yaml --run-name nightly",
        Main.resumeCommand(parsed, java.util.List.of()));
  }
}
