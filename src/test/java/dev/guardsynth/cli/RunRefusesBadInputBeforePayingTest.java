package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input that a run can see before it pays for anything is refused before the first request:
 * {@code run} and {@code run --dry-run} exit 2 while the local teacher has received nothing, with a
 * message naming the file and the key or placeholder and saying how to fix it, and no run folder is
 * left behind. Each case once a run has paid for hundreds of requests before failing at export, or
 * has been accepted and spent money on prompts that cannot work (#20).
 */
class RunRefusesBadInputBeforePayingTest {
  private static final String KEY_VAR = "GS_TEST_KEY";
  private static final Map<String, String> ENV = Map.of(KEY_VAR, "sk-test-1234");

  @TempDir Path dir;

  /**
   * One bad input: {@code setUp} breaks the project in {@code dir} and returns extra arguments and
   * YAML for the config; {@code expected} are the pieces the message must hold.
   */
  record Case(String name, Setup setUp, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** What a case changes: returns the extra command-line arguments. */
  @FunctionalInterface
  interface Setup {
    Bad apply(Path dir) throws Exception;
  }

  /** The config lines and command-line arguments of a broken project. */
  record Bad(String yaml, List<String> args) {
    static Bad args(String... args) {
      return new Bad("", List.of(args));
    }

    static Bad yaml(String yaml) {
      return new Bad(yaml, List.of());
    }
  }

  static Stream<Arguments> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case(
            "a --previous folder that does not exist",
            d -> Bad.args("--previous", d.resolve("no-such-release").toString()),
            List.of("no-such-release: no such folder", "--previous", "output/<run>/dataset")));
    cases.add(
        new Case(
            "an empty --previous folder",
            d -> Bad.args("--previous", Files.createDirectories(d.resolve("empty")).toString()),
            List.of("empty: an empty folder, not a dataset folder", "--previous")));
    cases.add(
        new Case(
            "a --previous folder that is not a dataset",
            d -> {
              Path notes = Files.createDirectories(d.resolve("notes"));
              Files.writeString(notes.resolve("todo.txt"), "nothing here\n");
              return Bad.args("--previous", notes.toString());
            },
            List.of("notes: not a complete guardsynth dataset folder (no manifest.json)")));
    cases.add(
        new Case(
            "a run folder given as --previous",
            d -> {
              Path run = release(d, "old-run", TestProject.ROOT.resolve("rules/taxonomy.yaml"));
              return Bad.args("--previous", run.getParent().toString());
            },
            List.of("old-run: a run folder, not a dataset folder", "old-run/dataset")));
    cases.add(
        new Case(
            "a --previous release whose categories the taxonomy lacks",
            d -> {
              Path renamed = d.resolve("taxonomy-renamed.yaml");
              Files.writeString(
                  renamed,
                  Files.readString(TestProject.ROOT.resolve("rules/taxonomy.yaml"))
                      .replace("- id: crime_advice", "- id: crime_help"));
              return Bad.args("--previous", release(d, "renamed", renamed).toString());
            },
            List.of("crime_help (2 questions)", "the taxonomy has crime_advice", "same category")));
    cases.add(
        new Case(
            "a --previous release of other tasks",
            d -> {
              Path both = release(d, "both-tasks", TestProject.ROOT.resolve("rules/taxonomy.yaml"));
              return new Bad(
                  "export: {tasks: [detect, respond]}\n", List.of("--previous", both.toString()));
            },
            List.of("tasks detect", "export.tasks")));
    cases.add(
        new Case(
            "a generation template without {{count}}",
            d -> prompts(d, "unsafe.md", "{{count}}", "ten"),
            List.of("unsafe.md: {{count}} is missing", "targets.per_call", "put {{count}} back")));
    cases.add(
        new Case(
            "a detect template without {{categories}}",
            d -> prompts(d, "detect.md", "{{categories}}", "(none)"),
            List.of("detect.md: {{categories}} is missing")));
    cases.add(
        new Case(
            "a judge template without {{checks}}",
            d -> prompts(d, "judge.md", "{{checks}}", "(none)"),
            List.of("judge.md: {{checks}} is missing")));
    cases.add(
        new Case(
            "a judge template without {{check_shape}}",
            d -> prompts(d, "judge.md", "{{check_shape}}", "{}"),
            List.of("judge.md: {{check_shape}} is missing")));
    cases.add(
        new Case(
            "targets that are all zero",
            d -> Bad.yaml("targets: {unsafe: 0, safe: 0}\n"),
            List.of("guardsynth.yaml:", "targets.unsafe: 0 and safe: 0", "such as 20")));
    cases.add(
        new Case(
            "a run name taken by a file",
            d -> {
              Files.createDirectories(d.resolve("output"));
              Files.writeString(d.resolve("output/taken"), "a file\n");
              return Bad.args("--run-name", "taken");
            },
            List.of("output/taken: a file, not a run folder", "--run-name")));
    cases.add(
        new Case(
            "an output folder that is a file",
            d -> {
              Files.writeString(d.resolve("plain-file"), "a file\n");
              return Bad.yaml("output: " + d.resolve("plain-file/runs") + "\n");
            },
            List.of("plain-file: a file, so the run folder", "output:")));
    cases.add(
        new Case(
            "an output folder that cannot be written",
            d -> {
              // Root writes anywhere: the case means something only to another user.
              assumeTrue(!"root".equals(System.getProperty("user.name")), "runs as root");
              Path locked = Files.createDirectories(d.resolve("locked"));
              Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
              return Bad.yaml("output: " + locked + "\n");
            },
            List.of("locked: not writable", "chmod u+w")));
    cases.add(
        new Case(
            "a cassette with a damaged line",
            d -> {
              Path cassette = d.resolve("cassette.jsonl");
              Files.writeString(cassette, "{\"key\": \"abc\", \"request\": {\"mo\n");
              return Bad.yaml(
                  "teacher: {provider: replay, cassette: " + cassette + ", model: m}\n");
            },
            List.of("cassette.jsonl:1: not a cassette entry", "record it again")));
    List<Arguments> out = new ArrayList<>();
    for (Case c : cases) {
      out.add(Arguments.of(c, false));
      out.add(Arguments.of(c, true));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, dry run {1}")
  @MethodSource("cases")
  void isRefusedWithExit2BeforeTheFirstRequest(Case c, boolean dryRun) throws Exception {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.start(r -> FakeOpenAiServer.Reply.content("1. What is a question?"))) {
      Bad bad = c.setUp().apply(dir);
      Path config =
          TestProject.writeConfig(
              dir,
              "name: t\n"
                  + "rules: "
                  + TestProject.rules("en")
                  + "\n"
                  + (bad.yaml().contains("targets:")
                      ? ""
                      : "targets: {unsafe: 2, safe: 2, per_call: 2, max_rounds: 1, min_fill: 0}\n")
                  + (bad.yaml().contains("export:") ? "" : "export: {tasks: [detect]}\n")
                  + (bad.yaml().contains("teacher:")
                      ? ""
                      : "teacher: {model: m, api_key_env: "
                          + KEY_VAR
                          + ", base_url: "
                          + server.baseUrl()
                          + ", max_retries: 0}\n")
                  + bad.yaml());
      List<String> args = new ArrayList<>(List.of("run", "--config", config.toString()));
      args.addAll(bad.args());
      if (dryRun) {
        args.add("--dry-run");
      }
      CliResult result = CliResult.run(ENV, args.toArray(String[]::new));

      assertEquals(2, result.exitCode(), result.err());
      assertEquals(0, server.requests().size(), "requests that reached the teacher");
      for (String piece : c.expected()) {
        assertTrue(result.err().contains(piece), "message lacks '" + piece + "': " + result.err());
      }
      assertFalse(result.err().contains("Exception"), result.err());
      assertFalse(Files.exists(dir.resolve("output/t/run.json")), "no run was started");
    }
  }

  /** A prompts folder like the bundled one, with {@code target} replaced in {@code file}. */
  private static Bad prompts(Path dir, String file, String target, String replacement)
      throws Exception {
    Path prompts = Files.createDirectories(dir.resolve("prompts"));
    try (Stream<Path> bundled = Files.list(TestProject.ROOT.resolve("prompts"))) {
      for (Path p : bundled.toList()) {
        Files.copy(p, prompts.resolve(p.getFileName()));
      }
    }
    Path edited = prompts.resolve(file);
    Files.writeString(edited, Files.readString(edited).replace(target, replacement));
    return Bad.yaml("prompts: " + prompts + "\n");
  }

  /**
   * A complete release of two crime_advice questions (named by {@code taxonomy}'s first category),
   * exported with the detect task by the real export command into {@code dir/<name>/dataset};
   * returns the dataset folder, inside a folder that looks like a run's (a run.json beside it).
   */
  private static Path release(Path dir, String name, Path taxonomy) throws Exception {
    String category = Files.readString(taxonomy).contains("- id: crime_help") ? "crime_help" : "";
    category = category.isEmpty() ? "crime_advice" : category;
    Path folder = Files.createDirectories(dir.resolve(name));
    Path labeled = folder.resolve("labeled.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 2; i++) {
      lines
          .append("{\"id\":\"q")
          .append(i)
          .append("\",\"text\":\"Where could someone sell things they took from a shop, number ")
          .append(i)
          .append("?\",\"label\":\"unsafe\",\"category\":\"")
          .append(category)
          .append("\",\"group\":\"legal\",\"language\":\"en\",")
          .append("\"source\":{\"prompt_id\":\"p\",\"model\":\"m\",\"index\":")
          .append(i)
          .append("}}\n");
    }
    Files.writeString(labeled, lines);
    Path config =
        Files.writeString(
            folder.resolve("export.yaml"),
            "name: "
                + name
                + "\ntaxonomy: "
                + taxonomy
                + "\nprompts: "
                + TestProject.ROOT.resolve("prompts")
                + "\nrules: "
                + TestProject.rules("en")
                + "\nexport: {tasks: [detect]}\n");
    Path dataset = folder.resolve("dataset");
    CliResult export =
        CliResult.run(
            "export",
            "--config",
            config.toString(),
            "--in",
            labeled.toString(),
            "-o",
            dataset.toString(),
            "--quiet");
    assertEquals(0, export.exitCode(), export.err());
    Files.writeString(folder.resolve("run.json"), "{}\n");
    return dataset;
  }
}
