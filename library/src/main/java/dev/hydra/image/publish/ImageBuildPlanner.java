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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns the options of {@code hydra image build} and the environment into an {@link
 * ImageBuildRequest}, with the defaults of SPEC §3 and §7: the images {@code hydra run} runs by
 * default ({@link ImageDefaults}: {@code HYDRA_IMAGE_PREFIX}, else a release's own images, else
 * {@code ghcr.io/<owner>/hydra} on GitHub and {@code <forge host>/<owner>/hydra} on Forgejo), and
 * an immutable tag from the commit ({@code GITHUB_SHA}, else {@code git rev-parse HEAD} of the
 * build context) or, failing both, the UTC build time.
 *
 * <p>Every problem with the input is an {@link InvalidConfigurationException} naming the option or
 * variable and the fix, raised before anything is built.
 */
public final class ImageBuildPlanner {

  /** The default moving tag. */
  public static final String DEFAULT_TAG = ImageDefaults.LATEST;

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final Duration GIT_TIMEOUT = Duration.ofSeconds(30);

  private ImageBuildPlanner() {}

  /**
   * The options as given on the command line.
   *
   * @param prefix {@code --prefix}, empty when not given
   * @param tag {@code --tag}, empty when not given
   * @param roles {@code --roles}, comma-separated, empty when not given
   * @param context {@code --context}, empty when not given
   * @param extraCa {@code --extra-ca}, empty when not given
   * @param push {@code --push}
   * @param set the personas, or the demo images ({@code --demo})
   */
  public record Options(
      String prefix,
      String tag,
      String roles,
      String context,
      String extraCa,
      boolean push,
      ImageSet set) {}

  /**
   * What will be built, and how each default was chosen.
   *
   * @param request the request for {@link ImageBuilder#build}
   * @param notes one line per default or fallback taken, for the log
   */
  public record Plan(ImageBuildRequest request, List<String> notes) {

    public Plan {
      notes = List.copyOf(notes);
    }
  }

  /**
   * Plans a build.
   *
   * @param options the command-line options
   * @param env the environment, read once by the command line
   * @param workingDir where relative paths start, and where {@code images/} is looked for
   * @param git runs {@code git} to find the commit when {@code GITHUB_SHA} is unset
   * @param now the build time
   * @return the plan
   * @throws InvalidConfigurationException when an option or variable is invalid; nothing was built
   * @throws InterruptedException when interrupted while asking git
   */
  public static Plan plan(
      Options options, Map<String, String> env, Path workingDir, CommandRunner git, Instant now)
      throws InvalidConfigurationException, InterruptedException {
    return plan(options, env, workingDir, git, now, HydraRelease.bundled());
  }

  /**
   * Plans a build as {@link #plan(Options, Map, Path, CommandRunner, Instant)} does, with the
   * defaults of the given release ({@link ImageDefaults}: the same images {@code hydra run} runs).
   *
   * @param release the release whose images are the default, empty for an unreleased build
   * @throws InvalidConfigurationException when an option or variable is invalid; nothing was built
   * @throws InterruptedException when interrupted while asking git
   */
  public static Plan plan(
      Options options,
      Map<String, String> env,
      Path workingDir,
      CommandRunner git,
      Instant now,
      Optional<HydraRelease> release)
      throws InvalidConfigurationException, InterruptedException {
    List<String> notes = new ArrayList<>();
    // The options first, then what the environment supplies, then git: the first problem named
    // is the one the person typed.
    List<String> roles = roles(options);
    // Images under a prefix of one's own are `latest` unless tagged; the release's own, its
    // version.
    String defaultTag =
        options.prefix().isBlank() ? ImageDefaults.defaultTag(env, release) : ImageDefaults.LATEST;
    String tag = tag(options, env, defaultTag, notes);
    Path context = context(options, env, workingDir);
    Path extraCa = extraCa(options, workingDir);
    String prefix =
        prefix(options, options.prefix().isBlank() ? defaults(env, release) : null, notes);
    String revision = revision(env, context, git, notes);
    ImageBuildRequest request;
    try {
      request =
          ImageBuildRequest.of(context, options.set(), prefix, tag, now).withRoles(ImageSet.ROLES);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(
          prefixSource(options, env)
              + ": "
              + e.getMessage()
              + "; set it to a registry path such as ghcr.io/<owner>/hydra");
    }
    try {
      request = request.withRoles(roles);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(
          "--roles: " + e.getMessage() + "; for example --roles builder,reviewer");
    }
    request =
        request
            .withRevision(revision)
            .withSource(source(env))
            .withExtraCa(extraCa)
            .withPush(options.push());
    try {
      ImageBuilder.requireContext(request);
    } catch (ImageBuildException e) {
      throw new InvalidConfigurationException(e.getMessage() + " (--context)");
    }
    notes.add(
        "immutable tag "
            + request.immutableTag()
            + (revision != null ? " (commit " + revision + ")" : " (UTC build time)"));
    return new Plan(request, notes);
  }

