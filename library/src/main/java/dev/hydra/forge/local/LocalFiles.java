package dev.hydra.forge.local;

import static java.util.Objects.requireNonNull;
import static java.util.Objects.requireNonNullElse;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hydra.forge.LabelSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON files of the local forge, as package-private records (STYLE point 12): they never leave
 * this package; {@link LocalForge} maps them to the port's records.
 *
 * <p>Lists and maps may be left out of a hand-written file (they read as empty); the fields that
 * identify a thing are required, and a file without one is reported as invalid, naming the file.
 * Maps are written in key order so that two writes of the same state give the same bytes.
 */
final class LocalFiles {

  static final String ADDED = "added";
  static final String REMOVED = "removed";

  private LocalFiles() {}

  /**
   * {@code repo.json}.
   *
   * @param defaultBranch the branch pull requests close issues on when merged into it
   * @param nextNumber the next issue or pull request number (one counter, as on GitHub)
   * @param nextCommentId the next comment id
   * @param requiredApprovals branch protection of the default branch: approving reviews a merge
   *     needs, 0 for none
   * @param branches branch name to head commit, standing in for the git refs
   * @param labels the repository's labels
   */
  record RepoFile(
      @JsonProperty(value = "default_branch", required = true) String defaultBranch,
      @JsonProperty("next_number") int nextNumber,
      @JsonProperty("next_comment_id") long nextCommentId,
      @JsonProperty("required_approvals") int requiredApprovals,
      @JsonProperty("branches") Map<String, String> branches,
      @JsonProperty("labels") List<LabelFile> labels) {

    RepoFile {
      requireNonNull(defaultBranch, "default_branch");
      nextNumber = Math.max(nextNumber, 1);
      nextCommentId = Math.max(nextCommentId, 1);
      if (requiredApprovals < 0) {
        throw new IllegalArgumentException("required_approvals must be 0 or more");
      }
      branches = sorted(requireNonNullElse(branches, Map.of()));
      labels = List.copyOf(requireNonNullElse(labels, List.of()));
    }

    RepoFile withNextNumber(int next) {
      return new RepoFile(defaultBranch, next, nextCommentId, requiredApprovals, branches, labels);
    }

    RepoFile withNextCommentId(long next) {
      return new RepoFile(defaultBranch, nextNumber, next, requiredApprovals, branches, labels);
    }

    RepoFile withBranch(String branch, String sha) {
      Map<String, String> next = new TreeMap<>(branches);
      next.put(branch, sha);
      return new RepoFile(
          defaultBranch, nextNumber, nextCommentId, requiredApprovals, next, labels);
    }

    RepoFile withLabels(List<LabelFile> next) {
      return new RepoFile(
          defaultBranch, nextNumber, nextCommentId, requiredApprovals, branches, next);
    }
  }

