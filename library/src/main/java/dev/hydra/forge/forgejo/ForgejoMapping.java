package dev.hydra.forge.forgejo;

import dev.hydra.forge.LabelEvent;
import dev.hydra.forge.Review;
import dev.hydra.forge.forgejo.client.model.Comment;
import dev.hydra.forge.forgejo.client.model.Issue;
import dev.hydra.forge.forgejo.client.model.Label;
import dev.hydra.forge.forgejo.client.model.PRBranchInfo;
import dev.hydra.forge.forgejo.client.model.PullRequest;
import dev.hydra.forge.forgejo.client.model.Repository;
import dev.hydra.forge.forgejo.client.model.TimelineComment;
import dev.hydra.forge.forgejo.client.model.User;
import dev.hydra.forge.transport.LabelColors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Generated Forgejo models to the port's records, and the port's values to Forgejo's wire words.
 * Pure; the generated getters may return null for any field a Forgejo version leaves out.
 */
final class ForgejoMapping {

  /**
   * The title prefix Hydra writes to open a draft. Forgejo treats a pull request as work in
   * progress when its title starts with one of the instance's {@code WORK_IN_PROGRESS_PREFIXES},
   * {@code WIP:} and {@code [WIP]} by default; there is no draft flag to send.
   */
  static final String WIP_PREFIX = "WIP: ";

  private static final List<String> WIP_PREFIXES = List.of("wip:", "[wip]");

  private ForgejoMapping() {}

  /**
   * The review event word. Forgejo spells approval {@code APPROVED}; any word it does not know,
   * GitHub's {@code APPROVE} included, silently becomes a pending review.
   */
  static String event(Review.Event event) {
    return switch (event) {
      case COMMENT -> "COMMENT";
      case REQUEST_CHANGES -> "REQUEST_CHANGES";
      case APPROVE -> "APPROVED";
    };
  }

  /**
   * Forgejo's permission words ({@code none, read, write, admin, owner}) as Hydra's. Unknown words
   * are {@link dev.hydra.forge.Permission#NONE}: fail closed.
   */
  static dev.hydra.forge.Permission permission(@Nullable String word) {
    if (word == null) {
      return dev.hydra.forge.Permission.NONE;
    }
    return switch (word.strip().toLowerCase(Locale.ROOT)) {
      case "owner", "admin" -> dev.hydra.forge.Permission.ADMIN;
      case "write" -> dev.hydra.forge.Permission.WRITE;
      case "read" -> dev.hydra.forge.Permission.READ;
      default -> dev.hydra.forge.Permission.NONE;
    };
  }

  /** The token's own access, from a repository's {@code permissions}. */
  static dev.hydra.forge.Permission tokenPermission(Repository repository) {
    var p = repository.getPermissions();
    if (p == null) {
      return dev.hydra.forge.Permission.NONE;
    }
    if (Boolean.TRUE.equals(p.getAdmin())) {
      return dev.hydra.forge.Permission.ADMIN;
    }
    if (Boolean.TRUE.equals(p.getPush())) {
      return dev.hydra.forge.Permission.WRITE;
    }
    return Boolean.TRUE.equals(p.getPull())
        ? dev.hydra.forge.Permission.READ
        : dev.hydra.forge.Permission.NONE;
  }

  static dev.hydra.forge.Issue issue(Issue issue) {
    List<String> labels = new ArrayList<>();
    if (issue.getLabels() != null) {
      for (Label label : issue.getLabels()) {
        if (label.getName() != null) {
          labels.add(label.getName());
        }
      }
    }
    return new dev.hydra.forge.Issue(
        toInt(issue.getNumber()),
        orEmpty(issue.getTitle()),
        orEmpty(issue.getBody()),
        "open".equals(issue.getState()),
        login(issue.getUser()),
        labels,
        issue.getPullRequest() != null);
  }

  static dev.hydra.forge.Comment comment(Comment comment) {
    return new dev.hydra.forge.Comment(
        comment.getId() == null ? 0 : comment.getId(),
        login(comment.getUser()),
        orEmpty(comment.getBody()));
  }

  static dev.hydra.forge.LabelSpec label(Label label) {
    return new dev.hydra.forge.LabelSpec(
        orEmpty(label.getName()),
        LabelColors.normalize(label.getColor()),
        orEmpty(label.getDescription()));
  }

  static dev.hydra.forge.PullRequest pullRequest(PullRequest pr) {
    String title = orEmpty(pr.getTitle());
    PRBranchInfo head = pr.getHead();
    PRBranchInfo base = pr.getBase();
    return new dev.hydra.forge.PullRequest(
        toInt(pr.getNumber()),
        title,
        orEmpty(pr.getBody()),
        "open".equals(pr.getState()),
        pr.getDraft() != null ? pr.getDraft() : hasWipPrefix(title),
        Boolean.TRUE.equals(pr.getMerged()),
        head == null ? "" : orEmpty(head.getRef()),
        head == null ? "" : orEmpty(head.getSha()),
        base == null ? "" : orEmpty(base.getRef()),
        orEmpty(pr.getHtmlUrl()),
        pr.getUser() == null ? "" : orEmpty(pr.getUser().getLogin()),
        "",
        head == null || head.getRepo() == null ? "" : orEmpty(head.getRepo().getFullName()),
        List.of());
  }

  /** Whether {@code pr}'s head is {@code branch} of the repository itself (not a fork). */
  static boolean hasHead(PullRequest pr, String fullName, String branch) {
    PRBranchInfo head = pr.getHead();
    if (head == null || !branch.equals(head.getRef())) {
      return false;
    }
    Repository repo = head.getRepo();
    return repo != null && fullName.equalsIgnoreCase(orEmpty(repo.getFullName()));
  }

  /**
   * Who added {@code label} last, and when: timeline items of type {@code label} whose body is
   * {@code 1} (added; an empty body is a removal), oldest first.
   */
  static Optional<LabelEvent> lastLabeled(List<TimelineComment> timeline, String label) {
    LabelEvent who = null;
    for (TimelineComment item : timeline) {
      if ("label".equals(item.getType())
          && "1".equals(item.getBody())
          && item.getLabel() != null
          && label.equals(item.getLabel().getName())
          && item.getUser() != null
          && item.getUser().getLogin() != null
          && item.getCreatedAt() != null) {
        who = LabelEvent.byUser(item.getUser().getLogin(), item.getCreatedAt().toInstant());
      }
    }
    return Optional.ofNullable(who);
  }

  static boolean hasWipPrefix(String title) {
    String lower = title.toLowerCase(Locale.ROOT);
    return WIP_PREFIXES.stream().anyMatch(lower::startsWith);
  }

  /** The title with every leading work-in-progress prefix removed. */
  static String withoutWipPrefix(String title) {
    String t = title;
    boolean changed = true;
    while (changed) {
      changed = false;
      String lower = t.toLowerCase(Locale.ROOT);
      for (String prefix : WIP_PREFIXES) {
        if (lower.startsWith(prefix)) {
          t = t.substring(prefix.length()).stripLeading();
          changed = true;
          break;
        }
      }
    }
    return t;
  }

  /** The draft title Hydra sends: {@value #WIP_PREFIX} + the title, unless it already has one. */
  static String draftTitle(String title) {
    return hasWipPrefix(title) ? title : WIP_PREFIX + title;
  }

  static String login(@Nullable User user) {
    return user == null ? "" : orEmpty(user.getLogin());
  }

  static String orEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }

  private static int toInt(@Nullable Long value) {
    return value == null ? 0 : Math.toIntExact(value);
  }
}
