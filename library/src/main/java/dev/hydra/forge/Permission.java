package dev.hydra.forge;

/** A user's or token's access to a repository, ordered from least to most. */
public enum Permission {
  NONE,
  READ,
  /** GitHub's triage role: can apply labels but not push. Never enough to carry authority. */
  TRIAGE,
  WRITE,
  /** GitHub's maintain role. */
  MAINTAIN,
  ADMIN;

  /** Whether this is write access or more: the bar for authority labels. */
  public boolean canWrite() {
    return compareTo(WRITE) >= 0;
  }
}
