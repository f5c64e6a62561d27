package dev.guardsynth.dedup;

import dev.guardsynth.config.ConfigException;
import dev.guardsynth.data.InputException;
import dev.guardsynth.data.Label;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;

/**
 * The persistent Lucene index of every question kept by earlier releases, so a new release is
 * deduplicated against all of them. One document per kept question: its band keys as indexed terms
 * (field {@code band}), and as doc values its id, label, order ({@code seq}), shingle set and
 * MinHash signature. The settings that shape band keys (shingle scheme, permutations, bands, hash
 * family) are stored in the commit's user data, and a mismatch is refused, since keys made
 * differently never meet.
 *
 * <p>Lookups read the snapshot that was committed when the index was opened; questions added by
 * this run go to the {@link IndexWriter} and become visible only with {@link #commit()}, which
 * Lucene makes atomic: an interrupted or failed run leaves the index exactly as it was. Documents
 * of the release being written are ignored by lookups and replaced on commit, so re-running one
 * release (say, a resumed pipeline) never finds its own questions as earlier duplicates.
 *
 * <p>{@link #matches} may run on one thread while {@link #add} runs on another.
 */
final class ReleaseIndex implements Closeable {
  /** Bump when anything that shapes stored keys or sets changes. */
  static final String FORMAT = "1";

  private static final String BAND = "band";
  private static final String RELEASE = "release";
  private static final String ID = "id";
  private static final String LABEL = "label";
  private static final String SEQ = "seq";
  private static final String SHINGLES = "shingles";
  private static final String SIGNATURE = "signature";
  private static final String NEXT_SEQ = "next_seq";

  /** A question of an earlier release whose similarity clears the threshold. */
  record Match(String id, Label label, long seq, double similarity) {}

  private final Path path;
  private final Directory directory;
  private final DirectoryReader reader; // null for a new index
  private final IndexSearcher searcher;
  private final FixedBitSet sameRelease; // documents of this release from an earlier attempt
  private final IndexWriter writer;
  private final Map<String, String> settings;
  private final String release;
  private final long earlier;
  private final long firstSeq;
  private long added;
  private boolean committed;

  private ReleaseIndex(
      Path path,
      Directory directory,
      DirectoryReader reader,
      FixedBitSet sameRelease,
      IndexWriter writer,
      Map<String, String> settings,
      String release,
      long earlier,
      long firstSeq) {
    this.path = path;
    this.directory = directory;
    this.reader = reader;
    this.searcher = reader == null ? null : new IndexSearcher(reader);
    this.sameRelease = sameRelease;
    this.writer = writer;
    this.settings = settings;
    this.release = release;
    this.earlier = earlier;
    this.firstSeq = firstSeq;
  }

  /**
   * Opens the index at {@code path}, creating it if the folder is missing or empty.
   *
   * @param settings what shapes band keys; must match an existing index's
   * @param release the name of the release being written
   * @throws InputException if the folder holds something that is not a readable index
   * @throws ConfigException if the index was built with other settings
   */
  static ReleaseIndex open(Path path, Map<String, String> settings, String release) {
    Directory directory = null;
    DirectoryReader reader = null;
    try {
      if (Files.exists(path) && !Files.isDirectory(path)) {
        throw new InputException(
            path + ": not a folder; point --index (dedup.index) at a folder for the dedup index");
      }
      Files.createDirectories(path);
      directory = FSDirectory.open(path);
      long nextSeq = 0;
      FixedBitSet sameRelease = null;
      long earlier = 0;
      if (DirectoryReader.indexExists(directory)) {
        reader = DirectoryReader.open(directory);
        Map<String, String> stored = reader.getIndexCommit().getUserData();
        checkFormat(path, stored.get("format"));
        checkSettings(path, stored, settings);
        nextSeq = Long.parseLong(stored.getOrDefault(NEXT_SEQ, "0"));
        sameRelease = documentsOf(new IndexSearcher(reader), release);
        earlier = reader.numDocs() - sameRelease.cardinality();
      } else if (hasFiles(path)) {
        throw new InputException(
            path
                + ": holds files but no Lucene index; point --index (dedup.index) at an empty or"
                + " new folder, or at an index written by guardsynth dedup");
      }
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
              // Only commit() publishes; closing without it must leave the index untouched.
              .setCommitOnClose(false)
              .setRAMBufferSizeMB(128);
      IndexWriter writer = new IndexWriter(directory, config);
      // Replaced on commit; the reader above still sees them, and lookups skip them.
      writer.deleteDocuments(new Term(RELEASE, release));
      return new ReleaseIndex(
          path, directory, reader, sameRelease, writer, settings, release, earlier, nextSeq);
    } catch (LockObtainFailedException e) {
      close(reader, directory);
      throw new InputException(
          path
              + ": the dedup index is in use by another process (write.lock is held); wait for it"
              + " to finish",
          e);
    } catch (IOException e) {
      // Corrupt files, a format from another Lucene version, no permission: all unreadable.
      close(reader, directory);
      throw new InputException(unreadable(path, e), e);
    } catch (RuntimeException e) {
      close(reader, directory);
      throw e;
    }
  }

