package dev.hydra.stage;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empty workspace and input folders for a stage whose caller has nothing to mount yet ({@code hydra
 * stage-run}, and the pipeline until the workspace is wired): a fresh {@code hydra-stage-*} folder
 * readable by the runner only ({@code rwx------}) holding {@code workspace/} and {@code input/},
 * both world-writable, since the agent runs as another user (uid 10001). {@link #close} deletes
 * everything, whatever the container left there.
 */
public final class TemporaryMounts implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TemporaryMounts.class);

  private final Path root;
  private final StageMounts mounts;

  private TemporaryMounts(Path root, StageMounts mounts) {
    this.root = root;
    this.mounts = mounts;
  }

  /**
   * Creates the folders under the system's temporary directory.
   *
   * @param env the variables of the mounts ({@link StageMounts#NAMES})
   * @throws IOException when they cannot be created
   */
  public static TemporaryMounts create(Map<String, String> env) throws IOException {
    Path root =
        Files.createTempDirectory(
            "hydra-stage-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Path workspace = worldWritable(root.resolve("workspace"));
      Path input = worldWritable(root.resolve("input"));
      return new TemporaryMounts(root, new StageMounts(workspace, input, env));
    } catch (IOException | RuntimeException e) {
      delete(root);
      throw e;
    }
  }

  /** The mounts, for {@link StageRunner#run(StageRequest, StageMounts)}. */
  public StageMounts mounts() {
    return mounts;
  }

  /** Deletes the folders and everything in them; never throws. */
  @Override
  public void close() {
    delete(root);
  }

  private static Path worldWritable(Path dir) throws IOException {
    Files.createDirectory(dir);
    // Set after creation: the umask would take the bits back from a creation attribute.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    return dir;
  }

  /**
   * Deletes a stage's folder and everything in it, following no link; what cannot be deleted (a
   * file the agent's uid owns, for a runner that is not root) is logged, never thrown.
   */
  public static void delete(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("could not delete the stage folder {}: {}", root, e.toString());
    }
  }
}
