package dev.hydra.wiring;

import dev.hydra.credentials.CredentialException;
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
import dev.hydra.ops.TokenAccess;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A job's persona forges with the admin refusal of SPEC §6 made at the job's first write: before
 * any of them writes, every token the job holds is asked its permission ({@link
 * TokenAccess#requireNoAdmin}), once per process; an admin token refuses that write and every later
 * one ({@link TokenRefusedException}), so nothing is written. Reads pass through: a token is only
 * read with until it is checked.
 *
 * <p>Waiting for the first write costs nothing in safety and saves requests: an adapter that learnt
 * its token's permission from a read the job made anyway answers from it (GitHub's guard read of
 * the issue carries {@code viewerPermission}); others ask the repository, as before.
 */
final class CheckedForge implements Forge {

  /** The check shared by the forges of one job. */
  static final class FirstWrite {
    private final RepoRef repo;
    private final Map<Persona, Forge> forges;
    private final Map<Persona, String> sources;
    private boolean passed;
    private @Nullable String refused;

    FirstWrite(RepoRef repo, Map<Persona, Forge> forges, Map<Persona, String> sources) {
      this.repo = repo;
      this.forges = new EnumMap<>(Persona.class);
      this.forges.putAll(forges);
      this.sources = new EnumMap<>(Persona.class);
      this.sources.putAll(sources);
    }

    /** Checks every token once, before the first write; refuses again after a refusal. */
    synchronized void check() throws ForgeException {
      if (passed) {
        return;
      }
      if (refused == null) {
        try {
          TokenAccess.requireNoAdmin(repo, forges, sources);
          passed = true;
          return;
        } catch (CredentialException e) {
          refused = String.valueOf(e.getMessage());
        }
      }
      throw new TokenRefusedException(refused);
    }
  }

  /** Each forge of {@code forges} checked by one {@link FirstWrite} over {@code checked}. */
  static Map<Persona, Forge> wrap(
      RepoRef repo,
      Map<Persona, Forge> forges,
      Map<Persona, Forge> checked,
      Map<Persona, String> sources) {
    FirstWrite first = new FirstWrite(repo, checked, sources);
    Map<Persona, Forge> wrapped = new EnumMap<>(Persona.class);
    forges.forEach((persona, forge) -> wrapped.put(persona, new CheckedForge(forge, first)));
    return wrapped;
  }

  private final Forge delegate;
  private final FirstWrite first;

  CheckedForge(Forge delegate, FirstWrite first) {
    this.delegate = delegate;
    this.first = first;
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
  public List<LabelSpec> labels(RepoRef repo) throws ForgeException {
    return delegate.labels(repo);
  }

  @Override
  public List<Comment> comments(RepoRef repo, int issue) throws ForgeException {
    return delegate.comments(repo, issue);
  }

  @Override
  public Optional<PullRequest> findPullRequest(RepoRef repo, String branch) throws ForgeException {
    return delegate.findPullRequest(repo, branch);
  }

  // Writes: each passes the check first. ----------------------------------------------------

  @Override
  public Optional<List<String>> takeLabel(RepoRef repo, int issue, String label)
      throws ForgeException {
    first.check();
    return delegate.takeLabel(repo, issue, label);
  }

  @Override
  public List<String> addLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException {
    first.check();
    return delegate.addLabels(repo, issue, labels);
  }

  @Override
  public void setLabels(RepoRef repo, int issue, Set<String> labels) throws ForgeException {
    first.check();
    delegate.setLabels(repo, issue, labels);
  }

  @Override
  public boolean replaceLabelsIf(RepoRef repo, int issue, Set<String> expected, Set<String> next)
      throws ForgeException {
    first.check();
    return delegate.replaceLabelsIf(repo, issue, expected, next);
  }

  @Override
  public boolean upsertLabel(RepoRef repo, LabelSpec label) throws ForgeException {
    first.check();
    return delegate.upsertLabel(repo, label);
  }

  @Override
  public Comment comment(RepoRef repo, int issue, String body) throws ForgeException {
    first.check();
    return delegate.comment(repo, issue, body);
  }

  @Override
  public void editComment(RepoRef repo, long commentId, String body) throws ForgeException {
    first.check();
    delegate.editComment(repo, commentId, body);
  }

  @Override
  public PullRequest openDraftPullRequest(RepoRef repo, NewPullRequest request)
      throws ForgeException {
    first.check();
    return delegate.openDraftPullRequest(repo, request);
  }

  @Override
  public void markReadyForReview(RepoRef repo, PullRequest pullRequest) throws ForgeException {
    first.check();
    delegate.markReadyForReview(repo, pullRequest);
  }

  @Override
  public void reopenPullRequest(RepoRef repo, int pullRequest) throws ForgeException {
    first.check();
    delegate.reopenPullRequest(repo, pullRequest);
  }

  @Override
  public void merge(RepoRef repo, int pullRequest, String headSha) throws ForgeException {
    first.check();
    delegate.merge(repo, pullRequest, headSha);
  }

  @Override
  public void review(RepoRef repo, int pullRequest, Review review) throws ForgeException {
    first.check();
    delegate.review(repo, pullRequest, review);
  }

  @Override
  public void commitStatus(RepoRef repo, String sha, CommitStatus status) throws ForgeException {
    first.check();
    delegate.commitStatus(repo, sha, status);
  }
}
