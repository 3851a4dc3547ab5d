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
 * for the admin refusal of SPEC §6), the issue's newest comments (for the progress comment) and,
 * when the job knows the event's sender, the sender's permission (for the authority check). Pure:
 * the query, its answer's shape, and the mapping to the port's records.
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

  static final String QUERY = query("", "");

  /**
   * The query that also asks one user's permission: the event's sender, whose authority the job
   * checks right after the guard. {@code collaborators(login:)} lists the direct, outside and team
   * collaborators (not the organisation's base permission) and needs push access to read.
   */
  static final String QUERY_WITH_SENDER =
      query(
          ", $sender: String!",
          " collaborators(login: $sender, first: 1) { edges { permission node { login } } }");

  private static String query(String variable, String collaborators) {
    return "query($owner: String!, $name: String!, $number: Int!"
        + variable
        + ") {"
        + " repository(owner: $owner, name: $name) { viewerPermission"
        + collaborators
        + " issueOrPullRequest(number: $number) { __typename"
        + " ... on Issue { "
        + FIELDS
        + " } ... on PullRequest { "
        + FIELDS
        + " } } } }";
  }

  private GitHubIssueRead() {}

  /** The request body for issue {@code number} of {@code owner/name}. */
  static Map<String, Object> body(String owner, String name, int number) {
    return Map.of(
        "query", QUERY, "variables", Map.of("owner", owner, "name", name, "number", number));
  }

  /** The request body that also asks {@code sender}'s permission ({@link #QUERY_WITH_SENDER}). */
  static Map<String, Object> body(String owner, String name, int number, String sender) {
    return Map.of(
        "query",
        QUERY_WITH_SENDER,
        "variables",
        Map.of("owner", owner, "name", name, "number", number, "sender", sender));
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Answer(@Nullable Data data, @Nullable List<GitHubWire.GraphQlError> errors) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Data(@Nullable Repository repository) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Repository(
      @Nullable String viewerPermission,
      @Nullable Collaborators collaborators,
      @Nullable Item issueOrPullRequest) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Collaborators(@Nullable List<CollaboratorEdge> edges) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record CollaboratorEdge(@Nullable String permission, @Nullable Actor node) {}

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
   * @param sender the asked user's permission where it stands for the REST answer ({@link
   *     #sender}), empty otherwise: then the adapter asks REST
   */
  record Read(
      Optional<Issue> issue,
      Optional<Permission> permission,
      Optional<List<Comment>> comments,
      Optional<Permission> sender) {}

  /** Maps an answer to the query without a sender; never throws on a strange one. */
  static Read read(Answer answer) {
    return read(answer, "");
  }

  /**
   * Maps an answer; never throws on a strange one (it reads as "ask REST").
   *
   * @param sender the user whose permission the query asked, empty when it asked none
   */
  static Read read(Answer answer, String sender) {
    Repository repository = answer.data() == null ? null : answer.data().repository();
    if (repository == null) {
      return new Read(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
    Optional<Permission> permission = permission(repository.viewerPermission());
    Optional<Permission> asked = sender(repository.collaborators(), sender);
    Item item = repository.issueOrPullRequest();
    if (!clean(answer.errors()) || item == null || item.number() < 1) {
      return new Read(Optional.empty(), permission, Optional.empty(), asked);
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
    return new Read(issue, permission, comments(item.comments()), asked);
  }

  /**
   * Whether no error touches the issue: an error about the collaborators alone (a token without
   * push access may not list them) leaves the issue as good as the REST read.
   */
  private static boolean clean(@Nullable List<GitHubWire.GraphQlError> errors) {
    if (errors == null) {
      return true;
    }
    return errors.stream()
        .allMatch(
            e ->
                e != null
                    && e.path() != null
                    && e.path().size() >= 2
                    && "repository".equals(e.path().get(0))
                    && "collaborators".equals(e.path().get(1)));
  }

  /**
   * {@code sender}'s permission from its collaborator edge, only where it cannot differ from the
   * REST endpoint's effective permission. The edges cover the direct, outside and team grants; the
   * effective permission is the highest of every grant, the organisation's base permission
   * included, which has no edge. An edge is therefore never above the effective permission but may
   * be below it: an edge that grants write or more is the answer (ADMIN, MAINTAIN and WRITE mapped
   * as {@link #permission}, as REST's legacy field names them), and a lower edge, no edge, another
   * login or an unknown word are not: then REST decides.
   */
  static Optional<Permission> sender(@Nullable Collaborators collaborators, String sender) {
    if (sender.isEmpty() || collaborators == null || collaborators.edges() == null) {
      return Optional.empty();
    }
    for (CollaboratorEdge edge : collaborators.edges()) {
      if (edge != null && sender.equalsIgnoreCase(login(edge.node()))) {
        return permission(edge.permission()).filter(Permission::canWrite);
      }
    }
    return Optional.empty();
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
