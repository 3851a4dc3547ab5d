package dev.hydra.pipeline;

import dev.hydra.agent.AgentOutcome;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.gate.GateResult;
import dev.hydra.gate.GateStatus;
import dev.hydra.gate.GateTable;
import dev.hydra.gateway.StageUsage;
import dev.hydra.gateway.TokenUsage;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.stage.StageResult;
import dev.hydra.verdict.Finding;
import dev.hydra.verdict.Severity;
import dev.hydra.verdict.Verdict;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** A scripted {@link StageExecutor}: a verdict per stage, every call recorded. */
public class FakeStageExecutor implements StageExecutor {

  public final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  private final Map<Stage, Script> scripts = new EnumMap<>(Stage.class);
  private final Deque<GateTable> buildGates = new ArrayDeque<>();
  private final Deque<GateTable> rechecks = new ArrayDeque<>();
  private volatile String branch = "";

  /** What a stage reports. */
  public enum Script {
    PASS,
    FAIL,
    PASS_WITH_FIXES,
    /** A pass with one INFO finding, as a reviewer notes something it does not fail on. */
    PASS_WITH_NOTE
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

  /**
   * The gates' table of each builder pass, in order: a gated build takes the next one after each
   * pass and the last one repeats; none: the build is not gated (as without a gate runner).
   */
  public FakeStageExecutor gates(GateTable... tables) {
    buildGates.addAll(List.of(tables));
    return this;
  }

  /** The tables of the rechecks on the PR's head, in order; none: the executor runs no gates. */
  public FakeStageExecutor rechecks(GateTable... tables) {
    rechecks.addAll(List.of(tables));
    return this;
  }

  /** A gate table: {@code name=PASS|FAIL}, in order. */
  public static GateTable table(String... gates) {
    List<GateResult> results = new ArrayList<>();
    for (String gate : gates) {
      String[] parts = gate.split("=", 2);
      GateStatus status = GateStatus.valueOf(parts[1]);
      results.add(
          new GateResult(
              parts[0],
              status,
              Duration.ofSeconds(1),
              status == GateStatus.FAIL ? "exit code 1" : "",
              status == GateStatus.FAIL ? "FAILED " + parts[0] + ": expected 200" : ""));
    }
    return new GateTable(results, results.size() + " gates declared in .hydra/gates.yml");
  }

  /** One red gate whose output names {@code file} at line 7, as a compiler or test runner would. */
  public static GateTable redNaming(String gate, String file) {
    return new GateTable(
        List.of(
            new GateResult(
                gate,
                GateStatus.FAIL,
                Duration.ofSeconds(1),
                "exit code 1",
                "FAILED " + file + ":7: expected 200")),
        "1 gate declared in .hydra/gates.yml");
  }

  @Override
  public synchronized Optional<GateTable> recheckGates(
      Persona persona, RepoRef repo, PullRequest pullRequest) {
    recheckedAs.add(persona);
    if (rechecks.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(rechecks.size() > 1 ? rechecks.removeFirst() : rechecks.getFirst());
  }

  /** The personas each recheck ran as. */
  public final List<Persona> recheckedAs = Collections.synchronizedList(new ArrayList<>());

  long count(Stage stage) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.stage() == stage).count();
    }
  }

  @Override
  public StageResult execute(Call call) {
    StageResult result = scripted(call);
    BuildGates policy = call.gates();
    if (policy != null) {
      policy.ran(result);
    }
    if (policy == null || !result.passed() || buildGates.isEmpty()) {
      return result;
    }
    while (true) {
      GateTable table;
      synchronized (this) {
        table = buildGates.size() > 1 ? buildGates.removeFirst() : buildGates.getFirst();
      }
      BuildGates.Next next = policy.afterGates(table);
      if (next instanceof BuildGates.Stop stop) {
        return result.rejected(stop.why());
      }
      if (!(next instanceof BuildGates.FixPass fix)) {
        return result;
      }
      result = scripted(call.withInputs(fix.inputs()));
      policy.ran(result);
    }
  }

  private StageResult scripted(Call call) {
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
    // A failing reviewer lists what it did not fix in `unfixed` as well, as the real ones do.
    List<Finding> unfixed =
        call.stage() == Stage.CODE_REVIEW || call.stage() == Stage.SECURITY_REVIEW
            ? findings
            : List.<Finding>of();
    if (script == Script.PASS_WITH_NOTE) {
      findings = List.of(new Finding(Severity.INFO, "src/App.java", 1, "", "a long method"));
    }
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
            unfixed,
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
        Duration.ofSeconds(2),
        new StageUsage(4, List.of(), USAGE, OptionalLong.empty(), Optional.empty()));
  }

  /** The tokens every scripted pass reports: input, output, cache written, cache read. */
  public static final TokenUsage USAGE = new TokenUsage(1000, 200, 50, 3000);
}
