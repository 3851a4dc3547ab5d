package dev.hydra.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.config.ForgeSelection;
import dev.hydra.credentials.CredentialNeeds;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.Stage;
import dev.hydra.pipeline.Step;
import dev.hydra.route.Decision;
import dev.hydra.route.RouteDecision;
import dev.hydra.route.Workflow;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RunPlanTest {

  static RouteDecision decision(@Nullable Workflow stage) {
    return new RouteDecision(
        stage == null ? Decision.SKIP : Decision.RUN,
        stage,
        new ForgeSelection(ForgeType.GITHUB, "--forge github"),
        RepoRef.of("octo", "hello"),
        "issues",
        7,
        null,
        "hydra",
        null,
        "mona",
        "seen",
        "reason",
        null);
  }

  @Test
  void aBuildLoadsTheBuilderAloneAndStartsTheBuild() {
    RunPlan plan = RunPlan.of(decision(Workflow.BUILD), Step.ALL);
    assertThat(plan.stages()).containsExactly(Stage.BUILD);
    assertThat(plan.needs()).isEqualTo(CredentialNeeds.of(Persona.BUILDER));
  }

  @Test
  void eachReviewJobHoldsOnlyItsOwnPersona() {
    RouteDecision review = decision(Workflow.REVIEW);
    // A review job may hold the builder's token too, only to push its reviewer's fixes (git).
    assertThat(RunPlan.of(review, Step.CODE_REVIEW).needs())
        .isEqualTo(CredentialNeeds.of(Persona.REVIEWER).withOptional(Persona.BUILDER));
    assertThat(RunPlan.of(review, Step.CODE_REVIEW).pushOnly()).containsExactly(Persona.BUILDER);
    assertThat(RunPlan.of(review, Step.SECURITY_REVIEW).stages())
        .containsExactly(Stage.SECURITY_REVIEW);
    assertThat(RunPlan.of(review, Step.SECURITY_REVIEW).needs())
        .isEqualTo(CredentialNeeds.of(Persona.SECURITY).withOptional(Persona.BUILDER));
    assertThat(RunPlan.of(review, Step.SECURITY_REVIEW).needs().needs(Persona.BUILDER))
        .as("optional: a job without it still runs")
        .isFalse();
    assertThat(RunPlan.of(review, Step.DECISION).pushOnly()).isEmpty();
    assertThat(RunPlan.of(review, Step.DECISION).needs())
        .isEqualTo(CredentialNeeds.of(Persona.BUILDER, Persona.APPLIER));
    assertThat(RunPlan.of(review, Step.DECISION).stages()).containsExactly(Stage.APPLIER);
    assertThat(RunPlan.of(review, Step.ALL).needs()).isEqualTo(CredentialNeeds.all());
    assertThat(RunPlan.of(review, Step.ALL).stages())
        .containsExactly(Stage.CODE_REVIEW, Stage.SECURITY_REVIEW, Stage.APPLIER);
  }

  @Test
  void theImageStageStartsNoContainer() {
    assertThat(RunPlan.of(decision(Workflow.IMAGE), Step.ALL).stages()).isEmpty();
  }

  @Test
  void aReviewStepOnABuildEventIsRefused() {
    assertThat(RunPlan.misfit(decision(Workflow.BUILD), Step.DECISION))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .startsWith("--stage/HYDRA_STAGE decision is for the review workflow")
                    .endsWith("leave it empty in the build workflow"));
    assertThat(RunPlan.misfit(decision(Workflow.BUILD), Step.ALL)).isEmpty();
    assertThat(RunPlan.misfit(decision(Workflow.REVIEW), Step.DECISION)).isEmpty();
    assertThat(RunPlan.misfit(decision(null), Step.CODE_REVIEW)).isEmpty();
  }
}