  private static Path context(Options options, Map<String, String> env, Path workingDir)
      throws InvalidConfigurationException {
    if (!options.context().isBlank()) {
      Path dir = workingDir.resolve(options.context());
      if (!Files.isDirectory(dir)) {
        throw new InvalidConfigurationException(
            "--context "
                + Texts.quote(options.context())
                + " is not a directory; pass the repository's images/ directory");
      }
      return dir;
    }
    Path here = workingDir.resolve("images");
    if (Files.isDirectory(here)) {
      return here;
    }
    String action = env.getOrDefault("HYDRA_ACTION_PATH", "").strip();
    if (!action.isEmpty() && Files.isDirectory(Path.of(action).resolve("images"))) {
      return Path.of(action).resolve("images");
    }
    throw new InvalidConfigurationException(
        "no images/ directory in "
            + workingDir
            + "; run from the root of the Hydra repository or pass --context DIR");
  }

  private static String prefixSource(Options options, Map<String, String> env) {
    if (!options.prefix().isBlank()) {
      return "--prefix";
    }
    return env.getOrDefault("HYDRA_IMAGE_PREFIX", "").isBlank()
        ? "the default image prefix"
        : "HYDRA_IMAGE_PREFIX";
  }

  private static ImageDefaults.Choice defaults(
      Map<String, String> env, Optional<HydraRelease> release)
      throws InvalidConfigurationException {
    try {
      return ImageDefaults.choose(env, release);
    } catch (InvalidConfigurationException e) {
      throw new InvalidConfigurationException(e.getMessage() + ", or pass --prefix");
    }
  }

  private static String prefix(
      Options options, ImageDefaults.@Nullable Choice defaults, List<String> notes)
      throws InvalidConfigurationException {
    if (!options.prefix().isBlank()) {
      return options.prefix().strip();
    }
    if (defaults == null) {
      throw new IllegalStateException("no default image prefix, and no error raised for it");
    }
    if (!defaults.origin().equals("HYDRA_IMAGE_PREFIX")) {
      notes.add("image prefix " + defaults.prefix() + " (" + defaults.origin() + ")");
    }
    return defaults.prefix();
  }

  private static String tag(
      Options options, Map<String, String> env, String defaultTag, List<String> notes)
      throws InvalidConfigurationException {
    String tag = rawTag(options, env, defaultTag, notes);
    if (!ImageRef.isValidTag(tag)) {
      throw new InvalidConfigurationException(
          (options.tag().isBlank() ? "HYDRA_IMAGE_TAG " : "--tag ")
              + Texts.quote(tag)
              + " is not an image tag: a letter, digit or '_' followed by up to 127 letters,"
              + " digits, '_', '.' or '-', for example latest or v1.2");
    }
    return tag;
  }

  private static String rawTag(
      Options options, Map<String, String> env, String defaultTag, List<String> notes) {
    if (!options.tag().isBlank()) {
      return options.tag().strip();
    }
    String fromEnv = env.getOrDefault("HYDRA_IMAGE_TAG", "").strip();
    if (fromEnv.isEmpty()) {
      return defaultTag;
    }
    // The same variable names the images the stages run (StageProfile.image), which refuses a
    // digest in it (each image is pinned by its own HYDRA_IMAGE_DIGEST_<ROLE>); an old value with
    // a digest still builds its tag part (or latest), and says so.
    int at = fromEnv.indexOf('@');
    String tag = at >= 0 ? fromEnv.substring(0, at) : fromEnv.startsWith("sha256:") ? "" : fromEnv;
    if (!tag.equals(fromEnv)) {
      tag = tag.isEmpty() ? defaultTag : tag;
      notes.add(
          "HYDRA_IMAGE_TAG holds a digest, which the stages refuse (pin each image with"
              + " HYDRA_IMAGE_DIGEST_<ROLE>); building the tag "
              + tag
              + " instead");
    }
    return tag;
  }

