package dev.hydra.pipeline;

import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import java.util.function.Consumer;

/**
 * What every step of one {@link Pipeline} uses, whatever the issue: the persona forges, the stage
 * executor, the options, the run-record sink and the log.
 *
 * @param forges each persona's forge and account
 * @param executor runs the stage containers
 * @param options the label scheme, timeouts, trusted labellers
 * @param records where run records go besides the progress comment
 * @param log receives one line per decision and side effect
 */
record PipelineContext(
    PersonaForges forges,
    StageExecutor executor,
    PipelineOptions options,
    RunRecordSink records,
    Consumer<String> log) {

  LabelScheme scheme() {
    return options.labels();
  }

  /** A run on one issue (or pull request) of {@code repo}. */
  IssueRun issue(RepoRef repo, int number) {
    return new IssueRun(this, repo, number);
  }

  void log(String line) {
    log.accept(line);
  }

  /** Nothing done, and the log says why. */
  PipelineResult skip(String stage, String reason) {
    log("skip " + stage + ": " + reason);
    return PipelineResult.skipped(stage, reason);
  }
}
