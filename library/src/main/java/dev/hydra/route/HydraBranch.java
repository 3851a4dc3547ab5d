package dev.hydra.route;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The branch name Hydra's Builder pushes: {@code hydra/<issue>-<slug>}.
 *
 * <p>The issue number is the only part that carries meaning; the slug is made from the title by
 * {@link #slug} and is only for people. A name that does not match exactly is not Hydra's.
 *
 * @param issue the issue the branch implements
 * @param slug the lower-case slug after the number
 */
public record HydraBranch(int issue, String slug) {

  /** Branches Hydra owns start with this. */
  public static final String PREFIX = "hydra/";

  private static final int MAX_SLUG = 48;

  private static final Pattern NAME =
      Pattern.compile("hydra/([1-9][0-9]{0,8})-([a-z0-9]+(?:-[a-z0-9]+)*)");

  public HydraBranch {
    if (issue < 1) {
      throw new IllegalArgumentException("issue number must be positive, got " + issue);
    }
    if (slug.length() > MAX_SLUG || !slug.matches("[a-z0-9]+(?:-[a-z0-9]+)*")) {
      throw new IllegalArgumentException("invalid branch slug: " + slug);
    }
  }

  /**
   * Reads a head branch name.
   *
   * @return the branch, or empty when the name is not exactly {@code hydra/<issue>-<slug>}
   */
  public static Optional<HydraBranch> parse(String ref) {
    Matcher m = NAME.matcher(ref);
    if (!m.matches() || m.group(2).length() > MAX_SLUG) {
      return Optional.empty();
    }
    return Optional.of(new HydraBranch(Integer.parseInt(m.group(1)), m.group(2)));
  }

  /** The branch for an issue, with a slug made from its title. */
  public static HydraBranch forIssue(int issue, String title) {
    return new HydraBranch(issue, slug(title));
  }

  /**
   * Makes a slug from untrusted text: ASCII letters and digits, lower case, single hyphens, at most
   * 48 characters; {@code issue} when nothing is left. Nothing from the title can become a git
   * option or a path ({@code --upload-pack=…}, {@code ../..}).
   */
  public static String slug(String title) {
    StringBuilder out = new StringBuilder();
    boolean hyphen = false;
    for (int i = 0; i < title.length() && out.length() < MAX_SLUG; i++) {
      char c = Character.toLowerCase(title.charAt(i));
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (hyphen && out.length() > 0) {
          out.append('-');
        }
        out.append(c);
        hyphen = false;
      } else {
        hyphen = true;
      }
    }
    String slug = out.toString();
    while (slug.endsWith("-")) {
      slug = slug.substring(0, slug.length() - 1);
    }
    if (slug.length() > MAX_SLUG) {
      slug = slug.substring(0, MAX_SLUG);
    }
    while (slug.endsWith("-")) {
      slug = slug.substring(0, slug.length() - 1);
    }
    return slug.isEmpty() ? "issue" : slug;
  }

  /** The full branch name. */
  public String name() {
    return PREFIX + issue + "-" + slug;
  }

  @Override
  public String toString() {
    return name();
  }
}