  private static List<String> roles(Options options) throws InvalidConfigurationException {
    return roles(options.roles());
  }

  /** The roles of {@code --roles} (all when blank), each checked. */
  static List<String> roles(String option) throws InvalidConfigurationException {
    if (option.isBlank()) {
      return ImageSet.ROLES;
    }
    List<String> roles = new ArrayList<>();
    for (String role : option.split(",", -1)) {
      String r = role.strip();
      if (r.isEmpty()) {
        throw new InvalidConfigurationException(
            "--roles "
                + Texts.quote(option)
                + " has an empty entry; list roles separated by commas, for example"
                + " --roles builder,reviewer");
      }
      if (!ImageSet.ROLES.contains(r)) {
        throw new InvalidConfigurationException(
            "--roles: unknown role "
                + Texts.quote(r)
                + "; the roles are "
                + String.join(", ", ImageSet.ROLES)
                + ", for example --roles builder,reviewer");
      }
      roles.add(r);
    }
    return roles;
  }

  private static @Nullable Path extraCa(Options options, Path workingDir)
      throws InvalidConfigurationException {
    if (options.extraCa().isBlank()) {
      return null;
    }
    Path file = workingDir.resolve(options.extraCa());
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigurationException(
          "--extra-ca "
              + Texts.quote(options.extraCa())
              + " is not a file; pass a PEM file with the proxy's CA certificates, for example"
              + " /etc/ssl/certs/ca-certificates.crt");
    }
    try {
      ImageBuilder.readExtraCa(file);
    } catch (ImageBuildException e) {
      throw new InvalidConfigurationException("--extra-ca: " + e.getMessage());
    }
    return file;
  }

  private static @Nullable String revision(
      Map<String, String> env, Path context, CommandRunner git, List<String> notes)
      throws InvalidConfigurationException, InterruptedException {
    String sha = env.getOrDefault("GITHUB_SHA", "").strip();
    if (!sha.isEmpty()) {
      if (!COMMIT.matcher(sha).matches()) {
        throw new InvalidConfigurationException(
            "GITHUB_SHA "
                + Texts.quote(sha)
                + " is not a commit id (40 or 64 lower-case hex digits); unset it to use the"
                + " checkout's HEAD");
      }
      return sha;
    }
    try {
      CommandRunner.Result head =
          git.run(
              List.of("git", "-C", context.toString(), "rev-parse", "--verify", "HEAD"),
              GIT_TIMEOUT);
      String commit = head.stdout().strip();
      if (head.exitCode() != 0 || !COMMIT.matcher(commit).matches()) {
        notes.add("no git commit for " + context + "; the immutable tag is the build time");
        return null;
      }
      // A commit id names what was committed: with local changes under the context the images
      // are not that commit, so they get the build time instead of a tag that would lie.
      CommandRunner.Result status =
          git.run(
              List.of("git", "-C", context.toString(), "status", "--porcelain", "--", "."),
              GIT_TIMEOUT);
      if (status.exitCode() != 0 || !status.stdout().isBlank()) {
        notes.add(
            context
                + " has uncommitted changes; the immutable tag is the build time, not "
                + commit.substring(0, 12));
        return null;
      }
      return commit;
    } catch (IOException e) {
      notes.add("git cannot be run (" + e.getMessage() + "); the immutable tag is the build time");
      return null;
    }
  }

  /** The repository's URL in Actions, for the OCI source label; null elsewhere. */
  static @Nullable String source(Map<String, String> env) {
    String server = env.getOrDefault("GITHUB_SERVER_URL", "").strip();
    String repository = env.getOrDefault("GITHUB_REPOSITORY", "").strip();
    if (server.isEmpty() || repository.isEmpty() || ImageDefaults.serverHost(server) == null) {
      return null;
    }
    String url = server.replaceAll("/+$", "") + "/" + repository;
    return Texts.isPrintableAscii(url) ? url : null;
  }
}
