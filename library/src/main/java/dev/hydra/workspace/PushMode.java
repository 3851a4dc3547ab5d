package dev.hydra.workspace;

/** How a push may change the remote branch; none ever forces past what the runner saw. */
public enum PushMode {
  /** The branch must not exist on the remote (a builder's first push). */
  NEW_BRANCH,
  /**
   * The branch is replaced, with a lease: the remote must still hold what it held when the
   * workspace was prepared (absent included).
   */
  REPLACE,
  /**
   * The remote branch must still be at the base sha and the output must descend from it (fixes).
   */
  FAST_FORWARD
}
