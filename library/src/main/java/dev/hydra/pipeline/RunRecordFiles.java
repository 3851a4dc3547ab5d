package dev.hydra.pipeline;

import dev.hydra.forge.RepoRef;
import dev.hydra.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Run records as files: {@code run-<issue>-<stage>.json} in one directory, written to a temporary
 * file and renamed over the last one atomically.
 */
final class RunRecordFiles implements RunRecordSink {

  private final Path dir;

  RunRecordFiles(Path dir) {
    this.dir = dir;
  }

  @Override
  public void write(RepoRef repo, int issue, RunRecord record) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("run-" + issue + "-" + record.stage() + ".json");
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      Files.writeString(
          tmp,
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(record) + "\n",
          StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run record of " + repo + "#" + issue, e);
    }
  }
}
