package dev.hydra.forge;

import dev.hydra.text.Texts;
import java.util.regex.Pattern;

/**
 * A repository on a forge, {@code owner/name}.
 *
 * @param owner the user or organisation that owns the repository
 * @param name the repository's name
 */
public record RepoRef(String owner, String name) {

  // GitHub and Forgejo both allow letters, digits, '-', '_' and '.'; '..' and a leading '.' are not
  // valid names and would be path traversal in an API URL.
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");

  public RepoRef {
    if (!PART.matcher(owner).matches() || owner.contains("..")) {
      throw new IllegalArgumentException("invalid repository owner " + Texts.quote(owner));
    }
    if (!PART.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException("invalid repository name " + Texts.quote(name));
    }
  }

  /** Creates a reference from its two parts. */
  public static RepoRef of(String owner, String name) {
    return new RepoRef(owner, name);
  }

  /**
   * Parses {@code owner/name}.
   *
   * @throws IllegalArgumentException when the text is not of that form
   */
  public static RepoRef parse(String fullName) {
    int slash = fullName.indexOf('/');
    if (slash < 0 || slash != fullName.lastIndexOf('/')) {
      throw new IllegalArgumentException(
          "repository " + Texts.quote(fullName) + " is not of the form owner/name");
    }
    return new RepoRef(fullName.substring(0, slash), fullName.substring(slash + 1));
  }

  /** Returns {@code owner/name}. */
  public String fullName() {
    return owner + "/" + name;
  }

  @Override
  public String toString() {
    return fullName();
  }
}
