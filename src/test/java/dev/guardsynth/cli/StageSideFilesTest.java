package dev.guardsynth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Json;
import dev.guardsynth.data.Label;
import dev.guardsynth.data.Source;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.GuardsynthProcess;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.TestProject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing in the working folder unless asked (issue #17): with the output on stdout, a stage's side
 * files (journal, failures, rejections, disagreements) go to a state folder under {@code
 * $XDG_STATE_HOME/guardsynth/}, one per command line, where the same command run again finds its
 * journal. Each command runs as a real process from an empty working folder, against a local fake
 * teacher.
 */
class StageSideFilesTest {
  @TempDir Path dir;

  /** The guard under {@code eval} answers every detect prompt; the rest is the question bank. */
  private static FakeOpenAiServer teacher() throws IOException {
    QuestionBankResponder bank = new QuestionBankResponder();
    return FakeOpenAiServer.start(body ->
        body.at("/messages/0/content").asText().startsWith("You are a safety classifier.")
            ? FakeOpenAiServer.Reply.content("{\"label\": \"safe\"}")
            : bank.respond(body));
  }

  private Path config() throws IOException {
    Path project = Files.createDirectories(dir.resolve("project"));
    return TestProject.writeConfig(
        project,
        "rules: "
            + TestProject.rules("ko")
            + "\ntargets: {unsafe: 2, safe: 2, per_call: 2}\n"
            + "label: {judge: true, respond: true}\n"
            + "teacher: {model: m, api_key_env: K, max_retries: 0}\n");
  }

  /** One command's run: its stdout, stderr and exit code. */
  private record Ran(int code, String out, String err) {}

  /** Runs {@code guardsynth args...} as a process in {@code work}, with the state home given. */
  private Ran run(Path work, Map<String, String> env, String... args) throws Exception {
    GuardsynthProcess p = GuardsynthProcess.start(work, dir.resolve("logs"), env, args);
    int code = p.waitFor(120);
    Ran ran = new Ran(code, p.out(), p.err());
    assertEquals(0, code, args[0] + ": " + ran.err());
    return ran;
  }

  private static List<String> names(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** The one state folder whose name starts with {@code command-}. */
  private static Path stateFolder(Path guardsynthState, String command) throws IOException {
    List<Path> found = new ArrayList<>();
    for (String name : names(guardsynthState)) {
      if (name.matches(command + "-[0-9a-f]{12}")) {
        found.add(guardsynthState.resolve(name));
      }
    }
    assertEquals(1, found.size(), command + " state folders in " + names(guardsynthState));
    return found.get(0);
  }

  @Test
  void everyStageWritingToStdoutLeavesTheWorkingFolderEmptyAndItsSideFilesInTheStateFolder()
      throws Exception {
    Path config = config();
    Path project = config.getParent();
    Path work = Files.createDirectories(dir.resolve("work"));
    Path stateHome = dir.resolve("state");
    Map<String, String> env = Map.of("K", "k", "XDG_STATE_HOME", stateHome.toString());
    Path state = stateHome.resolve("guardsynth");
    String cfg = config.toString();
    try (FakeOpenAiServer server = teacher()) {
      String url = server.baseUrl();
      Path prompts = project.resolve("prompts.jsonl");
      Files.writeString(prompts, run(work, env, "plan", "--config", cfg).out());
      Path candidates = project.resolve("candidates.jsonl");
      Ran generate =
          run(
              work,
              env,
              "generate",
              "--config",
              cfg,
              "--in",
              prompts.toString(),
              "--base-url",
              url,
              "-o",
              "-");
      Files.writeString(candidates, generate.out());
      Path unique = project.resolve("unique.jsonl");
      Files.writeString(
          unique, run(work, env, "dedup", "--config", cfg, "--in", candidates.toString()).out());
      Path kept = project.resolve("kept.jsonl");
      Ran filter = run(work, env, "filter", "--config", cfg, "--in", unique.toString());
      Files.writeString(kept, filter.out());
      String[] label = {"label", "--config", cfg, "--in", kept.toString(), "--base-url", url};
      Ran labeled = run(work, env, label);
      Path labeledFile = Files.writeString(project.resolve("labeled.jsonl"), labeled.out());
      run(
          work,
          env,
          "export",
          "--config",
          cfg,
          "--in",
          labeledFile.toString(),
          "-o",
          project.resolve("dataset").toString());
      Ran eval =
          run(
              work,
              env,
              "eval",
              "--config",
              cfg,
              "--gold",
              labeledFile.toString(),
              "--base-url",
              url,
              "--model",
              "guard-1",
              "--retry-delay",
              "0");

      assertEquals(List.of(), names(work), "the working folder stays empty");
      assertFalse(labeled.out().isBlank(), "labeled questions on stdout");
      assertTrue(eval.out().contains("guard-1"), eval.out());
      assertTrue(Files.exists(project.resolve("dataset/manifest.json")));

      Path generateState = stateFolder(state, "generate");
      assertEquals(List.of("responses.jsonl"), names(generateState), "no failures.jsonl: none");
      Path filterState = stateFolder(state, "filter");
      assertEquals(List.of("rejected.jsonl"), names(filterState));
      Path labelState = stateFolder(state, "label");
      assertEquals(
          List.of("disagreements.jsonl", "label_rejected.jsonl", "responses.jsonl"),
          names(labelState));
      Path evalState = stateFolder(state, "eval");
      assertEquals(List.of("responses.jsonl"), names(evalState));
      assertEquals(4, names(state).size(), "plan, dedup and export have no side files");
      // stderr names the folder, in one line.
      assertTrue(
          generate
              .err()
              .contains("side files: " + generateState + "/ (responses.jsonl, failures.jsonl)"),
          generate.err());
      assertTrue(
          filter.err().contains("side files: " + filterState + "/ (rejected.jsonl)"), filter.err());
      assertTrue(labeled.err().contains("side files: " + labelState + "/ ("), labeled.err());
      assertTrue(eval.err().contains("side files: " + evalState + "/ ("), eval.err());

      // The same label command again finds its journal there: not one request is sent.
      int requests = server.requests().size();
      Ran again = run(work, env, label);
      assertEquals(requests, server.requests().size(), "the second run pays for nothing");
      assertEquals(labeled.out(), again.out());
      assertTrue(again.err().contains("side files: " + labelState + "/ ("), again.err());
      assertEquals(List.of(), names(work));
    }
  }

  /** Runs {@code args} in-process with {@code env}, its stdout (the labeled questions) dropped. */
  private static CliResult runInProcess(Map<String, String> env, String... args) {
    PrintStream stdout = System.out;
    try {
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      return CliResult.run(env, args);
    } finally {
      System.setOut(stdout);
    }
  }

  @Test
  void stateDirNamesAnotherPlaceAndHomeIsTheDefaultWithoutXdgStateHome() throws Exception {
    Path config = config();
    Candidate question =
        Candidate.of(
            "회사 비품을 집으로 조금씩 가져가도 모를까요?",
            Label.UNSAFE,
            "crime_advice",
            "illegal",
            "ko",
            new Source("p1", "m", 0));
    Path kept =
        Files.writeString(config.getParent().resolve("kept.jsonl"), Json.write(question) + "\n");
    Path home = dir.resolve("home");
    Path named = dir.resolve("named");
    // The environment is exactly this map: no XDG_STATE_HOME, so $HOME/.local/state.
    Map<String, String> env = Map.of("K", "k", "HOME", home.toString());
    try (FakeOpenAiServer server = teacher()) {
      String[] label = {
        "label",
        "--config",
        config.toString(),
        "--in",
        kept.toString(),
        "--base-url",
        server.baseUrl()
      };
      CliResult byHome = runInProcess(env, label);
      assertEquals(0, byHome.exitCode(), byHome.err());
      Path labelState = stateFolder(home.resolve(".local/state/guardsynth"), "label");
      assertTrue(Files.exists(labelState.resolve("responses.jsonl")), names(labelState).toString());

      List<String> toNamed = new ArrayList<>(List.of(label));
      toNamed.addAll(List.of("--state-dir", named.toString()));
      CliResult byFlag = runInProcess(env, toNamed.toArray(String[]::new));
      assertEquals(0, byFlag.exitCode(), byFlag.err());
      assertEquals(
          List.of("disagreements.jsonl", "label_rejected.jsonl", "responses.jsonl"), names(named));
      assertFalse(byFlag.err().contains("side files:"), "the user named the place");
    }
  }
}
