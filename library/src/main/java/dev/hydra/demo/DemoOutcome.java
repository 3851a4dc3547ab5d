package dev.hydra.demo;

import dev.hydra.label.Stage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How {@code hydra demo} steers its stages, so that a newcomer can watch each end of SPEC §4: the
 * same choice drives the scripted verdicts of {@link DemoStageExecutor} and, through {@link
 * #containerEnv}, the {@code DEMO_*} variables of the demo persona images' scripted agent.
 */
public enum DemoOutcome {

  /** Every stage passes, no reviewer fixes anything: build → both reviews → {@code done}. */
  PASS("every stage passes: build, both reviews, done"),

  /**
   * The security review fails with a CRITICAL finding it may not fix (CWE-89): {@code needs-input},
   * a person decides.
   */
  REVIEW_FAIL("the security review fails with a CRITICAL finding: needs-input"),

  /**
   * The code reviewer applies one bounded fix, so the applier gives the final go: build → both
   * reviews → applier → {@code done}.
   */
  FIXES("the code reviewer applies a fix, so the applier runs: done"),

  /**
   * The demo repository declares a gate ({@code .hydra/gates.yml}, {@link DemoRepository}); it is
   * red on the builder's first commits, the builder's focused fix pass turns it green, the reviews
   * pass, the recheck on the final head is green: {@code done} (issue 13).
   */
  GATE_FAIL("a gate is red on the builder's commits, its fix pass turns it green: done"),

  /**
   * The security review fails ({@code needs-input}); the admin removes {@code needs-input} and
   * applies {@code retry:queued}; the builder's one fixer pass fixes the finding's file, both
   * reviews run again (round 2) and pass: {@code done} (issue 13).
   */
  RETRY(
      "the security review fails, the admin applies retry:queued, one fixer pass, round 2"
          + " passes: done");

  private final String description;

  DemoOutcome(String description) {
    this.description = description;
  }

  /** The option value: {@code pass}, {@code review-fail}, {@code fixes}, … */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** What a newcomer will watch, in one line. */
  public String description() {
    return description;
  }

  /** The outcome of an option value. */
  public static Optional<DemoOutcome> fromId(String id) {
    return Arrays.stream(values()).filter(o -> o.id().equals(id)).findFirst();
  }

  /** The option values, for messages: {@code pass, review-fail, fixes, gate-fail or retry}. */
  public static String choices() {
    List<String> ids = Arrays.stream(values()).map(DemoOutcome::id).toList();
    return String.join(", ", ids.subList(0, ids.size() - 1)) + " or " + ids.get(ids.size() - 1);
  }

  /**
   * Whether the stage's verdict is {@code pass} before any retry: the security review fails for
   * {@link #REVIEW_FAIL} and {@link #RETRY} (after a retry's fix, the reviewer passes).
   */
  public boolean passes(Stage stage) {
    return !((this == REVIEW_FAIL || this == RETRY) && stage == Stage.SECURITY_REVIEW);
  }

  /** Whether the demo repository declares its gate ({@code .hydra/gates.yml} on {@code main}). */
  public boolean declaresGates() {
    return this == GATE_FAIL;
  }

  /** Whether the stage reports a fix it applied (which sends the PR to the applier). */
  public boolean fixes(Stage stage) {
    return this == FIXES && stage == Stage.CODE_REVIEW;
  }

  /**
   * The {@code DEMO_*} variables of each stage's demo image ({@code images/demo/demo-agent.sh}):
   * {@code DEMO_OUTCOME}, {@code DEMO_FIXES}, and for the builder {@code DEMO_SLUG}, so that its
   * branch is the {@code hydra/<issue>-<slug>} the title gives, and with the gate {@code
   * DEMO_GATE=red}, so that its first pass leaves the gate red.
   *
   * @param slug the builder's branch slug
   * @return by stage id, in pipeline order
   */
  public Map<String, Map<String, String>> containerEnv(String slug) {
    Map<String, Map<String, String>> env = new LinkedHashMap<>();
    for (Stage stage :
        List.of(Stage.BUILD, Stage.CODE_REVIEW, Stage.SECURITY_REVIEW, Stage.APPLIER)) {
      Map<String, String> vars = new LinkedHashMap<>();
      vars.put("DEMO_OUTCOME", passes(stage) ? "pass" : "fail");
      vars.put("DEMO_FIXES", fixes(stage) ? "1" : "0");
      if (stage == Stage.BUILD) {
        vars.put("DEMO_SLUG", slug);
        if (declaresGates()) {
          vars.put("DEMO_GATE", "red");
        }
      }
      env.put(stage.id(), vars);
    }
    return env;
  }

  @Override
  public String toString() {
    return id();
  }

  /** Every option value with its description, one per line, for help texts. */
  public static String help() {
    return Arrays.stream(values())
        .map(o -> o.id() + ": " + o.description())
        .collect(Collectors.joining("; "));
  }
}
