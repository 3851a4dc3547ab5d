package dev.hydra.pipeline;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.stage.StageResult;
import dev.hydra.verdict.Finding;
import dev.hydra.verdict.Severity;
import dev.hydra.verdict.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A scripted {@link StageExecutor}: a verdict per stage, every call recorded. */
public class FakeStageExecutor implements StageExecutor {

  public final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  private final Map<Stage, Script> scripts = new EnumMap<>(Stage.class);
  private volatile String branch = "";

  /** What a stage reports. */
  public enum Script {
    PASS,
    FAIL,
    PASS_WITH_FIXES
  }

  public FakeStageExecutor() {
    for (Stage stage :
        List.of(Stage.BUILD, Stage.CODE_REVIEW, Stage.SECURITY_REVIEW, Stage.APPLIER)) {
      scripts.put(stage, Script.PASS);
    }
  }

  public FakeStageExecutor script(Stage stage, Script script) {
    scripts.put(stage, script);
    return this;
  }

  /** The branch the builder reports; empty for hydra/<issue>-add-a-health-endpoint. */
  public FakeStageExecutor branch(String name) {
    branch = name;
    return this;
  }

  long count(Stage stage) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.stage() == stage).count();
    }
  }

  @Override
  public StageResult execute(Call call) {
    calls.add(call);
    Script script = scripts.getOrDefault(call.stage(), Script.PASS);
    boolean pass = script != Script.FAIL;
    String name =
        branch.isEmpty() ? "hydra/" + call.issue().number() + "-add-a-health-endpoint" : branch;
    List<Finding> findings =
        pass
            ? List.of()
            : List.of(
                new Finding(
                    Severity.CRITICAL, "src/App.java", 3, "CWE-89", "SQL built from input"));
    List<Finding> fixes =
        script == Script.PASS_WITH_FIXES
            ? List.of(new Finding(Severity.WARNING, "src/App.java", 5, "", "closed the stream"))
            : List.of();
    Verdict verdict =
        new Verdict(
            call.stage(),
            pass,
            call.stage().id() + (pass ? " passed" : " failed"),
            findings,
            fixes,
            List.of(),
            3,
            0.12,
            call.stage() == Stage.BUILD && pass
                ? new Verdict.BuilderResult(name, "Add a /health endpoint", "Adds GET /health.")
                : null);
    return new StageResult(
        call.stage(),
        call.persona(),
        ImageRef.parse("ghcr.io/acme/hydra-" + call.persona().id() + ":1"),
        pass ? StageResult.Status.PASSED : StageResult.Status.FAILED,
        pass ? "verdict pass" : "verdict fail",
        List.of(
            new StageResult.Attempt(
                "account-1", "hydra-test", null, new AgentOutcome.Completed(3, 0.12))),
        verdict,
        null,
        3,
        0.12,
        Duration.ofSeconds(2));
  }
}
