package dev.hydra.route;

import dev.hydra.config.ForgeSelection;
import dev.hydra.forge.RepoRef;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What Hydra decided for one event, and why: the contract behind {@code hydra route} and {@code
 * hydra explain}.
 *
 * @param decision run or skip
 * @param workflow the workflow that runs ({@code stage} in the JSON contract), null when skipped
 * @param forge the forge and how it was chosen
 * @param repository the repository of the event
 * @param event the event as {@code name.action}, with the payload's own action word
 * @param issue the issue the stage works on, when there is one
 * @param pullRequest the pull request, for review events
 * @param triggerLabel the resolved trigger label name
 * @param label the label the event added or removed, when the payload says
 * @param sender the login that caused the event, empty when unknown
 * @param seen what Hydra saw, in one sentence
 * @param reason why it decided so, in one sentence a person understands
 * @param fix what to change to make it run, when it was skipped for a reason a person can change
 */
public record RouteDecision(
    Decision decision,
    @Nullable Workflow workflow,
    ForgeSelection forge,
    RepoRef repository,
    String event,
    @Nullable Integer issue,
    @Nullable Integer pullRequest,
    String triggerLabel,
    @Nullable String label,
    String sender,
    String seen,
    String reason,
    @Nullable String fix) {

  public RouteDecision {
    if ((decision == Decision.RUN) != (workflow != null)) {
      throw new IllegalArgumentException("a workflow is named exactly when the decision is run");
    }
  }

  /** Whether a stage runs. */
  public boolean runs() {
    return decision == Decision.RUN;
  }

  /** The workflow that runs. */
  public Optional<Workflow> runningWorkflow() {
    return Optional.ofNullable(workflow);
  }

  /** The fix for a skip, when a person can change something. */
  public Optional<String> suggestedFix() {
    return Optional.ofNullable(fix);
  }
}
