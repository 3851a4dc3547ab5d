package dev.hydra.workspace;

import dev.hydra.text.Texts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a scoped pass may change (issue 13 item 4, the {@code retry:queued} fixer pass), checked on
 * the commits before anything is pushed; pure. An existing file may change only when it is in
 * {@code files}; a file the commits create (its first change in the range adds it) is allowed, as a
 * fix may need one; every commit message starts with {@code prefix}.
 *
 * @param files the existing files the pass may change, relative to the repository root
 * @param prefix what every commit message starts with
 */
public record OutputScope(Set<String> files, String prefix) {

  /** The prefix of the retry pass's commits. */
  public static final String RETRY_PREFIX = "fix (retry):";

  /** Copies the set. */
  public OutputScope {
    files = Set.copyOf(files);
  }

  /** The retry pass's scope: these files, commits prefixed {@link #RETRY_PREFIX}. */
  public static OutputScope retry(Set<String> files) {
    return new OutputScope(files, RETRY_PREFIX);
  }

  /**
   * The problems of {@code facts} against this scope, each with its fix.
   *
   * @return empty when the commits keep to the scope
   */
  public List<String> problems(OutputFacts facts) {
    List<String> problems = new ArrayList<>();
    List<OutputFacts.Commit> oldestFirst = new ArrayList<>(facts.commits());
    Collections.reverse(oldestFirst);
    Set<String> created = new HashSet<>();
    Set<String> seen = new HashSet<>();
    Set<String> refused = new LinkedHashSet<>();
    for (OutputFacts.Commit commit : oldestFirst) {
      String first = commit.messageLines().isEmpty() ? "" : commit.messageLines().get(0);
      if (!first.startsWith(prefix)) {
        problems.add(
            "commit "
                + OutputRules.abbrev(commit.sha())
                + " does not start its message with "
                + Texts.quote(prefix)
                + "; start every commit message of this pass with it");
      }
      for (OutputFacts.Change change : commit.changes()) {
        String oldPath = change.oldPath();
        String newPath = change.newPath();
        if (oldPath == null && newPath != null && seen.add(newPath)) {
          created.add(newPath); // added by this pass: a new file a fix needs
        }
        check(oldPath, created, seen, refused);
        if (oldPath != null && newPath != null && !oldPath.equals(newPath)) {
          if (seen.add(newPath)) {
            created.add(newPath); // a rename's new name
          }
        } else {
          check(newPath, created, seen, refused);
        }
      }
    }
    for (String path : refused) {
      problems.add(
          Texts.quote(path)
              + " is not one of the files the findings name; this pass may change only "
              + (files.isEmpty()
                  ? "new files"
                  : String.join(", ", files.stream().sorted().toList()))
              + " (and add new files a fix needs)");
    }
    return problems;
  }

  private void check(
      @Nullable String path, Set<String> created, Set<String> seen, Set<String> refused) {
    if (path == null) {
      return;
    }
    seen.add(path);
    if (!created.contains(path) && !files.contains(path)) {
      refused.add(path);
    }
  }
}