  private static String unreadable(Path path, Exception e) {
    return path
        + ": cannot read the dedup index ("
        + e.getMessage()
        + "); restore the folder from a backup, or point --index (dedup.index) at a new folder to"
        + " start a new index";
  }

  private static void checkFormat(Path path, String format) {
    if (format == null) {
      throw new InputException(
          path
              + ": this Lucene index was not written by guardsynth dedup (no format in its commit"
              + " data); point --index (dedup.index) at a new folder");
    }
    if (!format.equals(FORMAT)) {
      throw new InputException(
          path
              + ": the dedup index has format "
              + format
              + " and this guardsynth reads format "
              + FORMAT
              + "; use the guardsynth version that wrote it, or a new index folder");
    }
  }

  private static void checkSettings(
      Path path, Map<String, String> stored, Map<String, String> wanted) {
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      String had = stored.get(e.getKey());
      if (!e.getValue().equals(had)) {
        throw new ConfigException(
            path
                + ": the dedup index was built with "
                + e.getKey()
                + " "
                + had
                + ", not "
                + e.getValue()
                + "; use the index's settings (dedup."
                + e.getKey()
                + ": "
                + had
                + ") or a new index folder");
      }
    }
  }

  private static boolean hasFiles(Path path) throws IOException {
    try (Stream<Path> files = Files.list(path)) {
      return files.anyMatch(f -> !f.getFileName().toString().equals("write.lock"));
    }
  }

  /** The documents of {@code release}, as a bit set over the reader's global doc ids. */
  private static FixedBitSet documentsOf(IndexSearcher searcher, String release)
      throws IOException {
    FixedBitSet docs = new FixedBitSet(Math.max(1, searcher.getIndexReader().maxDoc()));
    // Without an executor the searcher runs its collectors one after another, so they can share
    // the bit set.
    searcher.search(
        new TermQuery(new Term(RELEASE, release)),
        new CollectorManager<SimpleCollector, Void>() {
          @Override
          public SimpleCollector newCollector() {
            return new SimpleCollector() {
              private int base;

              @Override
              protected void doSetNextReader(LeafReaderContext context) {
                base = context.docBase;
              }

              @Override
              public void collect(int doc) {
                docs.set(base + doc);
              }

              @Override
              public ScoreMode scoreMode() {
                return ScoreMode.COMPLETE_NO_SCORES;
              }
            };
          }

          @Override
          public Void reduce(Collection<SimpleCollector> collectors) {
            return null;
          }
        });
    return docs;
  }

  /** Questions of earlier releases in the index. */
  long earlier() {
    return earlier;
  }

  /** The order number of the first question this run adds; every earlier one is lower. */
  long firstSeq() {
    return firstSeq;
  }

  /**
   * The questions of earlier releases that share a band with {@code bandKeys} and whose exact
   * Jaccard similarity with {@code shingles} is at least {@code threshold}, in index order.
   */
  List<Match> matches(long[] bandKeys, int[] shingles, double threshold) {
    if (searcher == null) {
      return List.of();
    }
    List<Match> matches = new ArrayList<>(0);
    try {
      BytesRef term = new BytesRef(new byte[Long.BYTES]);
      int[] docs = new int[16];
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        LeafReader r = leaf.reader();
        Terms terms = r.terms(BAND);
        if (terms == null) {
          continue;
        }
        TermsEnum te = terms.iterator();
        Bits live = r.getLiveDocs();
        PostingsEnum postings = null;
        int n = 0;
        for (long key : bandKeys) {
          ByteBuffer.wrap(term.bytes).putLong(0, key);
          if (!te.seekExact(term)) {
            continue;
          }
          postings = te.postings(postings, PostingsEnum.NONE);
          for (int doc = postings.nextDoc();
              doc != DocIdSetIterator.NO_MORE_DOCS;
              doc = postings.nextDoc()) {
            if ((live == null || live.get(doc)) && !sameRelease.get(leaf.docBase + doc)) {
              if (n == docs.length) {
                docs = Arrays.copyOf(docs, n * 2);
              }
              docs[n++] = doc;
            }
          }
        }
        if (n > 0) {
          verify(r, docs, n, shingles, threshold, matches);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the dedup index " + path, e);
    }
    return matches;
  }

  /** Checks candidate documents of one segment, in doc id order as doc values require. */
  private static void verify(
      LeafReader r, int[] docs, int n, int[] shingles, double threshold, List<Match> out)
      throws IOException {
    Arrays.sort(docs, 0, n);
    BinaryDocValues sets = r.getBinaryDocValues(SHINGLES);
    BinaryDocValues ids = r.getBinaryDocValues(ID);
    SortedDocValues labels = r.getSortedDocValues(LABEL);
    NumericDocValues seqs = r.getNumericDocValues(SEQ);
    int[] set = new int[64];
    for (int i = 0; i < n; i++) {
      int doc = docs[i];
      if (i > 0 && doc == docs[i - 1]) {
        continue;
      }
      if (!sets.advanceExact(doc)) {
        continue;
      }
      BytesRef bytes = sets.binaryValue();
      int size = bytes.length / Integer.BYTES;
      if (size > set.length) {
        set = new int[size];
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length);
      for (int j = 0; j < size; j++) {
        set[j] = buffer.getInt();
      }
      double similarity = Jaccard.of(set, 0, size, shingles);
      if (similarity >= threshold) {
        ids.advanceExact(doc);
        labels.advanceExact(doc);
        seqs.advanceExact(doc);
        out.add(
            new Match(
                ids.binaryValue().utf8ToString(),
                Label.parse(labels.lookupOrd(labels.ordValue()).utf8ToString()),
                seqs.longValue(),
                similarity));
      }
    }
  }

  /** Adds a question this run kept; visible to later runs once committed. */
  void add(String id, Label label, long seq, int[] shingles, int[] signature, long[] bandKeys) {
    Document doc = new Document();
    for (long key : bandKeys) {
      doc.add(new StringField(BAND, new BytesRef(longBytes(key)), Field.Store.NO));
    }
    doc.add(new StringField(RELEASE, release, Field.Store.NO));
    doc.add(new BinaryDocValuesField(ID, new BytesRef(id.getBytes(StandardCharsets.UTF_8))));
    doc.add(new SortedDocValuesField(LABEL, new BytesRef(label.json())));
    doc.add(new NumericDocValuesField(SEQ, seq));
    doc.add(new BinaryDocValuesField(SHINGLES, new BytesRef(intBytes(shingles))));
    doc.add(new BinaryDocValuesField(SIGNATURE, new BytesRef(intBytes(signature))));
    try {
      writer.addDocument(doc);
      added++;
    } catch (IOException e) {
      throw new UncheckedIOException("adding to the dedup index " + path, e);
    }
  }

  /** Publishes this run's questions atomically, replacing any earlier attempt at this release. */
  void commit(long nextSeq) {
    Map<String, String> data = new LinkedHashMap<>(settings);
    data.put("format", FORMAT);
    data.put(NEXT_SEQ, Long.toString(nextSeq));
    writer.setLiveCommitData(data.entrySet());
    try {
      // One segment: a lookup seeks each band key once per segment, so the next release reads
      // many times faster from one than from the dozen a release leaves behind. The merge is
      // part of the commit: until it is done, the index on disk is the previous release's.
      writer.forceMerge(1);
      writer.commit();
      committed = true;
    } catch (IOException e) {
      throw new UncheckedIOException("committing the dedup index " + path, e);
    }
  }

  long added() {
    return added;
  }

  /** Closes the index; without a {@link #commit}, every change of this run is dropped. */
  @Override
  public void close() {
    try {
      if (!committed) {
        writer.rollback();
      } else {
        writer.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("closing the dedup index " + path, e);
    } finally {
      close(reader, directory);
    }
  }

  private static void close(DirectoryReader reader, Directory directory) {
    try {
      if (reader != null) {
        reader.close();
      }
      if (directory != null) {
        directory.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("closing a dedup index", e);
    }
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  private static byte[] intBytes(int[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Integer.BYTES);
    for (int v : values) {
      buffer.putInt(v);
    }
    return buffer.array();
  }
}
