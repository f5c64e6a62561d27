package dev.guardsynth.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/** Stable content ids: short SHA-256 prefixes of normalized text. */
public final class Ids {
  private Ids() {}

  /**
   * The id of a question: 16 hex digits (64 bits) of SHA-256 over its normalized text, so that
   * spacing, case and Unicode width variants of one question share an id.
   */
  public static String questionId(String text) {
    return sha256Hex(normalize(text)).substring(0, 16);
  }

  /** NFKC, lower case, runs of whitespace collapsed to one space, trimmed. */
  public static String normalize(String text) {
    String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC);
    return nfkc.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
  }

  /** Full lowercase hex SHA-256 of the UTF-8 bytes of {@code text}. */
  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Lowercase hex SHA-256 of a file's bytes, read in chunks. */
  public static String sha256File(java.nio.file.Path file) {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("hashing " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
