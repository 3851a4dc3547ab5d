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
import dev.hydra.route.PipelineStage;
import dev.hydra.route.RouteDecision;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RunPlanTest {

  static RouteDecision decision(@Nullable PipelineStage stage) {
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
    RunPlan plan = RunPlan.of(decision(PipelineStage.BUILD), Step.ALL);
    assertThat(plan.stages()).containsExactly(Stage.BUILD);
    assertThat(plan.needs()).isEqualTo(CredentialNeeds.of(Persona.BUILDER));
  }

  @Test
  void eachReviewJobHoldsOnlyItsOwnPersona() {
    RouteDecision review = decision(PipelineStage.REVIEW);
    assertThat(RunPlan.of(review, Step.CODE_REVIEW).needs())
        .isEqualTo(CredentialNeeds.of(Persona.REVIEWER));
    assertThat(RunPlan.of(review, Step.SECURITY_REVIEW).stages())
        .containsExactly(Stage.SECURITY_REVIEW);
    assertThat(RunPlan.of(review, Step.SECURITY_REVIEW).needs())
        .isEqualTo(CredentialNeeds.of(Persona.SECURITY));
    assertThat(RunPlan.of(review, Step.DECISION).needs())
        .isEqualTo(CredentialNeeds.of(Persona.BUILDER, Persona.APPLIER));
    assertThat(RunPlan.of(review, Step.DECISION).stages()).containsExactly(Stage.APPLIER);
    assertThat(RunPlan.of(review, Step.ALL).needs()).isEqualTo(CredentialNeeds.all());
    assertThat(RunPlan.of(review, Step.ALL).stages())
        .containsExactly(Stage.CODE_REVIEW, Stage.SECURITY_REVIEW, Stage.APPLIER);
  }

  @Test
  void theImageStageStartsNoContainer() {
    assertThat(RunPlan.of(decision(PipelineStage.IMAGE), Step.ALL).stages()).isEmpty();
  }

  @Test
  void aReviewStepOnABuildEventIsRefused() {
    assertThat(RunPlan.misfit(decision(PipelineStage.BUILD), Step.DECISION))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .startsWith("--stage/HYDRA_STAGE decision is for the review workflow")
                    .endsWith("leave it empty in the build workflow"));
    assertThat(RunPlan.misfit(decision(PipelineStage.BUILD), Step.ALL)).isEmpty();
    assertThat(RunPlan.misfit(decision(PipelineStage.REVIEW), Step.DECISION)).isEmpty();
    assertThat(RunPlan.misfit(decision(null), Step.CODE_REVIEW)).isEmpty();
  }
}
