package dev.hydra.demo;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.gate.GateResult;
import dev.hydra.gate.GateStatus;
import dev.hydra.gate.GateTable;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.pipeline.BuildGates;
import dev.hydra.pipeline.RunnerStageExecutor;
import dev.hydra.pipeline.StageExecutor;
import dev.hydra.pipeline.StageExecutor.Mode;
import dev.hydra.route.HydraBranch;
import dev.hydra.stage.StagePlan;
import dev.hydra.stage.StageResult;
import dev.hydra.verdict.Finding;
import dev.hydra.verdict.Severity;
import dev.hydra.verdict.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The demo's stand-in for the persona containers when they cannot run (no Docker, no base image, no
 * {@code images/}) or were switched off: each stage reports a scripted, valid verdict steered by a
 * {@link DemoOutcome}, and the container that would have run is printed first — the runtime's own
 * command for it, from the same {@link StagePlan} code the real run uses, every secret as {@code
 * ***}. Deterministic. It records no push: wrap it in {@link LocalForgeStageExecutor}, as the real
 * executor is.
 */
public final class DemoStageExecutor implements StageExecutor {

  private final String title;
  private final DemoOutcome outcome;
  private final Function<Call, StagePlan> planner;
  private final Consumer<String> plan;
  private final AtomicBoolean retried = new AtomicBoolean();

  /**
   * @param title the issue's title, for the branch slug
   * @param outcome how the stages end
   * @param planner the container a real run would start for a call ({@link
   *     RunnerStageExecutor#plan})
   * @param plan receives the plan, one line at a time
   */
  public DemoStageExecutor(
      String title, DemoOutcome outcome, Function<Call, StagePlan> planner, Consumer<String> plan) {
    this.title = title;
    this.outcome = outcome;
    this.planner = planner;
    this.plan = plan;
  }

  @Override
  public StageResult execute(Call call) {
    StageResult result = scripted(call);
    BuildGates gates = call.gates();
    if (!outcome.declaresGates() || gates == null || !result.passed()) {
      return result;
    }
    // The scripted gate: red on the build's commits, green on the fix pass's.
    for (GateTable table : List.of(gate(false), gate(true))) {
      BuildGates.Next next = gates.afterGates(table);
      if (next instanceof BuildGates.Stop stop) {
        return result.rejected(stop.why());
      }
      if (!(next instanceof BuildGates.FixPass fix)) {
        return result;
      }
      result = scripted(call.withInputs(fix.inputs()));
    }
    return result;
  }

  /** The scripted recheck: green on the final head for {@code --outcome gate-fail}, else none. */
  @Override
  public Optional<GateTable> recheckGates(Persona persona, RepoRef repo, PullRequest pullRequest) {
    return outcome.declaresGates() ? Optional.of(gate(true)) : Optional.empty();
  }

  /**
   * The demo repository's one gate ({@link DemoRepository#GATES}) as the scripted run shows it: red
   * before the fix pass, green after.
   */
  static GateTable gate(boolean green) {
    return new GateTable(
        List.of(
            new GateResult(
                DemoRepository.GATE,
                green ? GateStatus.PASS : GateStatus.FAIL,
                Duration.ofMillis(green ? 400 : 300),
                green ? "" : "exit code 1",
                green
                    ? "every demo change carries its test line"
                    : "hydra-demo-1.md has no test line ('" + DemoRepository.TEST_LINE + "')")),
        "1 gate declared in .hydra/gates.yml (scripted demo)");
  }

  private StageResult scripted(Call call) {
    StagePlan would = planner.apply(call);
    plan.accept("would run (" + call.stage().id() + " as " + call.persona().id() + "):");
    plan.accept("  " + would.commandLine());
    plan.accept(
        "  env-file (0600, deleted after the run; no secret in it): "
            + String.join(" ", would.environmentLines()));
    if (call.mode() == Mode.FIX) {
      retried.set(true);
    }
    // A failing review passes once a retry's fix is in, as the demo images' reviewer does.
    boolean passed = outcome.passes(call.stage()) || retried.get();
    Verdict verdict = verdict(call, passed);
    ImageRef image = would.image();
    return new StageResult(
        call.stage(),
        call.persona(),
        image,
        passed ? StageResult.Status.PASSED : StageResult.Status.FAILED,
        (passed ? "the verdict is pass: " : "the verdict is fail: ") + verdict.summary(),
        List.of(
            new StageResult.Attempt(
                DemoCredentials.CLAUDE_ACCOUNT,
                "scripted",
                null,
                new AgentOutcome.Completed(verdict.turns(), 0))),
        verdict,
        null,
        verdict.turns(),
        0.0,
        Duration.ZERO);
  }

  private Verdict verdict(Call call, boolean passed) {
    Stage stage = call.stage();
    String summary = "scripted demo verdict for " + stage.id();
    List<Finding> findings = List.of();
    List<Finding> fixes = List.of();
    List<Finding> unfixed = List.of();
    Verdict.BuilderResult built = null;
    switch (stage) {
      case BUILD -> {
        if (call.mode() == Mode.FIX) {
          summary += ": the retry's one fixer pass, on " + file(call) + " only";
        } else {
          built =
              new Verdict.BuilderResult(
                  HydraBranch.forIssue(call.issue().number(), title).name(),
                  title,
                  "Adds `GET /health` answering `{\"status\":\"ok\"}` (scripted demo).");
        }
      }
      case CODE_REVIEW -> {
        if (outcome.fixes(stage)) {
          summary += ", with one bounded fix applied";
          fixes =
              List.of(
                  new Finding(
                      Severity.WARNING,
                      file(call),
                      3,
                      "naming/consistency",
                      "A name did not follow the project's convention; fixed in the PR branch."));
        }
      }
      case SECURITY_REVIEW -> {
        if (passed) {
          findings =
              List.of(
                  new Finding(
                      Severity.INFO, "", 0, "", "GET /health exposes no data and needs no auth"));
        } else {
          summary += ": one CRITICAL finding left unfixed";
          Finding critical =
              new Finding(
                  Severity.CRITICAL,
                  file(call),
                  7,
                  "CWE-89",
                  "A query is built by string concatenation from request input (demo).");
          findings = List.of(critical);
          unfixed = List.of(critical);
        }
      }
      default -> {}
    }
    return new Verdict(stage, passed, summary, findings, fixes, unfixed, 1, 0.0, built);
  }

  /** The file the demo builder adds for the issue, which the reviewers' findings name. */
  private static String file(Call call) {
    return "hydra-demo-" + call.issue().number() + ".md";
  }
}
