package dev.hydra.gate;

import dev.hydra.stage.TemporaryMounts;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A gate's private folders: {@code workspace/}, a copy of the checkout every user may write (the
 * gate's uid is the image's), links copied as links and never followed; {@code input/} with {@code
 * changed-files}, one path a line.
 */
final class GateFolders {

  static final String WORKSPACE = "workspace";
  static final String INPUT = "input";
  static final String CHANGED_FILES = "changed-files";

  private GateFolders() {}

  /** Creates the folders under a fresh private (0700) root and returns the root. */
  static Path prepare(Path checkout, List<String> changedFiles) throws IOException {
    Path root =
        Files.createTempDirectory(
            "hydra-gate-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      copy(checkout, root.resolve(WORKSPACE));
      Path input = Files.createDirectory(root.resolve(INPUT));
      Files.setPosixFilePermissions(input, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path list = Files.writeString(input.resolve(CHANGED_FILES), lines(changedFiles));
      Files.setPosixFilePermissions(list, PosixFilePermissions.fromString("rw-r--r--"));
      return root;
    } catch (IOException | RuntimeException e) {
      TemporaryMounts.delete(root);
      throw e;
    }
  }

  private static String lines(List<String> files) {
    StringBuilder out = new StringBuilder();
    for (String file : files) {
      if (file.indexOf('\n') < 0 && file.indexOf('\r') < 0) {
        out.append(file).append('\n');
      }
    }
    return out.toString();
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Path target = Files.createDirectory(to.resolve(from.relativize(dir).toString()));
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxrwxrwx"));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path target = to.resolve(from.relativize(file).toString());
            if (attrs.isSymbolicLink()) {
              Files.copy(file, target, LinkOption.NOFOLLOW_LINKS);
            } else if (attrs.isRegularFile()) {
              Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
              boolean exec = Files.isExecutable(file);
              Files.setPosixFilePermissions(
                  target, PosixFilePermissions.fromString(exec ? "rwxrwxrwx" : "rw-rw-rw-"));
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
