package dev.hydra.forge.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hydra.forge.Comment;
import dev.hydra.forge.Issue;
import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.Permission;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.transport.LabelColors;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The GitHub REST shapes the adapter reads itself (where github-api lacks the call or would cost
 * extra requests), with only the fields Hydra uses, and their mapping to the port's records. Pure:
 * tested without a server.
 */
final class GitHubWire {

  private GitHubWire() {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record User(@Nullable String login, @Nullable String type) {
    User(@Nullable String login) {
      this(login, null);
    }

    String loginOrEmpty() {
      return login == null ? "" : login;
    }

    /** Whether GitHub calls the account a bot ({@code type: Bot}). */
    boolean bot() {
      return "Bot".equalsIgnoreCase(type);
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record LabelName(@Nullable String name) {}

  /** {@code GET /repos/{o}/{r}/collaborators/{u}/permission}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record CollaboratorPermission(@Nullable String permission) {}

  /** One item of {@code GET /repos/{o}/{r}/issues/{n}/events}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record IssueEvent(
      @Nullable String event,
      @Nullable User actor,
      @Nullable LabelName label,
      @JsonProperty("created_at") @Nullable String createdAt) {}

  /** {@code POST|PATCH …/comments}, and items of {@code GET …/issues/{n}/comments}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record IssueComment(long id, @Nullable User user, @Nullable String body) {
    Comment toComment() {
      return new Comment(id, user == null ? "" : user.loginOrEmpty(), body == null ? "" : body);
    }
  }

  /** {@code GET /repos/{o}/{r}/issues/{n}}; {@code pull_request} is present for pull requests. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record IssueItem(
      int number,
      @Nullable String title,
      @Nullable String body,
      @Nullable String state,
      @Nullable User user,
      @Nullable List<LabelName> labels,
      @JsonProperty("pull_request") @Nullable Object pullRequest) {

    Issue toIssue() {
      return new Issue(
          number,
          orEmpty(title),
          orEmpty(body),
          "open".equals(state),
          user == null ? "" : user.loginOrEmpty(),
          names(labels),
          pullRequest != null);
    }
  }

  /** The label names of an issue, or of the answer of a label write. */
  static List<String> names(@Nullable List<LabelName> labels) {
    List<String> names = new ArrayList<>();
    if (labels != null) {
      for (LabelName label : labels) {
        if (label != null && label.name() != null) {
          names.add(label.name());
        }
      }
    }
    return names;
  }

  /** A repository label: items of {@code GET /repos/{o}/{r}/labels}, and its writes' answers. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Label(@Nullable String name, @Nullable String color, @Nullable String description) {
    LabelSpec toSpec() {
      return new LabelSpec(
          orEmpty(name), LabelColors.normalize(orEmpty(color)), orEmpty(description));
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Repo(@JsonProperty("full_name") @Nullable String fullName) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Branch(@Nullable String ref, @Nullable String sha, @Nullable Repo repo) {}

  /** Items of {@code GET /repos/{o}/{r}/pulls} (the "pull request simple" shape). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record PullRequestItem(
      int number,
      @JsonProperty("node_id") @Nullable String nodeId,
      @Nullable String title,
      @Nullable String body,
      @Nullable String state,
      boolean draft,
      @JsonProperty("merged_at") @Nullable String mergedAt,
      @Nullable Branch head,
      @Nullable Branch base,
      @JsonProperty("html_url") @Nullable String htmlUrl,
      @Nullable User user) {

    boolean isHeadIn(RepoRef repo, String branch) {
      return head != null
          && branch.equals(head.ref())
          && head.repo() != null
          && repo.fullName().equalsIgnoreCase(String.valueOf(head.repo().fullName()));
    }

    PullRequest toPullRequest() {
      return new PullRequest(
          number,
          orEmpty(title),
          orEmpty(body),
          "open".equals(state),
          draft,
          mergedAt != null,
          head == null ? "" : orEmpty(head.ref()),
          head == null ? "" : orEmpty(head.sha()),
          base == null ? "" : orEmpty(base.ref()),
          orEmpty(htmlUrl),
          user == null ? "" : user.loginOrEmpty(),
          orEmpty(nodeId),
          head == null || head.repo() == null ? "" : orEmpty(head.repo().fullName()),
          List.of());
    }
  }

  /**
   * One error of a GraphQL answer; {@code path} names the field it concerns (names and indices),
   * null when it concerns the whole query.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record GraphQlError(
      @Nullable String type, @Nullable String message, @Nullable List<Object> path) {}

  /** A GraphQL answer: errors come with status 200. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record GraphQlResponse(@Nullable List<GraphQlError> errors) {}

  /**
   * The legacy {@code permission} field of the collaborator-permission answer. GitHub already
   * reports maintain as {@code write} and triage as {@code read} there; {@code role_name} is
   * ignored, since a custom role can carry any name (security-anchors §1.6). Anything unknown is
   * {@link Permission#NONE}: fail closed.
   */
  static Permission permission(@Nullable String legacy) {
    if (legacy == null) {
      return Permission.NONE;
    }
    return switch (legacy.strip().toLowerCase(Locale.ROOT)) {
      case "admin" -> Permission.ADMIN;
      case "maintain" -> Permission.MAINTAIN;
      case "write" -> Permission.WRITE;
      case "triage" -> Permission.TRIAGE;
      case "read" -> Permission.READ;
      default -> Permission.NONE;
    };
  }

  /**
   * Who added {@code label} last, and when, from the issue's events in the order GitHub lists them
   * (oldest first). An event without a parseable time is skipped: fail closed.
   */
  static Optional<LabelEvent> lastLabeled(List<IssueEvent> events, String label) {
    LabelEvent last = null;
    for (IssueEvent event : events) {
      if ("labeled".equals(event.event())
          && event.label() != null
          && label.equals(event.label().name())
          && event.actor() != null
          && event.actor().login() != null
          && event.createdAt() != null) {
        try {
          last =
              new LabelEvent(
                  event.actor().login(), Instant.parse(event.createdAt()), event.actor().bot());
        } catch (DateTimeParseException e) {
          // not GitHub's ISO-8601: ignore this event
        }
      }
    }
    return Optional.ofNullable(last);
  }

  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

  /** The {@code rel="next"} URL of a {@code Link} header (RFC 8288), if any. */
  static Optional<String> nextLink(@Nullable String linkHeader) {
    if (linkHeader == null) {
      return Optional.empty();
    }
    Matcher matcher = NEXT_LINK.matcher(linkHeader);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  static String orEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }
}
