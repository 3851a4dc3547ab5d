package dev.hydra.route;

/** What a routed event runs: one of the three workflows' jobs. */
public enum PipelineStage {
  /** The Builder implements the issue and opens a draft PR ({@code hydra-build.yml}). */
  BUILD("build"),
  /** The code and security reviewers review a {@code hydra/*} PR ({@code hydra-review.yml}). */
  REVIEW("review"),
  /** The persona images are built and pushed ({@code hydra-image.yml}). */
  IMAGE("image");

  private final String id;

  PipelineStage(String id) {
    this.id = id;
  }

  /** The name in machine output. */
  public String id() {
    return id;
  }
}
