package dev.hydra.container;

import java.nio.file.Path;

/**
 * A host directory mounted into the container: the stage's workspace (read-write) and its input
 * folder (read-only).
 *
 * @param source the host directory
 * @param target the path inside the container
 * @param readOnly whether the container may write to it
 */
public record Mount(Path source, String target, boolean readOnly) {
  public Mount {
    if (!target.startsWith("/") || target.contains(",") || target.contains(":")) {
      throw new IllegalArgumentException("mount target must be an absolute path without , or :");
    }
    if (source.toString().contains(",") || source.toString().contains(":")) {
      throw new IllegalArgumentException("mount source must not contain , or :");
    }
  }
}
