package dev.hydra.forge.local;

import static dev.hydra.forge.local.LocalTimeline.esc;

import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.local.LocalFiles.LabelEventFile;
import dev.hydra.forge.local.LocalFiles.LabelFile;
import dev.hydra.forge.local.LocalFiles.RepoFile;
import dev.hydra.forge.local.LocalFiles.ThreadFile;
import dev.hydra.text.Texts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The labels on the local forge's issues: every label write is one locked step that needs triage
 * access and labels that exist in {@code repo.json}, and records a label event per label added or
 * removed (with the login as actor) and one timeline line.
 */
record LocalLabels(LocalStore store, LocalAccess access, LocalTimeline timeline) {

  /** The work of a label write on one issue, as {@code login}, given the issue as it is. */
  @FunctionalInterface
  interface LabelWrite<T> {
    T apply(String login, ThreadFile issue) throws ForgeException;
  }

  /**
   * One locked label write on an issue: triage access, the issue read, every label of {@code
   * mustExist} in the repository, then {@code work}.
   */
  <T> T write(RepoRef repo, int issue, String action, Set<String> mustExist, LabelWrite<T> work)
      throws ForgeException {
    return access.write(
        repo,
        Permission.TRIAGE,
        action,
        (login, r) -> {
          ThreadFile t = store.existingThread(repo, issue);
          requireLabelsExist(repo, r, mustExist, action);
          return work.apply(login, t);
        });
  }

  boolean relabel(RepoRef repo, int number, ThreadFile t, Set<String> next, String login)
      throws ForgeException {
    Set<String> current = new LinkedHashSet<>(t.labels());
    if (current.equals(Set.copyOf(next))) {
      return false;
    }
    String at = timeline.now();
    List<String> labels = new ArrayList<>();
    List<LabelEventFile> events = new ArrayList<>(t.labelEvents());
    List<String> removed = new ArrayList<>();
    for (String label : current) {
      if (next.contains(label)) {
        labels.add(label);
      } else {
        removed.add(label);
        events.add(new LabelEventFile(label, LocalFiles.REMOVED, login, at));
      }
    }
    List<String> added = new ArrayList<>(new TreeSet<>(next));
    added.removeAll(current);
    for (String label : added) {
      labels.add(label);
      events.add(new LabelEventFile(label, LocalFiles.ADDED, login, at));
    }
    store.writeThread(repo, number, t.withLabels(labels, events));
    StringBuilder line = new StringBuilder("labels #").append(number).append(" -> ");
    line.append(
        labels.isEmpty()
            ? "(none)"
            : String.join(", ", labels.stream().map(LocalTimeline::esc).toList()));
    line.append(" (");
    List<String> changes = new ArrayList<>();
    added.forEach(l -> changes.add("+" + esc(l)));
    removed.forEach(l -> changes.add("-" + esc(l)));
    line.append(String.join(" ", changes)).append(')');
    timeline.append(repo, line.toString());
    return true;
  }

  private void requireLabelsExist(RepoRef repo, RepoFile r, Set<String> labels, String action)
      throws ForgeException {
    Map<String, String> byLowerCase = new HashMap<>();
    Set<String> names = new TreeSet<>();
    for (LabelFile l : r.labels()) {
      names.add(l.name());
      byLowerCase.putIfAbsent(l.name().toLowerCase(Locale.ROOT), l.name());
    }
    for (String label : new TreeSet<>(labels)) {
      if (names.contains(label)) {
        continue;
      }
      String near = byLowerCase.get(label.toLowerCase(Locale.ROOT));
      throw new ForgeConflictException(
          "local forge: cannot "
              + action
              + " in "
              + repo
              + " as "
              + access.persona()
              + ": label "
              + Texts.quote(label)
              + " does not exist in the repository"
              + (near == null ? "" : " (it has " + Texts.quote(near) + ", which differs in case)")
              + "; seed the labels (Forge.upsertLabel, as `hydra labels` does) or add it to "
              + store.repoFile(repo),
          422,
          null);
    }
  }
}
