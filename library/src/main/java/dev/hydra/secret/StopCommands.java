package dev.hydra.secret;

import java.util.regex.Pattern;

/**
 * A pair of Actions log lines that switch workflow-command processing off and back on around
 * untrusted output, so that a line such as {@code ::add-mask::…} or {@code ::error::…} printed by
 * an agent is shown literally instead of obeyed.
 *
 * <p>Print {@link #stopLine()}, the untrusted lines, then {@link #resumeLine()}. The token must be
 * unguessable by whoever wrote the untrusted output, or it could print the resume line itself; use
 * a fresh one per block ({@link WorkflowCommands#stopCommands()}).
 *
 * @param token at least 32 lower-case hex digits (128 bits)
 */
public record StopCommands(String token) {

  private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{32,}");

  /**
   * Checks the token.
   *
   * @throws IllegalArgumentException when it is not at least 32 lower-case hex digits
   */
  public StopCommands {
    if (!TOKEN.matcher(token).matches()) {
      throw new IllegalArgumentException(
          "a stop-commands token must be at least 32 lower-case hex digits (128 random bits)");
    }
  }

  /** {@code ::stop-commands::<token>}: the runner stops processing workflow commands. */
  public String stopLine() {
    return "::stop-commands::" + token;
  }

  /** {@code ::<token>::}: the runner processes workflow commands again. */
  public String resumeLine() {
    return "::" + token + "::";
  }
}
