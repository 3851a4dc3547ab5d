package dev.hydra.demo;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.local.LocalForge;
import dev.hydra.gate.GateTable;
import dev.hydra.label.Stage;
import dev.hydra.pipeline.StageExecutor;
import dev.hydra.pipeline.StageExecutor.Mode;
import dev.hydra.route.HydraBranch;
import dev.hydra.stage.StageResult;
import dev.hydra.verdict.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Puts a {@link StageExecutor} in front of the file-backed {@link LocalForge}, which has neither a
 * web server nor a git remote, for {@code hydra demo}. It does the two things a real forge gets
 * from its stage containers and the local forge cannot, and nothing else:
 *
 * <ul>
 *   <li><b>The pull request's URL.</b> A local pull request's URL is the {@code file:} URI of its
 *       JSON file, which a container can neither open nor be given ({@code StageRequest} accepts
 *       {@code https} only). The call passes on with {@code <webUrl>/<owner>/<name>/pull/<n>}, the
 *       URL the pull request would have on GitHub; every other part of the call is unchanged.
 *   <li><b>The builder's push.</b> The builder's container cannot push to a directory of JSON
 *       files. After a <em>passing</em> build whose verdict names this issue's {@code
 *       hydra/<issue>-<slug>} branch, or a passing retry pass ({@code fix} mode) on a pull
 *       request's branch, the push is recorded with {@link LocalForge#pushBranch}, as {@code git
 *       push} would have made it (which moves the pull request's head), with the commit the demo's
 *       git remote holds, else a commit id derived from the branch and the container that built it.
 *       A failed build, or a branch for another issue, records nothing: the pipeline then reports
 *       the problem as it would on a real forge.
 * </ul>
 */
public final class LocalForgeStageExecutor implements StageExecutor {

  private final StageExecutor delegate;
  private final LocalForge builder;
  private final String webUrl;
  private final Map<String, String> pushed = new ConcurrentHashMap<>();
  private final Function<String, Optional<String>> heads;

  /**
   * @param delegate runs the stages
   * @param builder the local forge as the builder persona, which owns the push
   * @param webUrl the web root the containers are told, {@code https://…} without a trailing slash
   */
  public LocalForgeStageExecutor(StageExecutor delegate, LocalForge builder, String webUrl) {
    this(delegate, builder, webUrl, branch -> Optional.empty());
  }

  /**
   * @param delegate runs the stages
   * @param builder the local forge as the builder persona, which owns the push
   * @param webUrl the web root the containers are told, {@code https://…} without a trailing slash
   * @param heads the commit a branch of the demo's git remote is at, after the runner's push; when
   *     it knows none (scripted stages push nothing), a commit id stands for it
   */
  public LocalForgeStageExecutor(
      StageExecutor delegate,
      LocalForge builder,
      String webUrl,
      Function<String, Optional<String>> heads) {
    this.heads = heads;
    this.delegate = delegate;
    this.builder = builder;
    this.webUrl = webUrl.endsWith("/") ? webUrl.substring(0, webUrl.length() - 1) : webUrl;
  }

  @Override
  public StageResult execute(Call call) throws InterruptedException {
    StageResult result = delegate.execute(withWebUrl(call));
    PullRequest fixed = call.pullRequest();
    if (call.mode() == Mode.FIX && fixed != null && result.passed()) {
      push(call.repo(), call.issue().number(), fixed.head(), result);
    } else if (call.stage() == Stage.BUILD && result.passed()) {
      Optional<Verdict.BuilderResult> built = result.verdictValue().flatMap(Verdict::builder);
      Optional<HydraBranch> branch = built.flatMap(b -> HydraBranch.parse(b.branch()));
      if (branch.isPresent() && branch.get().issue() == call.issue().number()) {
        push(call.repo(), call.issue().number(), branch.get().name(), result);
      }
    }
    return result;
  }

  /** The gates run by the delegate, on the pull request as the local forge knows it. */
  @Override
  public Optional<GateTable> recheckGates(Persona persona, RepoRef repo, PullRequest pullRequest)
      throws InterruptedException {
    return delegate.recheckGates(persona, repo, pullRequest);
  }

  private void push(RepoRef repo, int issue, String branch, StageResult result) {
    String container =
        result.attempts().isEmpty()
            ? ""
            : result.attempts().get(result.attempts().size() - 1).container();
    // A scripted fix pass's stand-in commit differs from the build's.
    String from = container + "\n" + result.message();
    try {
      builder.pushBranch(
          repo, branch, heads.apply(branch).orElseGet(() -> commitId(repo, branch, from)));
    } catch (ForgeException e) {
      throw new IllegalStateException(
          "the demo could not record the builder's push of " + branch + ": " + e.getMessage(), e);
    }
    pushed.put(key(repo, issue), branch);
  }

  private Call withWebUrl(Call call) {
    String url = call.pullRequestUrl();
    if (url == null || !url.startsWith("file:")) {
      return call;
    }
    Optional<PullRequest> pr = pullRequest(call.repo(), call.issue(), url);
    if (pr.isEmpty()) {
      return call; // StageRequest refuses the file: URL with a message that names it
    }
    return call.withPullRequestUrl(
        webUrl + "/" + call.repo().fullName() + "/pull/" + pr.get().number());
  }

  // The pull request whose file URL this is: the one of the branch this executor recorded, else of
  // the branch the issue's title gives.
  private Optional<PullRequest> pullRequest(RepoRef repo, Issue issue, String url) {
    try {
      @Nullable String branch = pushed.get(key(repo, issue.number()));
      if (branch == null) {
        branch = HydraBranch.forIssue(issue.number(), issue.title()).name();
      }
      return builder.findPullRequest(repo, branch).filter(pr -> pr.url().equals(url));
    } catch (ForgeException e) {
      return Optional.empty();
    }
  }

  private static String key(RepoRef repo, int issue) {
    return repo.fullName() + "#" + issue;
  }

  /** A commit id (40 hex digits) standing for what the builder's container would have pushed. */
  static String commitId(RepoRef repo, String branch, String container) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest(
                  (repo.fullName() + "\n" + branch + "\n" + container)
                      .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
