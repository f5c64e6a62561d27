package dev.guardsynth.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.config.DedupConfig;
import dev.guardsynth.data.Candidate;
import dev.guardsynth.data.Duplicate;
import dev.guardsynth.data.InputException;
import dev.guardsynth.dedup.DeduplicatorTest.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #4: deduplicating release after release against a persistent Lucene index. */
class ReleaseIndexTest {
  private static List<Candidate> all;
  private static List<Candidate> first;
  private static List<Candidate> second;

  @TempDir Path dir;

  @BeforeAll
  static void corpus() {
    all = DeduplicatorTest.corpus(4000, 23);
    first = all.subList(0, 2000);
    second = all.subList(2000, all.size());
  }

  private DedupConfig config(Path index) {
    return new DedupConfig(null, null, null, null, index.toString());
  }

  private static Output release(DedupConfig config, String release, List<Candidate> batch)
      throws InterruptedException {
    Output out = new Output(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    try (Deduplicator deduplicator = Deduplicator.open(config, release)) {
      deduplicator.run(
          batch.iterator(), out.unique()::add, out.duplicates()::add, out.cross()::add);
      deduplicator.commit();
    }
    return out;
  }

  private static int documents(Path index) throws IOException {
    try (FSDirectory directory = FSDirectory.open(index);
        DirectoryReader reader = DirectoryReader.open(directory)) {
      return reader.numDocs();
    }
  }

  @Test
  void twoReleasesKeepWhatOneRunOverBothKeeps() throws Exception {
    Output once = DeduplicatorTest.run(new DedupConfig(null, null, null, null, null), all);
    Path index = dir.resolve("index");
    Output r1 = release(config(index), "r1", first);
    Output r2 = release(config(index), "r2", second);

    List<String> kept = new ArrayList<>(r1.uniqueIds());
    kept.addAll(r2.uniqueIds());
    assertEquals(once.uniqueIds(), kept);
    List<Duplicate> duplicates = new ArrayList<>(r1.duplicates());
    duplicates.addAll(r2.duplicates());
    assertEquals(once.duplicates(), duplicates);
    assertEquals(once.cross().size(), r1.cross().size() + r2.cross().size());
    assertEquals(once.unique().size(), documents(index));
    // Some of the second release's duplicates point back into the first release.
    List<String> firstIds = first.stream().map(Candidate::id).toList();
    assertTrue(r2.duplicates().stream().anyMatch(d -> firstIds.contains(d.duplicateOf())));
  }

  @Test
  void rerunningAReleaseReplacesItInsteadOfMatchingIt() throws Exception {
    Path index = dir.resolve("index");
    Output r1 = release(config(index), "r1", first);
    Output again = release(config(index), "r1", first);
    assertEquals(r1.json(), again.json());
    assertEquals(r1.unique().size(), documents(index));
  }

  @Test
  void aRunThatIsNotCommittedLeavesTheIndexAsItWas() throws Exception {
    Path index = dir.resolve("index");
    release(config(index), "r1", first);
    int before = documents(index);
    try (Deduplicator deduplicator = Deduplicator.open(config(index), "r2")) {
      deduplicator.run(second.iterator(), c -> {}, d -> {}, p -> {});
      // No commit: as if the process was stopped before the end.
    }
    assertEquals(before, documents(index));
    Output r2 = release(config(index), "r2", second);
    assertTrue(r2.unique().size() > 0);
  }

  @Test
  void aFailingRunLeavesTheIndexAsItWas() throws Exception {
    Path index = dir.resolve("index");
    release(config(index), "r1", first);
    int before = documents(index);
    try (Deduplicator deduplicator = Deduplicator.open(config(index), "r2")) {
      assertThrows(
          IllegalStateException.class,
          () ->
              deduplicator.run(
                  second.iterator(),
                  c -> {
                    throw new IllegalStateException("disk full");
                  },
                  d -> {},
                  p -> {}));
    }
    assertEquals(before, documents(index));
  }

  @Test
  void anIndexBuiltWithOtherSettingsIsRefused() throws Exception {
    Path index = dir.resolve("index");
    release(config(index), "r1", first.subList(0, 10));
    DedupConfig other = new DedupConfig(null, 128, 16, null, index.toString());
    ConfigException e =
        assertThrows(ConfigException.class, () -> Deduplicator.open(other, "r2").close());
    assertTrue(e.getMessage().contains("built with num_perm 256, not 128"), e.getMessage());
  }

  @Test
  void aFolderOfOtherFilesIsRefused() throws Exception {
    Path index = Files.createDirectories(dir.resolve("notes"));
    Files.writeString(index.resolve("todo.txt"), "not an index");
    InputException e =
        assertThrows(InputException.class, () -> Deduplicator.open(config(index), "r1").close());
    assertTrue(e.getMessage().startsWith(index + ": holds files but no Lucene index"));
  }

  @Test
  void aCorruptIndexIsRefused() throws Exception {
    Path index = dir.resolve("index");
    release(config(index), "r1", first.subList(0, 10));
    try (Stream<Path> files = Files.list(index)) {
      for (Path f :
          files.filter(f -> f.getFileName().toString().startsWith("segments_")).toList()) {
        Files.writeString(f, "garbage");
      }
    }
    InputException e =
        assertThrows(InputException.class, () -> Deduplicator.open(config(index), "r2").close());
    assertTrue(e.getMessage().startsWith(index + ": cannot read the dedup index"), e.getMessage());
  }
}
