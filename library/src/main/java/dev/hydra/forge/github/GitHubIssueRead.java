package dev.hydra.forge.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hydra.forge.Comment;
import dev.hydra.forge.Issue;
import dev.hydra.forge.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The guard's read of an issue as one GraphQL query that also answers what the job would otherwise
 * ask in requests of their own: the token's permission on the repository ({@code viewerPermission},
 * for the admin refusal of SPEC §6) and the issue's newest comments (for the progress comment).
 * Pure: the query, its answer's shape, and the mapping to the port's records.
 */
final class GitHubIssueRead {

  /** Most labels and comments one answer carries; beyond them the adapter reads REST. */
  static final int PAGE = 100;

  private static final String FIELDS =
      "number title body state author { login }"
          + " labels(first: "
          + PAGE
          + ") { totalCount nodes { name } }"
          + " comments(last: "
          + PAGE
          + ") { totalCount nodes { fullDatabaseId body author { login } } }";

  static final String QUERY =
      "query($owner: String!, $name: String!, $number: Int!) {"
          + " repository(owner: $owner, name: $name) { viewerPermission"
          + " issueOrPullRequest(number: $number) { __typename"
          + " ... on Issue { "
          + FIELDS
          + " } ... on PullRequest { "
          + FIELDS
          + " } } } }";

  private GitHubIssueRead() {}

  /** The request body for issue {@code number} of {@code owner/name}. */
  static Map<String, Object> body(String owner, String name, int number) {
    return Map.of(
        "query", QUERY, "variables", Map.of("owner", owner, "name", name, "number", number));
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Answer(@Nullable Data data, @Nullable List<GitHubWire.GraphQlError> errors) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Data(@Nullable Repository repository) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Repository(@Nullable String viewerPermission, @Nullable Item issueOrPullRequest) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Item(
      @JsonProperty("__typename") @Nullable String typename,
      int number,
      @Nullable String title,
      @Nullable String body,
      @Nullable String state,
      @Nullable Actor author,
      @Nullable Labels labels,
      @Nullable Comments comments) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Actor(@Nullable String login) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Labels(int totalCount, @Nullable List<GitHubWire.LabelName> nodes) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Comments(int totalCount, @Nullable List<CommentNode> nodes) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record CommentNode(
      @Nullable String fullDatabaseId, @Nullable String body, @Nullable Actor author) {}

  /**
   * What one answer says.
   *
   * @param issue the issue, empty when the answer cannot stand for the REST read (errors, no such
   *     item, more labels than one page): then the adapter reads REST
   * @param permission the token's own permission, empty when the forge did not say
   * @param comments the issue's comments oldest first, empty when they did not all fit
   */
  record Read(
      Optional<Issue> issue, Optional<Permission> permission, Optional<List<Comment>> comments) {}

  /** Maps an answer; never throws on a strange one (it reads as "ask REST"). */
  static Read read(Answer answer) {
    Repository repository = answer.data() == null ? null : answer.data().repository();
    if (repository == null) {
      return new Read(Optional.empty(), Optional.empty(), Optional.empty());
    }
    Optional<Permission> permission = permission(repository.viewerPermission());
    Item item = repository.issueOrPullRequest();
    boolean clean = answer.errors() == null || answer.errors().isEmpty();
    if (!clean || item == null || item.number() < 1) {
      return new Read(Optional.empty(), permission, Optional.empty());
    }
    Optional<Issue> issue = Optional.empty();
    Labels page = item.labels();
    List<GitHubWire.LabelName> labels = page == null ? null : page.nodes();
    if (page != null && labels != null && page.totalCount() <= labels.size()) {
      issue =
          Optional.of(
              new Issue(
                  item.number(),
                  GitHubWire.orEmpty(item.title()),
                  GitHubWire.orEmpty(item.body()),
                  "OPEN".equals(item.state()),
                  login(item.author()),
                  GitHubWire.names(labels),
                  "PullRequest".equals(item.typename())));
    }
    return new Read(issue, permission, comments(item.comments()));
  }

  private static Optional<List<Comment>> comments(@Nullable Comments comments) {
    if (comments == null || comments.nodes() == null) {
      return Optional.empty();
    }
    if (comments.totalCount() > comments.nodes().size()) {
      return Optional.empty();
    }
    List<Comment> all = new ArrayList<>();
    for (CommentNode node : comments.nodes()) {
      if (node == null || node.fullDatabaseId() == null) {
        return Optional.empty();
      }
      try {
        all.add(
            new Comment(
                Long.parseLong(node.fullDatabaseId()),
                login(node.author()),
                GitHubWire.orEmpty(node.body())));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.of(all);
  }

  /**
   * {@code viewerPermission} as {@link GitHubForge#tokenPermission} reports a repository's {@code
   * permissions}: maintain has push (write), triage has pull (read). Empty when absent or unknown,
   * so that the repository is read instead: fail closed.
   */
  static Optional<Permission> permission(@Nullable String viewerPermission) {
    if (viewerPermission == null) {
      return Optional.empty();
    }
    return switch (viewerPermission) {
      case "ADMIN" -> Optional.of(Permission.ADMIN);
      case "MAINTAIN", "WRITE" -> Optional.of(Permission.WRITE);
      case "TRIAGE", "READ" -> Optional.of(Permission.READ);
      default -> Optional.empty();
    };
  }

  private static String login(@Nullable Actor actor) {
    return actor == null || actor.login() == null ? "" : actor.login();
  }
}
