package dev.hydra.wiring;

import dev.hydra.credentials.CredentialNeeds;
import dev.hydra.credentials.Persona;
import dev.hydra.label.Stage;
import dev.hydra.pipeline.Step;
import dev.hydra.route.RouteDecision;
import dev.hydra.route.Workflow;
import dev.hydra.stage.StageProfile;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one step of a routed run may do, decided before anything is loaded or claimed: the stages
 * whose containers it may start and the personas whose tokens it holds. Pure.
 *
 * @param stages the stages whose containers the step may start
 * @param needs the personas whose tokens the step loads (each job holds only its own; a review job
 *     may hold the builder's for pushing fixes, {@link #pushOnly})
 */
public record RunPlan(List<Stage> stages, CredentialNeeds needs) {

  /** Copies the list. */
  public RunPlan {
    stages = List.copyOf(stages);
  }

  /**
   * The personas whose tokens the step holds only to push a stage's commits with (git): no forge is
   * opened with them, so they make no API request, and each is checked for admin rights right
   * before its first push.
   */
  public Set<Persona> pushOnly() {
    return needs.optional();
  }

  /** The plan of a step for a decision that runs. */
  public static RunPlan of(RouteDecision decision, Step step) {
    return new RunPlan(stages(decision, step), needs(decision, step));
  }

  /**
   * Why the step does not fit the event, empty when it does: a review-workflow step for an event
   * that starts a build.
   */
  public static Optional<String> misfit(RouteDecision decision, Step step) {
    return decision.runningWorkflow().flatMap(step::misfit);
  }

  /** The personas a step acts as: each job holds only its own tokens. */
  static CredentialNeeds needs(RouteDecision decision, Step step) {
    if (decision.runningWorkflow().orElse(null) == Workflow.BUILD) {
      return CredentialNeeds.of(StageProfile.personaOf(Stage.BUILD));
    }
    return switch (step) {
      case ALL -> CredentialNeeds.all();
      // The builder's token, when the job is given it, pushes the reviewer's fixes and nothing
      // else: no forge is opened with it (RunWiring).
      case CODE_REVIEW ->
          CredentialNeeds.of(StageProfile.personaOf(Stage.CODE_REVIEW))
              .withOptional(Persona.BUILDER);
      case SECURITY_REVIEW ->
          CredentialNeeds.of(StageProfile.personaOf(Stage.SECURITY_REVIEW))
              .withOptional(Persona.BUILDER);
      // The builder owns the issue and its comments; the applier pushes the fixes.
      case DECISION -> CredentialNeeds.of(Persona.BUILDER, StageProfile.personaOf(Stage.APPLIER));
    };
  }

  /** The stages whose containers a step may start. */
  static List<Stage> stages(RouteDecision decision, Step step) {
    Workflow workflow = decision.runningWorkflow().orElse(null);
    if (workflow == null || workflow == Workflow.IMAGE) {
      return List.of();
    }
    if (workflow == Workflow.BUILD) {
      return List.of(Stage.BUILD);
    }
    return switch (step) {
      case ALL -> List.of(Stage.CODE_REVIEW, Stage.SECURITY_REVIEW, Stage.APPLIER);
      case CODE_REVIEW -> List.of(Stage.CODE_REVIEW);
      case SECURITY_REVIEW -> List.of(Stage.SECURITY_REVIEW);
      case DECISION -> List.of(Stage.APPLIER); // when a reviewer pushed fixes
    };
  }
}
