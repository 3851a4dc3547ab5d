package dev.hydra.route;

import dev.hydra.text.Word;

/** What a routed event runs: one of the three workflows' jobs. */
public enum Workflow implements Word {
  /**
   * The Builder implements the issue and opens a draft PR, or makes a person's one retry pass on it
   * ({@code hydra-build.yml}).
   */
  BUILD,
  /** The code and security reviewers review a {@code hydra/*} PR ({@code hydra-review.yml}). */
  REVIEW,
  /** The persona images are built and pushed ({@code hydra-image.yml}). */
  IMAGE;
}
