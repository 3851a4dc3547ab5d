package dev.hydra.image.publish;

import java.util.List;

/** Which images to build from the repository's {@code images/} directory. */
public enum ImageSet {

  /**
   * The real personas: {@code images/base/Dockerfile} first, then {@code images/<role>/Dockerfile}
   * for each role, each built {@code FROM} the base just built (build-arg {@code HYDRA_BASE}).
   */
  PERSONAS,

  /**
   * The demo personas: {@code images/demo/Dockerfile} once per role (build-arg {@code HYDRA_ROLE}),
   * with a scripted agent; needs no network and no base image of ours.
   */
  DEMO;

  /** The persona roles, in build order; the image of role r is {@code <prefix>-r:<tag>}. */
  public static final List<String> ROLES = List.of("builder", "reviewer", "security", "applier");
}
