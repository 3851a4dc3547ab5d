package dev.hydra.pipeline;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.local.LocalForge;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.route.HydraBranch;
import dev.hydra.stage.StageResult;
import dev.hydra.verdict.Finding;
import dev.hydra.verdict.Severity;
import dev.hydra.verdict.Verdict;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The demo's stand-in for the persona containers when Docker is not available: each stage reports a
 * scripted, valid verdict (the builder pushes its branch to the local forge, as {@code git push}
 * would), and the plan of the container that would have run is printed. Deterministic.
 */
public final class DemoStageExecutor implements StageExecutor {

  private final LocalForge builder;
  private final String title;
  private final Consumer<String> plan;

  /**
   * @param builder the local forge as the builder, to record the push
   * @param title the issue's title, for the branch slug
   * @param plan receives what a real run would do, one line at a time
   */
  public DemoStageExecutor(LocalForge builder, String title, Consumer<String> plan) {
    this.builder = builder;
    this.title = title;
    this.plan = plan;
  }

  @Override
  public StageResult execute(Call call) {
    String branch = HydraBranch.forIssue(call.issue(), title).name();
    ImageRef image = ImageRef.forRole("ghcr.io/hydra/demo", call.persona().id(), "latest");
    plan.accept(
        "would run "
            + image
            + " as "
            + call.persona().id()
            + " (HYDRA_MODE="
            + call.mode()
            + ", GIT_TOKEN=*** and CLAUDE_CODE_OAUTH_TOKEN=*** from an env-file, read-only root,"
            + " no capabilities but NET_ADMIN/SETUID/SETGID/SETPCAP, no-new-privileges, limits of"
            + " StageProfile)");
    if (call.stage() == Stage.BUILD) {
      try {
        builder.pushBranch(call.repo(), branch, "d".repeat(40));
      } catch (ForgeException e) {
        throw new UncheckedIOException(new java.io.IOException(e.getMessage(), e));
      }
    }
    List<Finding> findings =
        call.stage() == Stage.SECURITY_REVIEW
            ? List.of(
                new Finding(
                    Severity.INFO, "", 0, "", "GET /health exposes no data and needs no auth"))
            : List.of();
    Verdict verdict =
        new Verdict(
            call.stage(),
            true,
            "scripted demo verdict for " + call.stage().id(),
            findings,
            List.of(),
            List.of(),
            1,
            0.0,
            call.stage() == Stage.BUILD
                ? new Verdict.BuilderResult(
                    branch, title, "Adds `GET /health` answering `{\"status\":\"ok\"}`.")
                : null);
    return new StageResult(
        call.stage(),
        call.persona(),
        image,
        StageResult.Status.PASSED,
        "scripted demo verdict: pass",
        List.of(
            new StageResult.Attempt("demo", "hydra-demo", null, new AgentOutcome.Completed(1, 0))),
        verdict,
        null,
        1,
        0.0,
        Duration.ZERO);
  }
}
