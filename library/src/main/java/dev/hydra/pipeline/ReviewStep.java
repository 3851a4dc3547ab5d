package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import dev.hydra.label.PipelineState;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import dev.hydra.stage.StageProfile;
import dev.hydra.stage.StageResult;
import dev.hydra.text.Texts;
import dev.hydra.verdict.Finding;
import dev.hydra.verdict.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One review of a Hydra pull request, as that review's persona: refused unless Hydra's own
 * transition or a person with write access started it, claimed by taking its {@code :queued} label,
 * run, posted (reviews never approve), and reported to the decision ({@link ReviewReport}). Writes
 * no outcome: the decision does, for both reviews at once.
 */
record ReviewStep(PipelineContext context, GuardStep guard, AuthorityStep authority) {

  /**
   * The review {@code stage} of {@code pr}, started by the pull request event {@code start} (null:
   * no event, as in a test or the demo).
   *
   * @throws IllegalArgumentException when {@code stage} is not a review
   */
  PipelineResult review(Stage stage, RepoRef repo, PullRequest pr, Pipeline.@Nullable Start start)
      throws ForgeException, InterruptedException {
    if (stage != Stage.CODE_REVIEW && stage != Stage.SECURITY_REVIEW) {
      throw new IllegalArgumentException(stage.id() + " is not a review");
    }
    Persona persona = StageProfile.personaOf(stage);
    Optional<String> mismatch = Closes.mismatch(pr);
    if (mismatch.isPresent()) {
      // The decision job, as the builder, says so once on the PR.
      return skipped(stage, pr, mismatch.get());
    }
    IssueRun run = context.issue(repo, Closes.issueOf(pr));
    int number = run.number();
    Forge own = run.forge(persona);
    Issue issue;
    try {
      // The issue the PR closes, for the reviewer's input folder, read before anything is written:
      // on GitHub this read also carries the token's permission, which the admin refusal needs
      // before the first write, so it costs no request of its own.
      issue = own.issue(repo, number);
    } catch (ForgeException e) {
      String why =
          stage.id()
              + ": issue #"
              + number
              + " could not be read for the reviewer, so nothing was claimed and no container started: "
              + Texts.oneLine(String.valueOf(e.getMessage()));
      run.log(persona.id() + " could not review PR #" + pr.number() + ": " + why);
      return new PipelineResult(
          stage.id(),
          PipelineResult.Status.FAILED,
          why,
          pr.number(),
          pr.url(),
          List.of(),
          new ReviewReport(stage.id(), ReviewReport.FAIL, false, why, null));
    }
    // The claim is the guard's read: taking the queued label answers the labels left, atomically
    // (the decision job reads the whole issue, its open state included, before acting on it).
    String queued = run.scheme().name(stage, StageState.QUEUED);
    Optional<String> refused = authority.reviewRefused(run, own, pr, queued, start);
    if (refused.isPresent()) {
      // Nothing is taken or written: the labels stay as the forge has them.
      return skipped(stage, pr, "refused: " + refused.get());
    }
    Optional<List<String>> left = own.takeLabel(repo, number, queued);
    if (left.isEmpty()) {
      return skipped(
          stage,
          pr,
          "the "
              + stage.id()
              + " of issue #"
              + number
              + " is not queued (another run took it, or it ran already)");
    }
    Optional<String> not =
        guard.blockedByLabels(number, PipelineState.of(run.scheme(), left.get()));
    if (not.isPresent()) {
      own.addLabels(repo, number, Set.of(queued)); // not ours to take: put it back
      return skipped(stage, pr, not.get());
    }
    own.addLabels(repo, number, Set.of(run.scheme().name(stage, StageState.RUNNING)));
    run.log(
        persona.id()
            + " claimed the "
            + stage.id()
            + " of #"
            + number
            + " (PR #"
            + pr.number()
            + ")");

    StageResult result =
        context
            .executor()
            .execute(
                StageExecutor.Call.onPullRequest(
                    stage, persona, repo, issue, pr, StageExecutor.Mode.REVIEW));
    RunRecord record = run.record(result);
    boolean passed = result.passed();
    String reason =
        stage.id() + " " + result.status().id() + ": " + Texts.oneLine(result.message());
    Optional<String> posted = post(own, repo, pr, review(result, pr.headSha()));
    if (posted.isPresent()) {
      passed = false;
      reason = stage.id() + ": its review could not be posted: " + posted.get();
    }
    boolean fixes = result.verdictValue().map(v -> !v.fixesApplied().isEmpty()).orElse(false);
    run.log(persona.id() + " reviewed PR #" + pr.number() + ": " + (passed ? "pass" : "fail"));
    List<Finding> open = new ArrayList<>();
    result
        .verdictValue()
        .ifPresent(
            v -> {
              open.addAll(v.findings());
              open.addAll(v.unfixed());
            });
    ReviewReport report =
        new ReviewReport(
            stage.id(),
            passed ? ReviewReport.PASS : ReviewReport.FAIL,
            fixes,
            reason,
            record,
            open);
    return new PipelineResult(
        stage.id(),
        passed ? PipelineResult.Status.PASSED : PipelineResult.Status.FAILED,
        reason,
        pr.number(),
        pr.url(),
        List.of(record),
        report);
  }

