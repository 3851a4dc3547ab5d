package dev.hydra.verdict;

import dev.hydra.label.Stage;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a stage container reported, after validation against the versioned schema.
 *
 * @param stage the stage that reported (build, code-review, security-review or applier)
 * @param passed whether the outcome is {@code pass}
 * @param summary one paragraph for people (untrusted text from the agent)
 * @param findings what the stage found
 * @param fixesApplied what a reviewer fixed itself in the PR branch
 * @param unfixed what remains open
 * @param turns agent turns used
 * @param costUsd what the run cost, in US dollars
 * @param builderResult the branch and PR text, for a passing build
 */
public record Verdict(
    Stage stage,
    boolean passed,
    String summary,
    List<Finding> findings,
    List<Finding> fixesApplied,
    List<Finding> unfixed,
    int turns,
    double costUsd,
    @Nullable BuilderResult builderResult) {

  /** The version of the verdict contract this runner reads. */
  public static final int SCHEMA_VERSION = 1;

  public Verdict {
    findings = List.copyOf(findings);
    fixesApplied = List.copyOf(fixesApplied);
    unfixed = List.copyOf(unfixed);
    if (stage == Stage.RETRY || stage == Stage.REBUILD) {
      throw new IllegalArgumentException("no verdict for stage " + stage.id());
    }
  }

  /** The builder's branch and PR text, present for a passing build. */
  public Optional<BuilderResult> builder() {
    return Optional.ofNullable(builderResult);
  }

  /**
   * What the Builder pushed and wants as its draft PR.
   *
   * @param branch the pushed branch, {@code hydra/<issue>-<slug>}
   * @param prTitle the PR title (untrusted text)
   * @param prBody the PR body (untrusted text)
   */
  public record BuilderResult(String branch, String prTitle, String prBody) {}
}
