package dev.hydra.image.publish;

import java.util.List;

/**
 * One image the builder produced.
 *
 * @param role the role ({@code base}, {@code builder}, {@code reviewer}, {@code security}, {@code
 *     applier})
 * @param tags every reference it was tagged with: the moving tag first, then the immutable one
 * @param digest the registry digest ({@code repo@sha256:…}) when pushed, else the local image ID
 *     ({@code sha256:…})
 * @param pushed whether it was pushed
 */
public record BuiltImage(String role, List<String> tags, String digest, boolean pushed) {

  public BuiltImage {
    tags = List.copyOf(tags);
    if (tags.isEmpty()) {
      throw new IllegalArgumentException("an image has at least one tag");
    }
  }

  /** The moving reference, {@code <prefix>-<role>:<tag>}. */
  public String reference() {
    return tags.get(0);
  }
}