  private PipelineResult skipped(Stage stage, PullRequest pr, String why) {
    context.log("skip " + stage.id() + ": " + why);
    return new PipelineResult(
        stage.id(),
        PipelineResult.Status.SKIPPED,
        why,
        pr.number(),
        pr.url(),
        List.of(),
        new ReviewReport(stage.id(), ReviewReport.SKIP, false, why, null));
  }

  /**
   * Posts a review; when the forge refuses its inline comments (a line outside the diff), posts it
   * again with them in the body, so a verdict is never lost to a line number. Any other refusal (a
   * 5xx, a 403, a token refused) is returned, not thrown: the job still reports a failed review to
   * the decision ({@code GITHUB_OUTPUT}), which then asks a person.
   *
   * @return why the review could not be posted at all, empty when it was
   */
  private Optional<String> post(Forge own, RepoRef repo, PullRequest pr, Review review) {
    try {
      return postOnce(own, repo, pr, review);
    } catch (ForgeException e) {
      return Optional.of(Texts.oneLine(String.valueOf(e.getMessage())));
    }
  }

  private Optional<String> postOnce(Forge own, RepoRef repo, PullRequest pr, Review review)
      throws ForgeException {
    try {
      own.review(repo, pr.number(), review);
      return Optional.empty();
    } catch (ForgeConflictException e) {
      if (review.comments().isEmpty()) {
        return Optional.of(Texts.oneLine(String.valueOf(e.getMessage())));
      }
      context.log(
          "the forge refused the inline comments ("
              + Texts.oneLine(String.valueOf(e.getMessage()))
              + "); posting them in the body");
      StringBuilder body = new StringBuilder(review.body());
      for (Review.InlineComment c : review.comments()) {
        body.append("\n- `")
            .append(c.path())
            .append(':')
            .append(c.line())
            .append("`: ")
            .append(c.body());
      }
      own.review(
          repo,
          pr.number(),
          new Review(review.event(), body.toString(), review.commitSha(), List.of()));
      return Optional.empty();
    }
  }

  /** The review a stage result posts: pass comments, fail requests changes; never an approval. */
  static Review review(StageResult result, String sha) {
    Optional<Verdict> verdict = result.verdictValue();
    List<Review.InlineComment> inline = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    body.append("**")
        .append(result.stage().id())
        .append("**: ")
        .append(result.passed() ? "pass" : "fail")
        .append("\n\n");
    if (verdict.isEmpty()) {
      body.append(result.message()).append('\n');
    } else {
      Verdict v = verdict.get();
      body.append(v.summary()).append('\n');
      for (Finding f : v.findings()) {
        String text =
            "**" + f.severity() + "** " + (f.rule().isEmpty() ? "" : f.rule() + ": ") + f.message();
        if (!f.file().isEmpty() && f.line() > 0) {
          inline.add(new Review.InlineComment(f.file(), f.line(), text));
        } else {
          body.append("\n- ").append(f.file().isEmpty() ? "" : "`" + f.file() + "`: ").append(text);
        }
      }
      if (!v.fixesApplied().isEmpty()) {
        body.append("\n\nFixes applied to the branch:");
        v.fixesApplied().forEach(f -> body.append("\n- ").append(f.message()));
      }
    }
    // Reviewers never approve: pass comments, fail requests changes.
    Review.Event event = result.passed() ? Review.Event.COMMENT : Review.Event.REQUEST_CHANGES;
    return new Review(event, body.toString(), sha, inline);
  }
}
