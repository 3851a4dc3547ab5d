package dev.hydra.verdict;

/**
 * One finding of a review, or one fix a reviewer applied.
 *
 * @param severity how serious it is
 * @param file path relative to the repository root, empty when not about one file
 * @param line line in the new file, 0 when not about one line
 * @param rule the rule or weakness id, for example {@code CWE-89}; may be empty
 * @param message what is wrong or what was fixed (untrusted text from the agent)
 */
public record Finding(Severity severity, String file, int line, String rule, String message) {

  public Finding {
    if (line < 0) {
      throw new IllegalArgumentException("line must not be negative, got " + line);
    }
    if (file.startsWith("/")
        || file.equals("..")
        || file.startsWith("../")
        || file.contains("/../")
        || file.endsWith("/..")) {
      throw new IllegalArgumentException("finding file must be relative without '..': " + file);
    }
  }
}
