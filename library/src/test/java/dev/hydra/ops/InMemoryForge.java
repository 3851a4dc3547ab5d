package dev.hydra.ops;

import dev.hydra.forge.Comment;
import dev.hydra.forge.CommitStatus;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.ForgeUnauthorizedException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.Permission;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.Review;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A hand-written fake of the parts of the port that seeding and doctor use; records writes. */
final class InMemoryForge implements Forge {

  final String persona;
  final String login;
  final Permission permission;
  final Map<String, LabelSpec> labels;
  final List<String> writes = new ArrayList<>();
  boolean refuseToken;

  InMemoryForge(
      String persona, String login, Permission permission, Map<String, LabelSpec> labels) {
    this.persona = persona;
    this.login = login;
    this.permission = permission;
    this.labels = labels;
  }

  static Map<String, LabelSpec> labelStore() {
    return new LinkedHashMap<>();
  }

  @Override
  public ForgeType type() {
    return ForgeType.GITHUB;
  }

  @Override
  public String persona() {
    return persona;
  }

  @Override
  public String currentUser() throws ForgeException {
    if (refuseToken) {
      throw new ForgeUnauthorizedException("401 Bad credentials", 401, null);
    }
    return login;
  }

  @Override
  public Permission tokenPermission(RepoRef repo) {
    return permission;
  }

  @Override
  public List<LabelSpec> labels(RepoRef repo) {
    return List.copyOf(labels.values());
  }

  @Override
  public boolean upsertLabel(RepoRef repo, LabelSpec label) {
    writes.add("upsert " + label.name());
    return labels.put(label.name(), label) == null;
  }

  @Override
  public Permission userPermission(RepoRef repo, String login) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Issue issue(RepoRef repo, int number) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<LabelEvent> lastLabeled(RepoRef repo, int issue, String label) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<List<String>> takeLabel(RepoRef repo, int issue, String label) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> addLabels(RepoRef repo, int issue, Set<String> labels) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void setLabels(RepoRef repo, int issue, Set<String> labels) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Comment comment(RepoRef repo, int issue, String body) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<Comment> comments(RepoRef repo, int issue) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void editComment(RepoRef repo, long commentId, String body) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<PullRequest> findPullRequest(RepoRef repo, String branch) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PullRequest openDraftPullRequest(RepoRef repo, NewPullRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void markReadyForReview(RepoRef repo, PullRequest pullRequest) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void reopenPullRequest(RepoRef repo, int pullRequest) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void merge(RepoRef repo, int pullRequest, String headSha) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void review(RepoRef repo, int pullRequest, Review review) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void commitStatus(RepoRef repo, String sha, CommitStatus status) {
    throw new UnsupportedOperationException();
  }
}
