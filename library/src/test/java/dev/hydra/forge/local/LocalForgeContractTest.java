package dev.hydra.forge.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.forge.Comment;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeContractTest;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.NewPullRequest;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local forge passes the port's contract, as the GitHub and Forgejo adapters do. Every state a
 * test starts from is made through the local forge's own public methods ({@link LocalForges#init},
 * {@link LocalForge#createIssue}, {@link LocalForge#pushBranch}, …), acting as the user a real
 * forge would have seen: an issue numbered 7 is the seventh thing opened in the repository.
 */
class LocalForgeContractTest extends ForgeContractTest {

  /** Who may do what in the repository; a test's {@code stubRepository} may change it first. */
  private final Map<String, Permission> users = new LinkedHashMap<>();

  @TempDir Path dir;
  private int opened;

  @Override
  protected Forge openForge() throws ForgeException {
    users.put("hydra-reviewer", Permission.WRITE);
    users.put("hydra-builder", Permission.WRITE);
    users.put("alice", Permission.WRITE);
    users.put("bob", Permission.READ);
    users.put("carol", Permission.ADMIN);
    users.put("mallory", Permission.TRIAGE);
    LocalForges.init(dir, REPO, users, "main");
    return LocalForge.forPersona(dir, PERSONA);
  }

  @Override
  protected Forge anotherInstance() {
    return LocalForge.forPersona(dir, PERSONA);
  }

  /** The repository again with other permissions: only at a test's start, before any state. */
  private void grant(String login, Permission permission) {
    if (users.get(login) == permission) {
      return;
    }
    users.put(login, permission);
    try (Stream<Path> files = Files.walk(dir.resolve("repos"))) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
      LocalForges.init(dir, REPO, users, "main");
    } catch (IOException | ForgeException e) {
      throw new IllegalStateException(e);
    }
  }

  private LocalForge as(String login) {
    return LocalForge.asUser(dir, login);
  }

  /** Opens issues as {@code alice} until the next number is {@code number}. */
  private void openUpTo(RepoRef repo, int number) throws ForgeException {
    while (opened + 1 < number) {
      opened = as("alice").createIssue(repo, "Filler #" + (opened + 1), "").number();
    }
  }

  private void ensureLabels(RepoRef repo, Collection<String> names) throws ForgeException {
    Set<String> there = Set.copyOf(forge.labels(repo).stream().map(LabelSpec::name).toList());
    for (String name : names) {
      if (!there.contains(name)) {
        as("carol").upsertLabel(repo, new LabelSpec(name, "ededed", "A label of the test"));
      }
    }
  }

  private void issue(RepoRef repo, int number, String author, List<String> labels)
      throws ForgeException {
    openUpTo(repo, number);
    opened = as(author).createIssue(repo, "Add a greeting", "Say hello.").number();
    assertThat(opened).as("the issue's number").isEqualTo(number);
    ensureLabels(repo, labels);
    as("hydra-builder").setLabels(repo, number, Set.copyOf(labels));
  }

  private void push(RepoRef repo, PrFixture pr) throws ForgeException {
    as("hydra-builder").pushBranch(repo, pr.head(), pr.headSha());
  }

  @Override
  protected void stubCurrentUser(String login) {
    assertThat(login).as("the reviewer's login in personas.json").isEqualTo("hydra-reviewer");
  }

  @Override
  protected void stubRepository(RepoRef repo, boolean admin, boolean push) {
    grant("hydra-reviewer", admin ? Permission.ADMIN : push ? Permission.WRITE : Permission.READ);
  }

  @Override
  protected void stubUserPermission(RepoRef repo, String login, String word) {
    grant(login, Permission.valueOf(word.toUpperCase(Locale.ROOT)));
  }

  @Override
  protected void stubIssue(
      RepoRef repo, int number, String title, String author, List<String> labels, boolean pr) {
    assertThat(pr).as("the local contract opens issues only").isFalse();
    try {
      issue(repo, number, author, labels);
    } catch (ForgeException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected void stubNoIssue(RepoRef repo, int number) {
    assertThat(opened).isLessThan(number);
  }

  @Override
  protected void stubLabelHistory(RepoRef repo, int issue, List<HistoryItem> events) {
    try {
      issue(repo, issue, "alice", List.of());
      ensureLabels(repo, events.stream().map(HistoryItem::label).distinct().toList());
      for (HistoryItem event : events) {
        LocalForge actor =
            as(event.login()).withClock(Clock.fixed(Instant.parse(event.at()), ZoneOffset.UTC));
        if (event.added()) {
          actor.addLabel(repo, issue, event.label());
        } else {
          actor.takeLabel(repo, issue, event.label());
        }
      }
    } catch (ForgeException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected void stubRepoLabels(RepoRef repo, List<LabelSpec> labels) {
    try {
      for (LabelSpec label : labels) {
        as("carol").upsertLabel(repo, label);
      }
    } catch (ForgeException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected void stubLabelWrites(RepoRef repo, List<LabelSpec> repoLabels) {
    stubRepoLabels(repo, repoLabels);
  }

  @Override
  protected void stubTakeLabel(
      RepoRef repo, int issue, List<String> carried, String label, List<LabelSpec> repoLabels) {
    stubRepoLabels(repo, repoLabels);
    stubIssue(repo, issue, "Add a greeting", "alice", carried, false);
  }

  @Override
  protected void stubAddLabels(
      RepoRef repo, int issue, List<String> after, List<LabelSpec> repoLabels) {
    // The issue carries the labels before the addition: all of after but the last.
    stubRepoLabels(repo, repoLabels);
    stubIssue(repo, issue, "Add a greeting", "alice", after.subList(0, after.size() - 1), false);
  }

  @Override
  protected void stubLabelReplace(
      RepoRef repo, int issue, List<String> before, List<String> after) {
    stubIssue(repo, issue, "Add a greeting", "alice", before, false);
  }

  @Override
  protected void stubCreateComment(RepoRef repo, int issue, long id, String author) {
    stubIssue(repo, issue, "Add a greeting", "alice", List.of(), false);
  }

  @Override
  protected void stubComments(RepoRef repo, int issue, List<Comment> comments) {
    stubIssue(repo, issue, "Add a greeting", "alice", List.of(), false);
    try {
      for (Comment comment : comments) {
        long id = as(comment.author()).comment(repo, issue, comment.body()).id();
        assertThat(id).as("the comment's id").isEqualTo(comment.id());
      }
    } catch (ForgeException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected void stubOpenPulls(RepoRef repo, String branch, List<PrFixture> open) {
    try {
      for (PrFixture pr : open) {
        push(repo, pr);
        openUpTo(repo, pr.number());
        opened =
            as("hydra-builder")
                .openDraftPullRequest(
                    repo, new NewPullRequest(pr.head(), pr.base(), pr.title(), ""))
                .number();
        assertThat(opened).as("the pull request's number").isEqualTo(pr.number());
      }
    } catch (ForgeException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected void stubCreatePull(RepoRef repo, PrFixture created) {
    try {
      push(repo, created);
      openUpTo(repo, created.number());
    } catch (ForgeException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected void stubCreatePullExists(RepoRef repo) {
    // The local forge answers with the open pull request of the same head: nothing to arrange.
  }

  // What only the local forge can promise ---------------------------------------------------------

  @Test
  void replaceLabelsIfIsATrueCompareAndSet() throws Exception {
    stubRepoLabels(REPO, repoLabels());
    stubLabelReplace(REPO, 7, List.of("code-review:queued"), List.of());
    assertThat(forge.replaceLabelsIf(REPO, 7, Set.of("ready-to-build"), Set.of("build:pass")))
        .as("the labels were not the ones read")
        .isFalse();
    assertThat(forge.issue(REPO, 7).labels()).containsExactly("code-review:queued");
  }
}
