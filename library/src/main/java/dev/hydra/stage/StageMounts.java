package dev.hydra.stage;

import dev.hydra.text.Texts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the runner prepared for one stage container (runner ⇄ image contract v2): the workspace
 * folder, mounted read-write at {@value #WORKSPACE} ({@code repo/}, the prepared clone, and {@code
 * out/}), the input folder, mounted read-only at {@value #INPUT} ({@code issue.md}, for reviews
 * {@code pull-request.md} and {@code pull-request.diff}, {@code spec/}), and the variables that
 * describe them.
 *
 * @param workspace the host folder mounted at {@value #WORKSPACE}
 * @param input the host folder mounted at {@value #INPUT}
 * @param env only {@code HYDRA_BRANCH} (the branch checked out), {@code HYDRA_BASE_SHA} (40 hex
 *     digits: the commit the output builds on) and {@code SPEC_PATH} (exactly {@value #SPEC}, when
 *     the input holds a spec folder); plain values, never a secret
 */
public record StageMounts(Path workspace, Path input, Map<String, String> env) {

  /** Where the workspace is mounted. */
  public static final String WORKSPACE = "/workspace";

  /** Where the input folder is mounted, read-only; {@code HYDRA_INPUT} says so. */
  public static final String INPUT = "/input";

  /** Where the spec folder is, inside the input folder; {@code SPEC_PATH} says so. */
  public static final String SPEC = INPUT + "/spec";

  /** The variables a caller may set. */
  public static final Set<String> NAMES = Set.of("HYDRA_BRANCH", "HYDRA_BASE_SHA", "SPEC_PATH");

  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
  // A git branch name as the contract needs it: no spaces, controls, '..', or a leading '-'.
  private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");

  /**
   * Checks the variables.
   *
   * @throws IllegalArgumentException naming a variable that is not one of {@link #NAMES} or a value
   *     it may not have
   */
  public StageMounts {
    workspace = workspace.toAbsolutePath().normalize();
    input = input.toAbsolutePath().normalize();
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException(
            "a stage's mounts may set only HYDRA_BRANCH, HYDRA_BASE_SHA and SPEC_PATH, not "
                + Texts.quote(name));
      }
      boolean valid =
          switch (name) {
            case "HYDRA_BASE_SHA" -> SHA.matcher(value).matches();
            case "SPEC_PATH" -> value.equals(SPEC);
            default -> BRANCH.matcher(value).matches() && !value.contains("..");
          };
      if (!valid) {
        throw new IllegalArgumentException(
            name
                + " "
                + Texts.quote(value)
                + " is not valid: HYDRA_BASE_SHA is 40 lower-case hex digits, SPEC_PATH is "
                + SPEC
                + ", HYDRA_BRANCH a branch name");
      }
    }
    env = Map.copyOf(new LinkedHashMap<>(env));
  }

  /** The same folders, no variables. */
  public static StageMounts of(Path workspace, Path input) {
    return new StageMounts(workspace, input, Map.of());
  }
}
