package dev.hydra.config;

import dev.hydra.text.Texts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The release this build of Hydra is, when it is one: its version (the git tag, which is also the
 * tag of its persona images) and the prefix its images were published under. A release commit
 * writes them to {@code dev/hydra/config/release.properties} ({@code tools/release-prepare}); a
 * build from any other commit has no such file and is unreleased, so it has no images of its own.
 *
 * @param version the release's version, for example {@code v0.2.0}; a valid image tag
 * @param imagePrefix the prefix of its persona images, for example {@code ghcr.io/acme/hydra}
 */
public record HydraRelease(String version, String imagePrefix) {

  // Docker's tag grammar (as image.ImageRef has it; the stage checks the whole reference again).
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  // A registry host (optional port) and a lower-case path; no tag, no digest.
  private static final Pattern PREFIX =
      Pattern.compile("[a-z0-9.-]+(:[0-9]{1,5})?(/[a-z0-9]+([._-]+[a-z0-9]+)*)+");

  /** The resource a release commit writes, beside this class. */
  public static final String RESOURCE = "release.properties";

  /**
   * Checks both values.
   *
   * @throws IllegalArgumentException when the version is not an image tag or the prefix not an
   *     image name without tag or digest
   */
  public HydraRelease {
    if (!TAG.matcher(version).matches()) {
      throw new IllegalArgumentException(
          "release version " + Texts.quote(version) + " is not an image tag");
    }
    if (!PREFIX.matcher(imagePrefix).matches()) {
      throw new IllegalArgumentException(
          "release image prefix "
              + Texts.quote(imagePrefix)
              + " is not an image name without tag or digest");
    }
  }

  /** The release this jar was built as, or empty for an unreleased build. */
  public static Optional<HydraRelease> bundled() {
    try (InputStream in = HydraRelease.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return Optional.empty();
      }
      Properties props = new Properties();
      props.load(in);
      return of(props);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The release the properties name ({@code version}, {@code images}); empty when either is blank.
   *
   * @throws IllegalArgumentException when a value is present but invalid
   */
  public static Optional<HydraRelease> of(Properties props) {
    String version = props.getProperty("version", "").strip();
    String images = props.getProperty("images", "").strip();
    if (version.isEmpty() || images.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new HydraRelease(version, images));
  }
}
