package dev.hydra.workspace;

import dev.hydra.secret.SecretMasker;
import dev.hydra.text.Texts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The rules a stage's output must keep before the runner pushes it (SPEC §5, issue 10 "outputs
 * out"); pure. Every problem is reported, each with its fix; secret values are never quoted, only
 * the file and line that hold one.
 */
public final class OutputRules {

  /** git's mode of a submodule entry (a gitlink). */
  static final int GITLINK = 0160000;

  private static final List<String> PROTECTED = List.of(".github", ".forgejo");

  private OutputRules() {}

  /**
   * Checks an output.
   *
   * @return the problems, each with its fix; empty when the output may be pushed
   */
  public static List<String> problems(OutputFacts facts, OutputLimits limits, SecretMasker masker) {
    List<String> problems = new ArrayList<>();
    String expected = "refs/heads/" + facts.branch();
    if (!facts.refs().equals(List.of(expected))) {
      problems.add(
          "the bundle must carry exactly the ref "
              + Texts.quote(expected)
              + ", it carries "
              + (facts.refs().isEmpty() ? "none" : Texts.quote(String.join(", ", facts.refs())))
              + "; commit on the checked-out branch $HYDRA_BRANCH and do not rename it");
    }
    if (facts.headSha() != null && !facts.headDescendsFromBase()) {
      problems.add(
          "the branch does not build on "
              + abbrev(facts.baseSha())
              + " ($HYDRA_BASE_SHA); commit on top of the prepared checkout, do not reset or"
              + " rebase it");
    }
    List<String> roots = new ArrayList<>();
    for (OutputFacts.Commit commit : facts.commits()) {
      if (commit.parents().isEmpty()) {
        roots.add(abbrev(commit.sha()));
      }
    }
    if (!roots.isEmpty()) {
      problems.add(
          "commit "
              + String.join(", ", roots)
              + " starts an unrelated history; every new commit must descend from $HYDRA_BASE_SHA");
    }
    limits(facts, limits, problems);
    paths(facts, problems);
    secrets(facts, masker, problems);
    return problems;
  }

  /** Every path the commits touch, in order of first appearance. */
  static List<String> changedPaths(OutputFacts facts) {
    Set<String> paths = new LinkedHashSet<>();
    for (OutputFacts.Commit commit : facts.commits()) {
      for (OutputFacts.Change change : commit.changes()) {
        addIfPresent(paths, change.oldPath());
        addIfPresent(paths, change.newPath());
      }
    }
    return List.copyOf(paths);
  }

  /** True for {@code .github} and {@code .forgejo} at the top, in any case, and what is below. */
  static boolean isProtected(String path) {
    String lower = path.toLowerCase(Locale.ROOT);
    for (String dir : PROTECTED) {
      if (lower.equals(dir) || lower.startsWith(dir + "/")) {
        return true;
      }
    }
    return false;
  }

  private static void limits(OutputFacts facts, OutputLimits limits, List<String> problems) {
    if (facts.bundleBytes() > limits.maxBundleBytes()) {
      problems.add(
          "the bundle has "
              + facts.bundleBytes()
              + " bytes, more than the limit of "
              + limits.maxBundleBytes()
              + "; commit less (no build output, no generated or vendored files)");
    }
    if (facts.commits().size() > limits.maxCommits()) {
      problems.add(
          "the branch has "
              + facts.commits().size()
              + " new commits, more than the limit of "
              + limits.maxCommits()
              + "; squash them");
    }
    int files = changedPaths(facts).size();
    if (files > limits.maxChangedFiles()) {
      problems.add(
          "the commits change "
              + files
              + " files, more than the limit of "
              + limits.maxChangedFiles()
              + "; change fewer files");
    }
    for (OutputFacts.Commit commit : facts.commits()) {
      for (OutputFacts.Change change : commit.changes()) {
        if (change.newBytes() > limits.maxFileBytes() && change.newPath() != null) {
          problems.add(
              Texts.quote(change.newPath())
                  + " has "
                  + change.newBytes()
                  + " bytes in commit "
                  + abbrev(commit.sha())
                  + ", more than the limit of "
                  + limits.maxFileBytes()
                  + " per file; do not commit large or generated files");
        }
      }
    }
  }

  private static void paths(OutputFacts facts, List<String> problems) {
    for (OutputFacts.Commit commit : facts.commits()) {
      for (OutputFacts.Change change : commit.changes()) {
        String path = change.newPath() != null ? change.newPath() : change.oldPath();
        if (isProtectedChange(change)) {
          problems.add(
              "commit "
                  + abbrev(commit.sha())
                  + " changes "
                  + describe(change)
                  + ": nothing under .github/ or .forgejo/ may change (workflows run with the"
                  + " repository's rights); leave those folders alone");
        }
        if (change.oldMode() == GITLINK || change.newMode() == GITLINK) {
          problems.add(
              "commit "
                  + abbrev(commit.sha())
                  + " changes the submodule "
                  + Texts.quote(String.valueOf(path))
                  + "; submodules may not be added, moved or changed by a stage");
        }
      }
    }
  }

  private static String describe(OutputFacts.Change change) {
    String oldPath = change.oldPath();
    String newPath = change.newPath();
    if (oldPath == null) {
      return Texts.quote(String.valueOf(newPath));
    }
    if (newPath == null) {
      return Texts.quote(oldPath) + " (deleted)";
    }
    return oldPath.equals(newPath)
        ? Texts.quote(newPath)
        : Texts.quote(oldPath) + " (renamed to " + Texts.quote(newPath) + ")";
  }

  private static boolean isProtectedChange(OutputFacts.Change change) {
    return (change.oldPath() != null && isProtected(change.oldPath()))
        || (change.newPath() != null && isProtected(change.newPath()));
  }

  private static void secrets(OutputFacts facts, SecretMasker masker, List<String> problems) {
    if (masker.isEmpty()) {
      return;
    }
    for (OutputFacts.Commit commit : facts.commits()) {
      for (int i = 0; i < commit.messageLines().size(); i++) {
        if (holdsSecret(masker, commit.messageLines().get(i))) {
          problems.add(
              "the message of commit "
                  + abbrev(commit.sha())
                  + " holds a secret on line "
                  + (i + 1)
                  + "; never write a token anywhere");
        }
      }
      for (OutputFacts.Change change : commit.changes()) {
        for (OutputFacts.Line line : change.added()) {
          if (holdsSecret(masker, line.text())) {
            problems.add(
                Texts.quote(String.valueOf(change.newPath()))
                    + " line "
                    + line.number()
                    + " in commit "
                    + abbrev(commit.sha())
                    + " holds a secret; never write a token anywhere");
          }
        }
      }
    }
  }

  private static boolean holdsSecret(SecretMasker masker, String line) {
    // maskDecoded: every literal encoding of mask(), and also a secret hidden by JSON escapes.
    return !masker.maskDecoded(line).equals(line);
  }

  private static void addIfPresent(Set<String> paths, @Nullable String path) {
    if (path != null) {
      paths.add(path);
    }
  }

  static String abbrev(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }
}
