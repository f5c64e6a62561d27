package dev.guardsynth.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Says why a file operation failed. The JDK's file exceptions often carry only the path as their
 * message ({@code AccessDeniedException: /x/y}), which read as "creating /x/y: /x/y"; the reason
 * (permission denied, read-only file system, no space left on device) is in the exception's type or
 * in {@link FileSystemException#getReason()}. Thread-safe.
 */
public final class FileErrors {
  private FileErrors() {}

  /** The reason {@code e} happened, in lower case, such as {@code permission denied}. */
  public static String reason(IOException e) {
    String reason =
        switch (e) {
          case AccessDeniedException a ->
              a.getReason() != null ? a.getReason() : "permission denied";
          case NoSuchFileException n -> "no such file or folder";
          case FileAlreadyExistsException f -> "it already exists";
          case NotDirectoryException n -> "not a folder";
          case DirectoryNotEmptyException d -> "the folder is not empty";
          case FileSystemException f -> f.getReason();
          default -> e.getMessage();
        };
    if (reason == null || reason.isBlank()) {
      reason = e.getClass().getSimpleName();
    }
    return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
  }

  /**
   * {@code what} (such as "creating /x/y") followed by the reason, and the file the system named
   * when {@code what} does not already name it.
   */
  public static String describe(String what, IOException e) {
    String file = e instanceof FileSystemException f ? f.getFile() : null;
    String other = e instanceof FileSystemException f ? f.getOtherFile() : null;
    StringBuilder s = new StringBuilder(what).append(": ").append(reason(e));
    if (file != null && !what.contains(file)) {
      s.append(" (").append(file).append(other != null ? " -> " + other : "").append(')');
    }
    return s.toString();
  }
}
