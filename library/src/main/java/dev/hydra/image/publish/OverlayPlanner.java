package dev.hydra.image.publish;

import dev.hydra.config.HydraRelease;
import dev.hydra.config.ImageDefaults;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.container.docker.CommandRunner;
import dev.hydra.image.ImageRef;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code hydra image build --overlay DIR} and the environment into an {@link OverlayRequest}:
 *
 * <ul>
 *   <li>Hydra's own {@code images/} from {@code --context}, else {@code $HYDRA_ACTION_PATH/images}
 *       (the action's checkout of the pinned release) — never the adopter's {@code ./images};
 *   <li>the images it customises from {@code --from PREFIX:TAG}, else the release's own ({@link
 *       HydraRelease}: its prefix and version); an unreleased Hydra has none and must be told;
 *   <li>where the customised images go from {@code --prefix}, else {@link ImageDefaults#repository}
 *       ({@code HYDRA_IMAGE_PREFIX}, else the repository's registry in Actions), moving tag {@code
 *       --tag}, else {@code HYDRA_IMAGE_TAG}, else {@code latest} — what {@code hydra run} runs
 *       once {@code HYDRA_IMAGE_PREFIX} names that prefix;
 *   <li>per role the last commit of the overlay files it consumes ({@code git log}), for the OCI
 *       labels.
 * </ul>
 *
 * Every problem is an {@link InvalidConfigurationException} naming the option, file or variable and
 * the fix; nothing is built.
 */
public final class OverlayPlanner {

  private static final Duration GIT_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LOG = Pattern.compile("([0-9a-f]{40}|[0-9a-f]{64}) ([0-9]{1,12})");
  private static final int MAX_FROM_TAG = 128 - 13;

  private OverlayPlanner() {}

  /**
   * The options as given on the command line (empty when not given).
   *
   * @param overlay {@code --overlay}
   * @param from {@code --from}
   * @param prefix {@code --prefix}
   * @param tag {@code --tag}
   * @param roles {@code --roles}
   * @param context {@code --context}
   * @param push {@code --push}
   */
  public record Options(
      String overlay,
      String from,
      String prefix,
      String tag,
      String roles,
      String context,
      boolean push) {}

  /**
   * Plans an overlay build.
   *
   * @param options the options
   * @param env the environment
   * @param workingDir where relative paths start (the adopter's checkout)
   * @param git runs {@code git log} for the commit of each role's files
   * @param release the release this jar is, if any
   * @return the request
   * @throws InvalidConfigurationException when an option, the overlay or a variable is invalid
   * @throws InterruptedException when interrupted
   */
  public static OverlayRequest plan(
      Options options,
      Map<String, String> env,
      Path workingDir,
      CommandRunner git,
      Optional<HydraRelease> release)
      throws InvalidConfigurationException, InterruptedException {
    List<String> roles = ImageBuildPlanner.roles(options.roles());
    Path hydraImages = hydraImages(options, env, workingDir);
    String[] from = from(options, release);
    ImageDefaults.Choice target = target(options, env);
    String prefix = options.prefix().isBlank() ? target.prefix() : options.prefix().strip();
    String tag = options.tag().isBlank() ? target.tag() : options.tag().strip();
    check(prefix, tag, from);
    Path overlayDir = workingDir.resolve(options.overlay()).normalize();
    ImageOverlay overlay = ImageOverlay.read(overlayDir, hydraImages);
    Map<String, OverlayRequest.Stamp> stamps = new LinkedHashMap<>();
    for (String role : roles) {
      stamps.put(role, stamp(git, overlay, role));
    }
    return new OverlayRequest(
        hydraImages,
        overlay,
        prefix,
        tag,
        from[0],
        from[1],
        roles,
        options.push(),
        ImageBuildPlanner.source(env),
        stamps);
  }

  private static Path hydraImages(Options options, Map<String, String> env, Path workingDir)
      throws InvalidConfigurationException {
    Path dir;
    if (!options.context().isBlank()) {
      dir = workingDir.resolve(options.context());
    } else {
      String action = env.getOrDefault("HYDRA_ACTION_PATH", "").strip();
      if (action.isEmpty()) {
        throw new InvalidConfigurationException(
            "--overlay customises Hydra's own images, and this is not the Hydra action (no"
                + " HYDRA_ACTION_PATH): pass --context with the images/ directory of the Hydra"
                + " release you customise (your repository's own images/ is never used)");
      }
      dir = Path.of(action).resolve("images");
    }
    if (!Files.isRegularFile(dir.resolve("builder/settings.json"))) {
      throw new InvalidConfigurationException(
          dir
              + " is not Hydra's images/ directory (no builder/settings.json); pass --context"
              + " with the images/ directory of the Hydra release you customise");
    }
    return dir;
  }

  private static String[] from(Options options, Optional<HydraRelease> release)
      throws InvalidConfigurationException {
    if (options.from().isBlank()) {
      if (release.isEmpty()) {
        throw new InvalidConfigurationException(
            "this Hydra is not a release, so it has no published images to customise: pass"
                + " --from PREFIX:TAG, the images built from this Hydra (for example --from"
                + " localhost/hydra:latest after `hydra image build --prefix localhost/hydra`)");
      }
      return new String[] {release.get().imagePrefix(), release.get().version()};
    }
    String value = options.from().strip();
    int colon = value.lastIndexOf(':');
    if (colon <= value.lastIndexOf('/') || value.contains("@")) {
      throw new InvalidConfigurationException(
          "--from "
              + Texts.quote(value)
              + " is not PREFIX:TAG; for example --from ghcr.io/acme/hydra:v0.2.0 (the images"
              + " ghcr.io/acme/hydra-<role>:v0.2.0)");
    }
    return new String[] {value.substring(0, colon), value.substring(colon + 1)};
  }

  private static ImageDefaults.Choice target(Options options, Map<String, String> env)
      throws InvalidConfigurationException {
    try {
      return ImageDefaults.repository(env);
    } catch (InvalidConfigurationException e) {
      if (!options.prefix().isBlank()) {
        String tag = env.getOrDefault("HYDRA_IMAGE_TAG", "").strip();
        return new ImageDefaults.Choice(
            options.prefix(), tag.isEmpty() ? ImageDefaults.LATEST : tag, "--prefix");
      }
      throw new InvalidConfigurationException(
          "no prefix for the customised images: pass --prefix or set HYDRA_IMAGE_PREFIX (in"
              + " Actions the default is the repository's registry, ghcr.io/<owner>/hydra)");
    }
  }

  private static void check(String prefix, String tag, String[] from)
      throws InvalidConfigurationException {
    for (String[] image :
        new String[][] {
          {"--prefix/HYDRA_IMAGE_PREFIX", prefix, tag}, {"--from", from[0], from[1]}
        }) {
      try {
        ImageRef.forRole(image[1], "builder", image[2]);
        ImageBuildRequest.of(Path.of("."), ImageSet.PERSONAS, image[1], image[2], Instant.EPOCH);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationException(image[0] + ": " + e.getMessage());
      }
    }
    if (from[1].length() > MAX_FROM_TAG) {
      throw new InvalidConfigurationException(
          "--from: the tag " + Texts.quote(from[1]) + " is longer than " + MAX_FROM_TAG);
    }
    if (prefix.equals(from[0])) {
      throw new InvalidConfigurationException(
          "the customised images would replace Hydra's own ("
              + prefix
              + "); give them a prefix of your own with --prefix or HYDRA_IMAGE_PREFIX, for"
              + " example ghcr.io/<owner>/hydra");
    }
  }

  /** The last commit of the role's overlay files, when they are committed and unchanged. */
  static OverlayRequest.Stamp stamp(CommandRunner git, ImageOverlay overlay, String role)
      throws InterruptedException {
    List<String> files = overlay.filesOf(role);
    if (files.isEmpty()) {
      return OverlayRequest.Stamp.NONE;
    }
    String dir = overlay.dir().toString();
    try {
      List<String> status = new ArrayList<>(List.of("git", "-C", dir, "status", "--porcelain"));
      status.add("--");
      status.addAll(files);
      CommandRunner.Result changed = git.run(status, GIT_TIMEOUT);
      if (changed.exitCode() != 0 || !changed.stdout().isBlank()) {
        return OverlayRequest.Stamp.NONE;
      }
      List<String> log = new ArrayList<>(List.of("git", "-C", dir, "log", "-1", "--format=%H %ct"));
      log.add("--");
      log.addAll(files);
      CommandRunner.Result last = git.run(log, GIT_TIMEOUT);
      Matcher m = LOG.matcher(last.stdout().strip());
      if (last.exitCode() != 0 || !m.matches()) {
        return OverlayRequest.Stamp.NONE;
      }
      return new OverlayRequest.Stamp(
          m.group(1), Instant.ofEpochSecond(Long.parseLong(m.group(2))));
    } catch (IOException e) {
      return OverlayRequest.Stamp.NONE;
    }
  }
}
