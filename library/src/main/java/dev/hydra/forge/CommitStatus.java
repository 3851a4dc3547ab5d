package dev.hydra.forge;

/**
 * A status on a commit, shown beside the pull request.
 *
 * @param state the state
 * @param context the name of the check, for example {@code hydra/code-review}
 * @param description one line for people
 * @param targetUrl where details are, empty for none
 */
public record CommitStatus(State state, String context, String description, String targetUrl) {

  /** The states both forges know. */
  public enum State {
    PENDING,
    SUCCESS,
    FAILURE,
    ERROR
  }
}
