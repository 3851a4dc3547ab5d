package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Comment;
import dev.hydra.forge.CommitStatus;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.Issue;
import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.Permission;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import dev.hydra.secret.SecretMasker;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link Forge} that masks every text it sends — comment bodies, pull-request titles and bodies,
 * review bodies and inline comments, commit-status descriptions — with the run's {@link
 * SecretMasker}, at the last moment before the request. The text is the decoded text the forge will
 * show, so a token the agent wrote with JSON or other escapes is masked here in the form it would
 * be posted. Reads pass through unchanged.
 *
 * <p>{@code hydra run} wraps each persona's forge in one ({@link #wrap}), with a masker for every
 * token of the run: a persona's text can no more leak another persona's token or a Claude token
 * than its own.
 */
public final class MaskingForge implements Forge {

  private final Forge delegate;
  private final SecretMasker masker;

  /**
   * @param delegate the persona's forge
   * @param masker every secret of the run
   */
  public MaskingForge(Forge delegate, SecretMasker masker) {
    this.delegate = delegate;
    this.masker = masker;
  }

  /** Wraps every persona's forge. */
  public static Map<Persona, Forge> wrap(Map<Persona, Forge> forges, SecretMasker masker) {
    Map<Persona, Forge> wrapped = new EnumMap<>(Persona.class);
    forges.forEach((persona, forge) -> wrapped.put(persona, new MaskingForge(forge, masker)));
    return wrapped;
  }

  private String mask(String text) {
    return masker.mask(text);
  }

  @Override
  public ForgeType type() {
    return delegate.type();
  }

  @Override
  public String persona() {
    return delegate.persona();
  }

  @Override
  public String currentUser() throws ForgeException {
    return delegate.currentUser();
  }

  @Override
  public Permission tokenPermission(RepoRef repo) throws ForgeException {
    return delegate.tokenPermission(repo);
  }

  @Override
  public Permission userPermission(RepoRef repo, String login) throws ForgeException {
    return delegate.userPermission(repo, login);
  }

  @Override
  public Issue issue(RepoRef repo, int number) throws ForgeException {
    return delegate.issue(repo, number);
  }

  @Override
  public Issue issue(RepoRef repo, int number, String sender) throws ForgeException {
    return delegate.issue(repo, number, sender);
  }

  @Override
  public Optional<LabelEvent> lastLabeled(RepoRef repo, int issue, String label)
      throws ForgeException {
    return delegate.lastLabeled(repo, issue, label);
  }

  @Override
  public Map<String, LabelEvent> lastLabeled(RepoRef repo, int issue, Set<String> labels)
      throws ForgeException {
    return delegate.lastLabeled(repo, issue, labels);
  }

  @Override
  public Optional<List<String>> takeLabel(RepoRef repo, int issue, String label)
      throws ForgeException {
    return delegate.takeLabel(repo, issue, label);
  }

  @Override
  public List<String> addLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException {
    return delegate.addLabels(repo, issue, labels);
  }

  @Override
  public void setLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException {
    delegate.setLabels(repo, issue, labels);
  }

  @Override
  public boolean replaceLabelsIf(RepoRef repo, int issue, Set<String> expected, Set<String> next)
      throws ForgeException {
    return delegate.replaceLabelsIf(repo, issue, expected, next);
  }

  @Override
  public List<LabelSpec> labels(RepoRef repo) throws ForgeException {
    return delegate.labels(repo);
  }

  @Override
  public boolean upsertLabel(RepoRef repo, LabelSpec label) throws ForgeException {
    return delegate.upsertLabel(repo, label);
  }

  @Override
  public Comment comment(RepoRef repo, int issue, String body) throws ForgeException {
    return delegate.comment(repo, issue, mask(body));
  }

  @Override
  public List<Comment> comments(RepoRef repo, int issue) throws ForgeException {
    return delegate.comments(repo, issue);
  }

  @Override
  public void editComment(RepoRef repo, long commentId, String body) throws ForgeException {
    delegate.editComment(repo, commentId, mask(body));
  }

  @Override
  public Optional<PullRequest> findPullRequest(RepoRef repo, String branch) throws ForgeException {
    return delegate.findPullRequest(repo, branch);
  }

  @Override
  public PullRequest openDraftPullRequest(RepoRef repo, NewPullRequest request)
      throws ForgeException {
    return delegate.openDraftPullRequest(
        repo,
        new NewPullRequest(
            request.head(), request.base(), mask(request.title()), mask(request.body())));
  }

  @Override
  public void markReadyForReview(RepoRef repo, PullRequest pullRequest) throws ForgeException {
    delegate.markReadyForReview(repo, pullRequest);
  }

  @Override
  public void reopenPullRequest(RepoRef repo, int pullRequest) throws ForgeException {
    delegate.reopenPullRequest(repo, pullRequest);
  }

  @Override
  public void merge(RepoRef repo, int pullRequest, String headSha) throws ForgeException {
    delegate.merge(repo, pullRequest, headSha);
  }

  @Override
  public void review(RepoRef repo, int pullRequest, Review review) throws ForgeException {
    List<Review.InlineComment> comments =
        review.comments().stream()
            .map(c -> new Review.InlineComment(mask(c.path()), c.line(), mask(c.body())))
            .toList();
    delegate.review(
        repo,
        pullRequest,
        new Review(review.event(), mask(review.body()), review.commitSha(), comments));
  }

  @Override
  public void commitStatus(RepoRef repo, String sha, CommitStatus status) throws ForgeException {
    delegate.commitStatus(
        repo,
        sha,
        new CommitStatus(
            status.state(), status.context(), mask(status.description()), status.targetUrl()));
  }

  @Override
  public String toString() {
    return "MaskingForge[" + delegate + "]";
  }
}