  /**
   * A label in {@code repo.json}; checked as {@link LabelSpec} is.
   *
   * @param name the full name
   * @param color six lower-case hex digits
   * @param description one line for people
   */
  record LabelFile(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "color", required = true) String color,
      @JsonProperty("description") String description) {

    LabelFile {
      description = requireNonNullElse(description, "");
      new LabelSpec(requireNonNull(name, "name"), requireNonNull(color, "color"), description);
    }

    static LabelFile of(LabelSpec spec) {
      return new LabelFile(spec.name(), spec.color(), spec.description());
    }

    LabelSpec toSpec() {
      return new LabelSpec(name, color, description);
    }
  }

  /** What issues and pull requests have in common: the part GitHub calls the issue. */
  sealed interface ThreadFile permits IssueFile, PullFile {
    String title();

    String body();

    String author();

    boolean open();

    List<String> labels();

    List<LabelEventFile> labelEvents();

    List<CommentFile> comments();

    ThreadFile withLabels(List<String> labels, List<LabelEventFile> labelEvents);

    ThreadFile withComments(List<CommentFile> comments);

    ThreadFile withOpen(boolean open);
  }

  /**
   * {@code issues/<n>.json}.
   *
   * @param title the title
   * @param body the body
   * @param author the login that opened it
   * @param open whether it is open
   * @param labels the labels now
   * @param labelEvents every label added or removed, oldest first
   * @param comments the comments, oldest first
   */
  record IssueFile(
      @JsonProperty(value = "title", required = true) String title,
      @JsonProperty("body") String body,
      @JsonProperty(value = "author", required = true) String author,
      @JsonProperty(value = "open", required = true) boolean open,
      @JsonProperty("labels") List<String> labels,
      @JsonProperty("label_events") List<LabelEventFile> labelEvents,
      @JsonProperty("comments") List<CommentFile> comments)
      implements ThreadFile {

    IssueFile {
      requireNonNull(title, "title");
      body = requireNonNullElse(body, "");
      requireNonNull(author, "author");
      labels = List.copyOf(requireNonNullElse(labels, List.of()));
      labelEvents = List.copyOf(requireNonNullElse(labelEvents, List.of()));
      comments = List.copyOf(requireNonNullElse(comments, List.of()));
    }

    @Override
    public IssueFile withLabels(List<String> next, List<LabelEventFile> events) {
      return new IssueFile(title, body, author, open, next, events, comments);
    }

    @Override
    public IssueFile withComments(List<CommentFile> next) {
      return new IssueFile(title, body, author, open, labels, labelEvents, next);
    }

    @Override
    public IssueFile withOpen(boolean next) {
      return new IssueFile(title, body, author, next, labels, labelEvents, comments);
    }
  }

  /**
   * {@code pulls/<n>.json}: the issue part, then the pull request's own fields.
   *
   * @param title the title
   * @param body the body
   * @param author the login that opened it
   * @param open whether it is open
   * @param labels the labels now
   * @param labelEvents every label added or removed, oldest first
   * @param comments the comments, oldest first
   * @param head the head branch
   * @param headSha the head commit
   * @param base the target branch
   * @param draft whether it is a draft
   * @param merged whether it was merged
   * @param reviews the reviews, oldest first
   * @param statuses the commit statuses set on its head commits, oldest first
   */
  record PullFile(
      @JsonProperty(value = "title", required = true) String title,
      @JsonProperty("body") String body,
      @JsonProperty(value = "author", required = true) String author,
      @JsonProperty(value = "open", required = true) boolean open,
      @JsonProperty("labels") List<String> labels,
      @JsonProperty("label_events") List<LabelEventFile> labelEvents,
      @JsonProperty("comments") List<CommentFile> comments,
      @JsonProperty(value = "head", required = true) String head,
      @JsonProperty(value = "head_sha", required = true) String headSha,
      @JsonProperty(value = "base", required = true) String base,
      @JsonProperty(value = "draft", required = true) boolean draft,
      @JsonProperty("merged") boolean merged,
      @JsonProperty("reviews") List<ReviewFile> reviews,
      @JsonProperty("statuses") List<StatusFile> statuses)
      implements ThreadFile {

    PullFile {
      requireNonNull(title, "title");
      body = requireNonNullElse(body, "");
      requireNonNull(author, "author");
      labels = List.copyOf(requireNonNullElse(labels, List.of()));
      labelEvents = List.copyOf(requireNonNullElse(labelEvents, List.of()));
      comments = List.copyOf(requireNonNullElse(comments, List.of()));
      requireNonNull(head, "head");
      requireNonNull(headSha, "head_sha");
      requireNonNull(base, "base");
      reviews = List.copyOf(requireNonNullElse(reviews, List.of()));
      statuses = List.copyOf(requireNonNullElse(statuses, List.of()));
    }

    @Override
    public PullFile withLabels(List<String> next, List<LabelEventFile> events) {
      return new PullFile(
          title, body, author, open, next, events, comments, head, headSha, base, draft, merged,
          reviews, statuses);
    }

    @Override
    public PullFile withComments(List<CommentFile> next) {
      return new PullFile(
          title,
          body,
          author,
          open,
          labels,
          labelEvents,
          next,
          head,
          headSha,
          base,
          draft,
          merged,
          reviews,
          statuses);
    }

    @Override
    public PullFile withOpen(boolean next) {
      return new PullFile(
          title,
          body,
          author,
          next,
          labels,
          labelEvents,
          comments,
          head,
          headSha,
          base,
          draft,
          merged,
          reviews,
          statuses);
    }

    PullFile withHeadSha(String sha) {
      return new PullFile(
          title,
          body,
          author,
          open,
          labels,
          labelEvents,
          comments,
          head,
          sha,
          base,
          draft,
          merged,
          reviews,
          statuses);
    }

    PullFile readyForReview() {
      return new PullFile(
          title,
          body,
          author,
          open,
          labels,
          labelEvents,
          comments,
          head,
          headSha,
          base,
          false,
          merged,
          reviews,
          statuses);
    }

    PullFile asMerged() {
      return new PullFile(
          title,
          body,
          author,
          false,
          labels,
          labelEvents,
          comments,
          head,
          headSha,
          base,
          draft,
          true,
          reviews,
          statuses);
    }

    PullFile withReview(ReviewFile review) {
      return new PullFile(
          title,
          body,
          author,
          open,
          labels,
          labelEvents,
          comments,
          head,
          headSha,
          base,
          draft,
          merged,
          appended(reviews, review),
          statuses);
    }

    PullFile withStatus(StatusFile status) {
      return new PullFile(
          title,
          body,
          author,
          open,
          labels,
          labelEvents,
          comments,
          head,
          headSha,
          base,
          draft,
          merged,
          reviews,
          appended(statuses, status));
    }
  }

  /**
   * One label added to or removed from an issue.
   *
   * @param label the label
   * @param action {@value #ADDED} or {@value #REMOVED}
   * @param actor the login that did it
   * @param at when, ISO-8601
   */
  record LabelEventFile(
      @JsonProperty(value = "label", required = true) String label,
      @JsonProperty(value = "action", required = true) String action,
      @JsonProperty(value = "actor", required = true) String actor,
      @JsonProperty(value = "at", required = true) String at) {

    LabelEventFile {
      requireNonNull(label, "label");
      if (!ADDED.equals(action) && !REMOVED.equals(action)) {
        throw new IllegalArgumentException("action must be \"added\" or \"removed\"");
      }
      requireNonNull(actor, "actor");
      requireNonNull(at, "at");
    }
  }

  /**
   * A comment.
   *
   * @param id unique in the repository
   * @param author the login that posted it
   * @param body the text
   * @param at when it was posted or last edited, ISO-8601
   */
  record CommentFile(
      @JsonProperty(value = "id", required = true) long id,
      @JsonProperty(value = "author", required = true) String author,
      @JsonProperty(value = "body", required = true) String body,
      @JsonProperty("at") String at) {

    CommentFile {
      requireNonNull(author, "author");
      requireNonNull(body, "body");
      at = requireNonNullElse(at, "");
    }
  }

  /**
   * A review.
   *
   * @param author the login that posted it
   * @param event {@code COMMENT}, {@code REQUEST_CHANGES} or {@code APPROVE}
   * @param body the summary
   * @param commit the commit reviewed
   * @param comments the inline comments
   * @param at when, ISO-8601
   */
  record ReviewFile(
      @JsonProperty(value = "author", required = true) String author,
      @JsonProperty(value = "event", required = true) String event,
      @JsonProperty("body") String body,
      @JsonProperty("commit") String commit,
      @JsonProperty("comments") List<InlineFile> comments,
      @JsonProperty("at") String at) {

    ReviewFile {
      requireNonNull(author, "author");
      requireNonNull(event, "event");
      body = requireNonNullElse(body, "");
      commit = requireNonNullElse(commit, "");
      comments = List.copyOf(requireNonNullElse(comments, List.of()));
      at = requireNonNullElse(at, "");
    }
  }

  /**
   * An inline review comment.
   *
   * @param path the file
   * @param line the line in the new file
   * @param body the comment
   */
  record InlineFile(
      @JsonProperty(value = "path", required = true) String path,
      @JsonProperty(value = "line", required = true) int line,
      @JsonProperty(value = "body", required = true) String body) {

    InlineFile {
      requireNonNull(path, "path");
      requireNonNull(body, "body");
    }
  }

  /**
   * A commit status.
   *
   * @param sha the commit
   * @param state {@code pending}, {@code success}, {@code failure} or {@code error}
   * @param context the check's name
   * @param description one line for people
   * @param targetUrl where details are, empty for none
   * @param author the login that set it
   * @param at when, ISO-8601
   */
  record StatusFile(
      @JsonProperty(value = "sha", required = true) String sha,
      @JsonProperty(value = "state", required = true) String state,
      @JsonProperty(value = "context", required = true) String context,
      @JsonProperty("description") String description,
      @JsonProperty("target_url") String targetUrl,
      @JsonProperty("author") String author,
      @JsonProperty("at") String at) {

    StatusFile {
      requireNonNull(sha, "sha");
      requireNonNull(state, "state");
      requireNonNull(context, "context");
      description = requireNonNullElse(description, "");
      targetUrl = requireNonNullElse(targetUrl, "");
      author = requireNonNullElse(author, "");
      at = requireNonNullElse(at, "");
    }
  }

  static <T> List<T> appended(List<T> list, T element) {
    List<T> next = new ArrayList<>(list.size() + 1);
    next.addAll(list);
    next.add(element);
    return Collections.unmodifiableList(next);
  }

  private static Map<String, String> sorted(Map<String, String> map) {
    for (Map.Entry<String, String> e : map.entrySet()) {
      requireNonNull(e.getValue(), e.getKey());
    }
    return Collections.unmodifiableMap(new TreeMap<>(map));
  }
}
