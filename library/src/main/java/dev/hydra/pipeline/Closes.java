package dev.hydra.pipeline;

import dev.hydra.forge.PullRequest;
import dev.hydra.route.HydraBranch;
import dev.hydra.text.Texts;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Closes #N} link of a Hydra pull request: the builder's PR body gets one for its issue,
 * and a review runs only when the body's links and the branch name the same issue.
 */
final class Closes {

  private static final Pattern CLOSES =
      Pattern.compile(
          "(?i)\\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\\s*:?\\s+#([1-9][0-9]{0,8})\\b");

  private Closes() {}

  /** The issues a pull request body closes, by GitHub's closing keywords. */
  static Set<Integer> issues(String body) {
    Set<Integer> numbers = new TreeSet<>();
    Matcher m = CLOSES.matcher(body);
    while (m.find()) {
      numbers.add(Integer.parseInt(m.group(1)));
    }
    return numbers;
  }

  /** The body, with {@code Closes #number} appended unless it closes that issue already. */
  static String appendTo(String body, int number) {
    return issues(body).contains(number) ? body : body + "\n\nCloses #" + number;
  }

  /** Why the PR's branch and its {@code Closes #N} disagree, if they do. */
  static Optional<String> mismatch(PullRequest pr) {
    Optional<HydraBranch> branch = HydraBranch.parse(pr.head());
    if (branch.isEmpty()) {
      return Optional.of("head branch " + Texts.quote(pr.head()) + " is not a Hydra branch");
    }
    int number = branch.get().issue();
    Set<Integer> closes = issues(pr.body());
    if (closes.equals(Set.of(number))) {
      return Optional.empty();
    }
    return Optional.of(
        "PR #"
            + pr.number()
            + " is on branch "
            + Texts.quote(pr.head())
            + " (issue #"
            + number
            + ") but its body "
            + (closes.isEmpty() ? "closes no issue" : "closes " + hashes(closes))
            + "; Hydra reviews a PR only when both name the same issue");
  }

  /** The issue of a PR whose {@link #mismatch} is empty. */
  static int issueOf(PullRequest pr) {
    return HydraBranch.parse(pr.head()).orElseThrow().issue();
  }

  private static String hashes(Set<Integer> numbers) {
    return String.join(", ", numbers.stream().map(n -> "#" + n).toList());
  }
}
