package dev.hydra.supervise;

import dev.hydra.forge.Forge;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.Stage;
import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineResult;
import dev.hydra.pipeline.ReviewReport;
import dev.hydra.route.HydraBranch;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs jobs through the pipeline of {@code hydra run}: one pipeline per repository, opened once
 * (the persona tokens are checked per repository, as {@code hydra run} checks them) and kept.
 */
public final class PipelineJobs implements JobRunner {

  /**
   * A repository's pipeline and a forge to read its pull requests with.
   *
   * @param pipeline the pipeline of {@code hydra run}
   * @param reader the builder's forge
   */
  public record Opened(Pipeline pipeline, Forge reader) {}

  /** Opens a repository's pipeline ({@code RunWiring.run}). */
  @FunctionalInterface
  public interface Opener {
    /**
     * Opens it.
     *
     * @throws Exception when a token is refused or the settings are invalid
     */
    Opened open(RepoRef repo) throws Exception;
  }

  private final Opener opener;
  private final Map<RepoRef, Opened> opened = new ConcurrentHashMap<>();

  public PipelineJobs(Opener opener) {
    this.opener = opener;
  }

  @Override
  public PipelineResult run(Job job) throws Exception {
    Opened repo = open(job.repo());
    Pipeline pipeline = repo.pipeline();
    return switch (job.kind()) {
      case BUILD -> pipeline.build(job.repo(), job.number(), null);
      case REBUILD -> pipeline.rebuild(job.repo(), job.number(), null, null);
      case RETRY -> pipeline.retry(job.repo(), job.number(), null);
      case RECONCILE -> pipeline.reconcile(job.repo(), job.number());
      case REVIEWS -> {
        String branch = HydraBranch.forIssue(job.number(), job.title()).name();
        Optional<PullRequest> pr = repo.reader().findPullRequest(job.repo(), branch);
        if (pr.isEmpty()) {
          yield new PipelineResult(
              "review",
              PipelineResult.Status.SKIPPED,
              "the reviews of #"
                  + job.number()
                  + " are queued but no open pull request has head "
                  + branch,
              null,
              null,
              List.of());
        }
        yield reviews(pipeline, job.repo(), pr.get());
      }
    };
  }

  /**
   * Both reviews and the decision, as {@code Pipeline.reviews} does them, but in an order every
   * supervisor shares and giving up when the first claim is lost: two supervisors that start the
   * reviews of one issue at once must not each take one review, for then neither decision would
   * have both reports. Whoever takes the code review takes the security review after it.
   */
  static PipelineResult reviews(Pipeline pipeline, RepoRef repo, PullRequest pr) throws Exception {
    Map<Stage, ReviewReport> reports = new EnumMap<>(Stage.class);
    for (Stage stage : List.of(Stage.CODE_REVIEW, Stage.SECURITY_REVIEW)) {
      PipelineResult one = pipeline.review(stage, repo, pr);
      if (one.status() == PipelineResult.Status.SKIPPED && reports.isEmpty()) {
        return one;
      }
      reports.put(stage, one.reviewReport().orElseThrow());
    }
    return pipeline.decide(repo, pr, reports);
  }

  private Opened open(RepoRef repo) throws Exception {
    Opened known = opened.get(repo);
    if (known != null) {
      return known;
    }
    Opened fresh = opener.open(repo);
    Opened first = opened.putIfAbsent(repo, fresh);
    return first == null ? fresh : first;
  }
}
