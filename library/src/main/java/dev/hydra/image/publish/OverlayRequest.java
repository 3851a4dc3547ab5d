package dev.hydra.image.publish;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code hydra image build --overlay DIR} builds: for each role, Hydra's own image {@code
 * <fromPrefix>-<role>:<fromTag>} plus the overlay's layer, tagged {@code <prefix>-<role>:<fromTag>-
 * <hash>} (immutable, {@link OverlayContext#hash}) and {@code <prefix>-<role>:<tag>} (moving).
 *
 * @param hydraImages Hydra's own {@code images/} (never the adopter's)
 * @param overlay the validated overlay
 * @param prefix the customised images' name prefix
 * @param tag the moving tag the stages run ({@code HYDRA_IMAGE_TAG}, default {@code latest})
 * @param fromPrefix the prefix of Hydra's images it customises
 * @param fromTag their tag: Hydra's version, the first part of every immutable tag
 * @param roles the roles to build, in order
 * @param push whether to push every tag and report registry digests
 * @param source the repository URL for the OCI source label, or null
 * @param stamps per role, the last commit of the overlay files it consumes
 */
public record OverlayRequest(
    Path hydraImages,
    ImageOverlay overlay,
    String prefix,
    String tag,
    String fromPrefix,
    String fromTag,
    List<String> roles,
    boolean push,
    @Nullable String source,
    Map<String, Stamp> stamps) {

  /**
   * The commit of a role's overlay files: the OCI revision and created labels, so that nothing
   * about the build's own time enters an image.
   *
   * @param revision the commit id, or null when not committed
   * @param created its commit time, or null (then the created time of Hydra's image)
   */
  public record Stamp(@Nullable String revision, @Nullable Instant created) {
    /** No commit known. */
    public static final Stamp NONE = new Stamp(null, null);
  }

  public OverlayRequest {
    roles = List.copyOf(roles);
    stamps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stamps));
  }

  /** {@code <prefix>-<role>}. */
  public String repository(String role) {
    return prefix + "-" + role;
  }

  /** Hydra's image of a role: {@code <fromPrefix>-<role>:<fromTag>}. */
  public String from(String role) {
    return fromPrefix + "-" + role + ":" + fromTag;
  }

  /** The immutable tag for a content hash: {@code <fromTag>-<first 12 hex digits>}. */
  public String immutableTag(String hash) {
    return fromTag + "-" + hash.substring(0, 12);
  }

  /** The commit of a role's overlay files. */
  public Stamp stamp(String role) {
    return stamps.getOrDefault(role, Stamp.NONE);
  }
}
