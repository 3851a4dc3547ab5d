package dev.hydra.config;

import dev.hydra.forge.ForgeType;
import dev.hydra.text.Texts;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one default of the persona images, shared by the stages ({@code hydra run}, {@link
 * StageSettings#from}) and {@code hydra image build}, so that what a build pushes by default is
 * what a run pulls by default. In order:
 *
 * <ol>
 *   <li>{@code HYDRA_IMAGE_PREFIX} (a repository variable): the adopter's own images, tag {@code
 *       HYDRA_IMAGE_TAG} or {@code latest};
 *   <li>a released Hydra ({@link HydraRelease}): the images of its own release, tag {@code
 *       HYDRA_IMAGE_TAG} or the release's version;
 *   <li>an unreleased Hydra in Actions: {@code ghcr.io/<owner>/hydra} on GitHub, {@code <forge
 *       host>/<owner>/hydra} on Forgejo (where the repository's own {@code hydra-image.yml}
 *       pushes), tag {@code HYDRA_IMAGE_TAG} or {@code latest};
 *   <li>else no default: an {@link InvalidConfigurationException} that says what to set.
 * </ol>
 *
 * <p>Digests ({@code HYDRA_IMAGE_DIGEST_<ROLE>}) pin whichever images are chosen. Pure.
 */
public final class ImageDefaults {

  /** The moving tag of an unreleased build's images. */
  public static final String LATEST = "latest";

  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");

  private ImageDefaults() {}

  /**
   * The images chosen and why.
   *
   * @param prefix the image name prefix; role {@code r} is {@code <prefix>-r}
   * @param tag the tag
   * @param origin where they come from, for the log: {@code HYDRA_IMAGE_PREFIX}, {@code the images
   *     of Hydra v0.2.0} or {@code the default on github}
   */
  public record Choice(String prefix, String tag, String origin) {}

  /**
   * Chooses the images.
   *
   * @param env the environment, read once by the command line
   * @param release the release this build is, if any ({@link HydraRelease#bundled()})
   * @throws InvalidConfigurationException when nothing names them and there is no default; the
   *     message says what to set
   */
  public static Choice choose(Map<String, String> env, Optional<HydraRelease> release)
      throws InvalidConfigurationException {
    String tag = env.getOrDefault("HYDRA_IMAGE_TAG", "").strip();
    if (tag.isEmpty()) {
      tag = defaultTag(env, release);
    }
    String prefix = env.getOrDefault("HYDRA_IMAGE_PREFIX", "").strip();
    if (!prefix.isEmpty()) {
      return new Choice(prefix, tag, "HYDRA_IMAGE_PREFIX");
    }
    if (release.isPresent()) {
      return new Choice(
          release.get().imagePrefix(), tag, "the images of Hydra " + release.get().version());
    }
    return actions(env, tag);
  }

  /**
   * The tag when {@code HYDRA_IMAGE_TAG} is unset: the release's version for the release's own
   * images, else {@code latest}.
   *
   * @param env the environment
   * @param release the release this build is, if any
   */
  public static String defaultTag(Map<String, String> env, Optional<HydraRelease> release) {
    boolean ownImages = !env.getOrDefault("HYDRA_IMAGE_PREFIX", "").isBlank();
    return release.isPresent() && !ownImages ? release.get().version() : LATEST;
  }

  /**
   * Like {@link #choose}, but empty instead of an exception when there is no default.
   *
   * @param env the environment
   * @param release the release this build is, if any
   */
  public static Optional<Choice> find(Map<String, String> env, Optional<HydraRelease> release) {
    try {
      return Optional.of(choose(env, release));
    } catch (InvalidConfigurationException e) {
      return Optional.empty();
    }
  }

  /**
   * The images of the repository itself, never a release's: {@code HYDRA_IMAGE_PREFIX}, else {@code
   * ghcr.io/<owner>/hydra} on GitHub and {@code <forge host>/<owner>/hydra} on Forgejo in Actions;
   * tag {@code HYDRA_IMAGE_TAG} or {@code latest}. Where an adopter's customised images go ({@code
   * hydra image build --overlay}), which the stages run once {@code HYDRA_IMAGE_PREFIX} names them.
   *
   * @param env the environment
   * @throws InvalidConfigurationException when nothing names them and this is not Actions
   */
  public static Choice repository(Map<String, String> env) throws InvalidConfigurationException {
    String tag = env.getOrDefault("HYDRA_IMAGE_TAG", "").strip();
    tag = tag.isEmpty() ? LATEST : tag;
    String prefix = env.getOrDefault("HYDRA_IMAGE_PREFIX", "").strip();
    if (!prefix.isEmpty()) {
      return new Choice(prefix, tag, "HYDRA_IMAGE_PREFIX");
    }
    return actions(env, tag);
  }

  // An unreleased build in Actions: the registry of the forge the repository lives on.
  private static Choice actions(Map<String, String> env, String tag)
      throws InvalidConfigurationException {
    String unset =
        "HYDRA_IMAGE_PREFIX is not set, this Hydra is not a release (which would run its own"
            + " release's images), and ";
    ForgeType forge;
    try {
      forge = ForgeSelection.resolve("", env).type();
    } catch (InvalidConfigurationException e) {
      throw new InvalidConfigurationException(
          unset
              + "this is not a GitHub or Forgejo Actions run; set HYDRA_IMAGE_PREFIX (for example"
              + " localhost/hydra, the images `hydra image build --prefix localhost/hydra` builds"
              + " here)");
    }
    String owner = owner(env);
    if (owner == null) {
      throw new InvalidConfigurationException(
          unset + "GITHUB_REPOSITORY_OWNER is not set; set HYDRA_IMAGE_PREFIX");
    }
    String server = env.getOrDefault("GITHUB_SERVER_URL", "").strip();
    if (forge == ForgeType.GITHUB) {
      if (!server.isEmpty() && !server.equalsIgnoreCase("https://github.com")) {
        throw new InvalidConfigurationException(
            unset
                + "this is GitHub Enterprise Server ("
                + Texts.quote(server)
                + "), whose registry Hydra does not guess; set HYDRA_IMAGE_PREFIX, for example"
                + " containers.<host>/"
                + owner
                + "/hydra");
      }
      return new Choice("ghcr.io/" + owner + "/hydra", tag, "the default on github");
    }
    String host = serverHost(server);
    if (host == null) {
      throw new InvalidConfigurationException(
          unset
              + "GITHUB_SERVER_URL ("
              + Texts.quote(server)
              + ") names no host for the Forgejo registry; set HYDRA_IMAGE_PREFIX, for example"
              + " codeberg.org/"
              + owner
              + "/hydra");
    }
    return new Choice(host + "/" + owner + "/hydra", tag, "the default on " + forge.id());
  }

  // Registry paths are lower-case; owners on both forges are not.
  private static @Nullable String owner(Map<String, String> env) {
    String owner = env.getOrDefault("GITHUB_REPOSITORY_OWNER", "").strip();
    if (owner.isEmpty()) {
      String repository = env.getOrDefault("GITHUB_REPOSITORY", "").strip();
      int slash = repository.indexOf('/');
      owner = slash > 0 ? repository.substring(0, slash) : "";
    }
    if (!OWNER.matcher(owner).matches()) {
      return null;
    }
    return owner.toLowerCase(Locale.ROOT);
  }

  /**
   * The host and port of an http(s) server URL, lower-cased: {@code forge.example:3000}; null when
   * the text is no such URL.
   */
  public static @Nullable String serverHost(String server) {
    try {
      URI uri = URI.create(server);
      if (uri.getHost() == null
          || !("https".equalsIgnoreCase(uri.getScheme())
              || "http".equalsIgnoreCase(uri.getScheme()))) {
        return null;
      }
      String host = uri.getHost().toLowerCase(Locale.ROOT);
      return uri.getPort() > 0 ? host + ":" + uri.getPort() : host;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
