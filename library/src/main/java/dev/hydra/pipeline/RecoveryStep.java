package dev.hydra.pipeline;

import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.LabelEvent;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Outcome;
import dev.hydra.label.PipelineState;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import dev.hydra.stage.StageProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recovery of stages left queued or running past their timeout plus the grace period (timed from
 * when their label was added, in the issue's history): {@code :fail} + {@code needs-input} in one
 * compare-and-set ({@link Forge#replaceLabelsIf}) and one comment, as the builder.
 */
final class RecoveryStep {

  /** The result's stage of {@code hydra reconcile}. */
  static final String RECONCILE = "reconcile";

  private final PipelineOptions options;

  RecoveryStep(PipelineOptions options) {
    this.options = options;
  }

  /** Recovers the issue's stale stages; does nothing when none is queued or running. */
  PipelineResult reconcile(IssueRun run) throws ForgeException {
    Issue issue = run.builder().issue(run.repo(), run.number());
    PipelineState state = run.state(issue.labels());
    if (!state.busy()) {
      return run.skip(RECONCILE, "no stage of issue #" + run.number() + " is queued or running");
    }
    return busyOrStale(RECONCILE, run, issue, state);
  }

  /**
   * A stage is queued or running: skip, unless it has been so for longer than its timeout plus the
   * grace period, in which case it is recovered. A person's {@code retry} or {@code rebuild}
   * request is in progress too, but never stale; a running retry pass is timed as a build.
   *
   * @param what the result's stage
   */
  PipelineResult busyOrStale(String what, IssueRun run, Issue issue, PipelineState state)
      throws ForgeException {
    Forge builder = run.builder();
    LabelScheme scheme = run.scheme();
    Instant now = options.clock().instant();
    List<String> busy = new ArrayList<>();
    Map<String, Stage> timed = new LinkedHashMap<>();
    for (Map.Entry<Stage, StageState> e : state.stages().entrySet()) {
      if (e.getValue().finished()) {
        continue;
      }
      String label = scheme.name(e.getKey(), e.getValue());
      busy.add(label);
      // A retry's pass runs the builder's container; a queued retry or rebuild is a person's
      // request, and no container runs out of time for it.
      boolean retrying = e.getKey() == Stage.RETRY && e.getValue() == StageState.RUNNING;
      if (StageProfile.CONTAINER_STAGES.contains(e.getKey()) || retrying) {
        timed.put(label, e.getKey());
      }
    }
    // One read of the history for every label timed (both queued reviews: one read, not two).
    Map<String, LabelEvent> since =
        timed.isEmpty()
            ? Map.of()
            : builder.lastLabeled(run.repo(), issue.number(), timed.keySet());
    List<Stage> stale = new ArrayList<>();
    timed.forEach(
        (label, stage) -> {
          LabelEvent added = since.get(label);
          Stage clock = stage == Stage.RETRY ? Stage.BUILD : stage;
          if (added != null
              && now.isAfter(
                  added.at().plus(options.timeout().apply(clock)).plus(options.grace()))) {
            stale.add(stage);
          }
        });
    if (stale.isEmpty()) {
      return run.skip(what, "issue #" + issue.number() + " has a stage in progress: " + busy);
    }
    Set<String> next = new LinkedHashSet<>(issue.labels());
    for (Stage stage : stale) {
      next = run.next(next, stage, StageState.FAIL);
    }
    next = run.state(next).withOutcome(Outcome.NEEDS_INPUT);
    if (!builder.replaceLabelsIf(run.repo(), issue.number(), Set.copyOf(issue.labels()), next)) {
      return run.skip(what, "another run recovered issue #" + issue.number() + " first");
    }
    List<String> ids = stale.stream().map(Stage::id).toList();
    String why =
        "stage "
            + String.join(" and ", ids)
            + " was left running past its timeout plus "
            + options.grace().toMinutes()
            + " minutes' grace (the runner was probably killed)";
    run.findProgress(null);
    run.askAPerson("Recovered: " + why + ".", String.join("+", ids), why);
    run.log("recovered #" + issue.number() + ": " + why);
    return new PipelineResult(what, PipelineResult.Status.RECOVERED, why, null, null, List.of());
  }
}
