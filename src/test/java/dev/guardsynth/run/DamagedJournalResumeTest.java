package dev.guardsynth.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.data.Json;
import dev.guardsynth.testing.CliResult;
import dev.guardsynth.testing.FakeOpenAiServer;
import dev.guardsynth.testing.GuardsynthProcess;
import dev.guardsynth.testing.QuestionBankResponder;
import dev.guardsynth.testing.TestProject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose journal has damaged lines in the middle (a disk error, an editor, a bad copy) goes on
 * with every intact entry: the damaged lines are moved aside to a file beside the journal, named on
 * stderr, and the resumed run sends only the requests whose lines were damaged or never written, as
 * the server's log shows. Once it failed in round 2 and advised deleting the journal (#20).
 */
class DamagedJournalResumeTest {
  private static final String KEY_VAR = "GS_TEST_KEY";
  private static final Map<String, String> ENV = Map.of(KEY_VAR, "sk-test-1234");
  private static final int PROMPTS = 60; // 10 categories × 2 labels × 3 calls, one language

  @TempDir Path dir;

  @Test
  void damagedLinesAreMovedAsideAndTheResumedRunRepaysNoAnsweredRequest() throws Exception {
    Path config =
        TestProject.writeConfig(
            dir,
            "name: t\n"
                + "rules: "
                + TestProject.rules("en")
                + "\n"
                + "targets: {unsafe: 9, safe: 9, per_call: 3, max_rounds: 1, min_fill: 0}\n"
                + "teacher: {model: m, api_key_env: "
                + KEY_VAR
                + ", max_retries: 0}\n"
                // Only generate asks the teacher here, so the server's log counts prompts.
                + "label: {judge: false, respond: false}\n");
    QuestionBankResponder bank = new QuestionBankResponder();
    try (FakeOpenAiServer server = FakeOpenAiServer.start(bank::respond)) {
      CliResult first =
          CliResult.run(ENV, "run", "--config", config.toString(), "--base-url", server.baseUrl());
      assertEquals(0, first.exitCode(), first.err());
      assertEquals(PROMPTS, server.requests().size());

      // A run stopped after 40 replies, two of them then damaged: everything else of the run
      // folder is gone, so every stage runs again and asks for every prompt.
      Path run = dir.resolve("output/t");
      Path journal = run.resolve("responses.jsonl");
      List<String> lines =
          new ArrayList<>(Files.readAllLines(journal, StandardCharsets.UTF_8).subList(0, 40));
      String damagedKey = Json.MAPPER.readTree(lines.get(4)).get("key").asText();
      String editedKey = Json.MAPPER.readTree(lines.get(20)).get("key").asText();
      lines.set(4, lines.get(4).substring(0, 50)); // a line cut in the middle of the journal
      // An entry edited by hand: its reply no longer belongs to its key's request.
      lines.set(20, lines.get(20).replace("\"model\":\"m\"", "\"model\":\"other\""));
      Set<String> intact = new HashSet<>();
      for (int i = 0; i < lines.size(); i++) {
        if (i != 4 && i != 20) {
          intact.add(Json.MAPPER.readTree(lines.get(i)).get("key").asText());
        }
      }
      try (Stream<Path> files = Files.list(run)) {
        for (Path p : files.toList()) {
          if (!p.equals(journal)) {
            deleteTree(p);
          }
        }
      }
      Files.writeString(journal, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);

      // The dry run names the damaged lines and changes nothing.
      byte[] damagedJournal = Files.readAllBytes(journal);
      CliResult dryRun =
          CliResult.run(
              ENV,
              "run",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl(),
              "--dry-run");
      assertEquals(0, dryRun.exitCode(), dryRun.err());
      assertTrue(dryRun.err().contains(journal + ":5: not a journal entry"), dryRun.err());
      assertTrue(dryRun.err().contains(journal + ":21: an entry whose key"), dryRun.err());
      assertArrayEquals(damagedJournal, Files.readAllBytes(journal));
      try (Stream<Path> files = Files.list(run)) {
        assertEquals(List.of(journal), files.toList(), "the dry run wrote nothing");
      }

      int before = server.requests().size();
      // A child process, so that its stderr (where the repair is logged) is all there to read.
      GuardsynthProcess child =
          GuardsynthProcess.start(
              dir.resolve("logs"),
              ENV,
              "run",
              "--config",
              config.toString(),
              "--base-url",
              server.baseUrl());
      assertEquals(0, child.waitFor(120), child.err());
      String err = child.err();
      List<String> sent =
          server.requests().subList(before, server.requests().size()).stream()
              .map(FakeOpenAiServer::journalKey)
              .toList();
      assertEquals(
          List.of(),
          sent.stream().filter(intact::contains).toList(),
          "requests an intact entry answered were sent again");
      assertEquals(PROMPTS - intact.size(), sent.size(), "each missing reply sent once");
      assertTrue(sent.contains(damagedKey) && sent.contains(editedKey), sent.toString());

      List<Path> aside;
      try (Stream<Path> files = Files.list(run)) {
        aside = files.filter(p -> p.getFileName().toString().contains(".damaged-")).toList();
      }
      assertEquals(1, aside.size(), aside.toString());
      assertEquals(
          List.of(lines.get(4), lines.get(20)),
          Files.readAllLines(aside.get(0), StandardCharsets.UTF_8),
          "the damaged lines are kept beside the journal as they were");
      assertTrue(err.contains(aside.get(0).toString()), err);
      assertTrue(err.contains("line 5, not a journal entry"), err);
      assertTrue(err.contains("line 21, an entry whose key"), err);
    }
  }

  private static void deleteTree(Path p) throws Exception {
    if (Files.isDirectory(p)) {
      try (Stream<Path> inside = Files.list(p)) {
        for (Path q : inside.toList()) {
          deleteTree(q);
        }
      }
    }
    Files.delete(p);
  }
}
