package dev.hydra.pipeline;

import dev.hydra.forge.RepoRef;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where each stage's {@link RunRecord} goes besides the progress comment: JSON files for the
 * workflow's artefact ({@link #files}), or nowhere ({@link #none}). The caller of {@link Pipeline}
 * passes it in, so the pipeline itself opens no file.
 */
@FunctionalInterface
public interface RunRecordSink {

  /**
   * Keeps the record of one stage run.
   *
   * @throws java.io.UncheckedIOException when it cannot be written
   */
  void write(RepoRef repo, int issue, RunRecord record);

  /** Keeps nothing. */
  static RunRecordSink none() {
    return (repo, issue, record) -> {};
  }

  /** One pretty-printed JSON file per issue and stage in {@code dir}: {@code run-7-build.json}. */
  static RunRecordSink files(Path dir) {
    return new RunRecordFiles(dir);
  }

  /** {@link #files} in {@code dir}, or {@link #none} when it is null. */
  static RunRecordSink of(@Nullable Path dir) {
    return dir == null ? none() : files(dir);
  }
}
