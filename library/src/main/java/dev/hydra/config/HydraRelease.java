package dev.hydra.config;

import dev.hydra.forge.ForgeType;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The release this build of Hydra is, when it is one: its version (the git tag, which is also the
 * tag of its persona images), the prefix its images were published under and the repository it was
 * released from (the action {@code hydra init} pins). A release commit writes them to {@code
 * dev/hydra/config/release.properties} ({@code tools/release prepare}); a build from any other
 * commit has no such file and is unreleased, so it has no images and no action of its own.
 *
 * @param version the release's version, for example {@code v0.2.0}; a valid image tag
 * @param imagePrefix the prefix of its persona images, for example {@code ghcr.io/acme/hydra}
 * @param repository the web URL of the repository released from, for example {@code
 *     https://github.com/acme/hydra-java}; empty when the release did not record it
 */
public record HydraRelease(String version, String imagePrefix, String repository) {

  // Docker's tag grammar (as image.ImageRef has it; the stage checks the whole reference again).
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  // A registry host (optional port) and a lower-case path; no tag, no digest.
  private static final Pattern PREFIX =
      Pattern.compile("[a-z0-9.-]+(:[0-9]{1,5})?(/[a-z0-9]+([._-]+[a-z0-9]+)*)+");
  // https://HOST[:PORT]/OWNER/NAME, nothing after.
  private static final Pattern REPOSITORY =
      Pattern.compile("https://([\\w.-]+(?::\\d{1,5})?)/([\\w.-]+/[\\w.-]+)");

  /** The resource a release commit writes, beside this class. */
  public static final String RESOURCE = "release.properties";

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when the version is not an image tag, the prefix not an image
   *     name without tag or digest, or the repository not {@code https://HOST/OWNER/NAME}
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
    if (!repository.isEmpty() && !REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException(
          "release repository " + Texts.quote(repository) + " is not https://HOST/OWNER/NAME");
    }
  }

  /** A release that did not record its repository. */
  public HydraRelease(String version, String imagePrefix) {
    this(version, imagePrefix, "");
  }

  /**
   * The action reference of this release for an adopter's workflows: {@code OWNER/NAME@VERSION} on
   * GitHub when the release is on github.com, else the full URL form {@code
   * https://HOST/OWNER/NAME@VERSION} (a Forgejo runner resolves a short form against its own
   * default actions host); empty when the release did not record its repository.
   */
  public Optional<String> action(ForgeType adopterForge) {
    Matcher m = REPOSITORY.matcher(repository);
    if (!m.matches()) {
      return Optional.empty();
    }
    boolean shortForm = adopterForge == ForgeType.GITHUB && m.group(1).equals("github.com");
    return Optional.of((shortForm ? m.group(2) : repository) + "@" + version);
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
   * The release the properties name ({@code version}, {@code images}, optional {@code repository});
   * empty when the version or the images are blank.
   *
   * @throws IllegalArgumentException when a value is present but invalid
   */
  public static Optional<HydraRelease> of(Properties props) {
    String version = props.getProperty("version", "").strip();
    String images = props.getProperty("images", "").strip();
    if (version.isEmpty() || images.isEmpty()) {
      return Optional.empty();
    }
    String repository = props.getProperty("repository", "").strip();
    return Optional.of(new HydraRelease(version, images, repository));
  }
}
