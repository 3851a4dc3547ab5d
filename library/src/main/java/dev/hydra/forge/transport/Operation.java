package dev.hydra.forge.transport;

import dev.hydra.forge.ForgeType;

/**
 * The operations of the {@link dev.hydra.forge.Forge} port, with what each needs from the token on
 * each forge. Messages quote these, so an operator reads the exact permission to grant.
 *
 * <p>GitHub: fine-grained personal access token permissions (a classic token needs {@code repo}).
 * Forgejo: access-token scopes, plus the account's access to the repository. See docs/forges.md.
 */
public enum Operation {
  CURRENT_USER(
      "read its own user", "no particular permission (any valid token)", "the `read:user` scope"),
  TOKEN_PERMISSION(
      "read the repository",
      "`Metadata: read` on the repository",
      "the `read:repository` scope and access to the repository"),
  USER_PERMISSION(
      "read a user's permission on",
      "`Metadata: read` on the repository",
      "repository admin rights (Forgejo answers only admins), which a persona must not have:"
          + " list the trusted labelers in HYDRA_TRUSTED_LABELERS instead"),
  READ_ISSUE("read", "`Issues: read`", "the `read:issue` scope"),
  LABEL_HISTORY("read the label history of", "`Issues: read`", "the `read:issue` scope"),
  SET_LABELS(
      "write labels on",
      "`Issues: write` (`Pull requests: write` for a pull request)",
      "the `write:issue` scope and write access to the repository"),
  LIST_LABELS("list the labels of", "`Issues: read`", "the `read:issue` scope"),
  UPSERT_LABEL(
      "create or update labels in",
      "`Issues: write`",
      "the `write:issue` scope and write access to the repository"),
  COMMENT(
      "comment on",
      "`Issues: write` (`Pull requests: write` for a pull request)",
      "the `write:issue` scope"),
  LIST_COMMENTS("list the comments of", "`Issues: read`", "the `read:issue` scope"),
  EDIT_COMMENT(
      "edit its comment on",
      "`Issues: write` (`Pull requests: write` for a pull request)",
      "the `write:issue` scope"),
  FIND_PULL_REQUEST(
      "list the pull requests of", "`Pull requests: read`", "the `read:repository` scope"),
  OPEN_PULL_REQUEST(
      "open a draft pull request in",
      "`Pull requests: write` (and `Contents: write` to push the branch)",
      "the `write:repository` scope and write access to the repository"),
  MARK_READY(
      "mark ready for review",
      "`Pull requests: write`",
      "the `write:repository` scope and write access to the repository"),
  REOPEN_PULL_REQUEST(
      "close and reopen",
      "`Pull requests: write`",
      "the `write:repository` scope and write access to the repository"),
  MERGE(
      "merge",
      "`Contents: write` and `Pull requests: write`, and branch protection must allow it",
      "the `write:repository` scope and write access, and branch protection must allow it"),
  REVIEW(
      "review",
      "`Pull requests: write`",
      "the `write:repository` scope and read access to the repository"),
  COMMIT_STATUS(
      "set a commit status on",
      "`Commit statuses: write`",
      "the `write:repository` scope and write access to the repository");

  private final String action;
  private final String github;
  private final String forgejo;

  Operation(String action, String github, String forgejo) {
    this.action = action;
    this.github = github;
    this.forgejo = forgejo;
  }

  /** What the operation does, as a verb phrase that takes the target: "write labels on". */
  public String action() {
    return action;
  }

  /** What the token needs on {@code forge} for this operation. */
  public String permission(ForgeType forge) {
    return forge == ForgeType.GITHUB ? github : forgejo;
  }
}
