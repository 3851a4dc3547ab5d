package dev.hydra.workspace;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The file work of a workspace: its private root, the agent's permissions, the clean-up. */
final class WorkspaceFiles {

  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> EVERYONE_READS =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> EVERYONE_WRITES =
      PosixFilePermissions.fromString("rwxrwxrwx");
  private static final Set<PosixFilePermission> EVERYONE_WRITES_FILE =
      PosixFilePermissions.fromString("rw-rw-rw-");

  private WorkspaceFiles() {}

  /** Creates the root, or takes an existing empty folder, and makes it the owner's only. */
  static void createPrivateRoot(Path root) throws IOException {
    if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(root + " exists and is not a directory");
      }
      try (var entries = Files.list(root)) {
        if (entries.findAny().isPresent()) {
          throw new IOException(root + " is not empty; give each stage a fresh folder");
        }
      }
    } else {
      Files.createDirectories(root.toAbsolutePath().getParent());
      Files.createDirectory(root);
    }
    Files.setPosixFilePermissions(root, OWNER_ONLY);
  }

  /**
   * Makes everything below a folder writable for every user (the agent runs as another uid); links
   * are skipped, never followed, so a link in the checkout cannot lend its target the rights.
   */
  static void openToTheAgent(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes)
              throws IOException {
            if (!d.equals(dir)) {
              Files.setPosixFilePermissions(d, EVERYONE_WRITES);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (attributes.isRegularFile()) {
              boolean executable = Files.isExecutable(file);
              Files.setPosixFilePermissions(
                  file, executable ? EVERYONE_WRITES : EVERYONE_WRITES_FILE);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Deletes a tree, read-only files and folders included, without following links.
   *
   * @return the first failure, or {@code null} when everything is gone
   */
  static @Nullable IOException deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    IOException[] first = {null};
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes) {
              try {
                Files.setPosixFilePermissions(d, OWNER_ONLY);
              } catch (IOException e) {
                remember(e);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
              delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e) {
              delete(d);
              return FileVisitResult.CONTINUE;
            }

            private void delete(Path path) {
              try {
                Files.deleteIfExists(path);
              } catch (IOException e) {
                remember(e);
              }
            }

            private void remember(IOException e) {
              if (first[0] == null) {
                first[0] = e;
              }
            }
          });
    } catch (IOException e) {
      return e;
    }
    return first[0];
  }
}
