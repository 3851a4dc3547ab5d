package dev.hydra.image.publish;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.container.docker.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds the customised persona images of an {@link OverlayRequest} through the {@link
 * CommandRunner} seam (argv lists, never a shell). For each role: Hydra's image is found here or
 * pulled and its ID read; the role's {@link OverlayContext} and that ID give the content hash and
 * the immutable tag {@code <version>-<hash>}. When an image with that tag is here (or, pushing, can
 * be pulled), nothing is built: the persona did not change. Otherwise one {@code docker build} of
 * the generated context (a single stage, so no build-stage image is left; {@code --force-rm}, so no
 * container) in a temporary directory deleted afterwards. Then the moving tag is pointed at it and,
 * with push, both tags are pushed. The OCI labels carry the overlay's commit and its time, never
 * the build's.
 */
public final class OverlayBuilder {

  /** The label with the content hash of a customised image. */
  public static final String HASH_LABEL = "dev.hydra.overlay.hash";

  private static final String OCI = "org.opencontainers.image.";
  private static final Duration QUICK = Duration.ofMinutes(1);
  private static final Duration PULL = Duration.ofMinutes(15);
  private static final Pattern ID = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern CREATED = Pattern.compile("[0-9T:.Z+-]{10,40}");

  private final CommandRunner runner;
  private final ImageBuilder images;
  private final Consumer<String> log;

  /**
   * What was built.
   *
   * @param images every role's image, in order
   * @param rebuilt the roles built now; the others were unchanged and reused
   */
  public record Result(List<BuiltImage> images, List<String> rebuilt) {
    public Result {
      images = List.copyOf(images);
      rebuilt = List.copyOf(rebuilt);
    }
  }

  /**
   * @param runner runs {@code docker}
   * @param buildTimeout the limit of one build or push
   * @param log receives progress lines
   */
  public OverlayBuilder(CommandRunner runner, Duration buildTimeout, Consumer<String> log) {
    this.runner = runner;
    this.images = new ImageBuilder(runner, buildTimeout, log);
    this.log = log;
  }

  /**
   * Builds what changed, reuses what did not.
   *
   * @throws ImageBuildException when Hydra's image cannot be had, or a build or push fails
   * @throws InvalidConfigurationException when Hydra's own files are not as expected
   * @throws InterruptedException when interrupted
   */
  public Result build(OverlayRequest request)
      throws ImageBuildException, InvalidConfigurationException, InterruptedException {
    List<BuiltImage> built = new ArrayList<>();
    List<String> rebuilt = new ArrayList<>();
    for (String role : request.roles()) {
      String from = request.from(role);
      String fromId = hydraImage(from);
      OverlayContext context = OverlayContext.of(request.hydraImages(), request.overlay(), role);
      String hash = context.hash(fromId);
      String repository = request.repository(role);
      String fixed = repository + ":" + request.immutableTag(hash);
      String moving = repository + ":" + request.tag();
      if (present(fixed, request.push())) {
        log.accept(role + ": unchanged, " + fixed + " reused");
        docker(List.of("docker", "tag", fixed, moving), "docker tag " + moving);
      } else {
        buildOne(request, role, context, hash, fromId, List.of(fixed, moving));
        rebuilt.add(role);
      }
      List<String> tags = fixed.equals(moving) ? List.of(fixed) : List.of(moving, fixed);
      String digest = images.publish(repository, tags, request.push());
      built.add(new BuiltImage(role, tags, digest, request.push()));
    }
    return new Result(built, rebuilt);
  }

  /**
   * The {@code docker build} argv of one customised image.
   *
   * @param request the request
   * @param role the role
   * @param dir the generated context
   * @param hash the content hash
   * @param created the created label
   * @param tags its tags
   */
  static List<String> buildArgv(
      OverlayRequest request,
      String role,
      Path dir,
      String hash,
      String created,
      List<String> tags) {
    List<String> argv = new ArrayList<>(List.of("docker", "build", "--force-rm"));
    argv.addAll(List.of("--file", dir.resolve("Dockerfile").toString()));
    for (String tag : tags) {
      argv.addAll(List.of("--tag", tag));
    }
    argv.addAll(List.of("--build-arg", "HYDRA_FROM=" + request.from(role)));
    for (Map.Entry<String, String> label : labels(request, role, hash, created).entrySet()) {
      argv.addAll(List.of("--label", label.getKey() + "=" + label.getValue()));
    }
    argv.add(dir.toString());
    return argv;
  }

  static Map<String, String> labels(
      OverlayRequest request, String role, String hash, String created) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(OCI + "title", request.repository(role));
    labels.put(OCI + "created", created);
    labels.put(OCI + "version", request.immutableTag(hash));
    OverlayRequest.Stamp stamp = request.stamp(role);
    if (stamp.revision() != null) {
      labels.put(OCI + "revision", stamp.revision());
    }
    if (request.source() != null) {
      labels.put(OCI + "source", request.source());
    }
    labels.put(OCI + "base.name", request.from(role));
    labels.put("dev.hydra.role", role);
    labels.put(HASH_LABEL, hash);
    return labels;
  }

  private void buildOne(
      OverlayRequest request,
      String role,
      OverlayContext context,
      String hash,
      String fromId,
      List<String> tags)
      throws ImageBuildException, InterruptedException {
    OverlayRequest.Stamp stamp = request.stamp(role);
    String created =
        stamp.created() != null
            ? DateTimeFormatter.ISO_INSTANT.format(stamp.created())
            : createdOf(fromId);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("hydra-overlay-" + role);
      context.writeTo(dir);
      log.accept("building " + tags.get(0) + " from " + request.from(role) + " and the overlay");
      images.runBuild(buildArgv(request, role, dir, hash, created, tags), tags.get(0));
    } catch (IOException e) {
      throw new ImageBuildException("cannot write the build context of " + role + ": " + e, e);
    } finally {
      ImageBuilder.deleteTree(dir);
    }
  }

  /** The ID of Hydra's image, pulled when it is not here. */
  private String hydraImage(String from) throws ImageBuildException, InterruptedException {
    String id = localId(from);
    if (id != null) {
      return id;
    }
    log.accept("pulling " + from);
    CommandRunner.Result pull = run(List.of("docker", "pull", "--quiet", from), PULL);
    id = pull.exitCode() == 0 ? localId(from) : null;
    if (id == null) {
      throw new ImageBuildException(
          "Hydra's image "
              + from
              + " can be neither found here nor pulled ("
              + ImageBuilder.oneLine(pull.stderr().isBlank() ? "no message" : pull.stderr())
              + "); build Hydra's images first (hydra image build --prefix …) or pass --from"
              + " with the prefix and tag of Hydra's images");
    }
    return id;
  }

  /** Whether the image is here or, when pushing, in the registry (then pulled). */
  private boolean present(String image, boolean push) throws InterruptedException {
    if (localId(image) != null) {
      return true;
    }
    if (!push) {
      return false;
    }
    try {
      return run(List.of("docker", "pull", "--quiet", image), PULL).exitCode() == 0;
    } catch (ImageBuildException e) {
      return false;
    }
  }

  private @Nullable String localId(String image) throws InterruptedException {
    try {
      CommandRunner.Result r =
          run(List.of("docker", "image", "inspect", "--format", "{{.Id}}", image), QUICK);
      String id = r.stdout().strip();
      return r.exitCode() == 0 && ID.matcher(id).matches() ? id : null;
    } catch (ImageBuildException e) {
      return null;
    }
  }

  // Hydra's image's own created time: what an image with no overlay commit was made of.
  private String createdOf(String fromId) throws ImageBuildException, InterruptedException {
    CommandRunner.Result r =
        run(List.of("docker", "image", "inspect", "--format", "{{.Created}}", fromId), QUICK);
    String created = r.stdout().strip();
    return r.exitCode() == 0 && CREATED.matcher(created).matches()
        ? created
        : "1970-01-01T00:00:00Z";
  }

  private void docker(List<String> argv, String what)
      throws ImageBuildException, InterruptedException {
    CommandRunner.Result r = run(argv, QUICK);
    if (r.exitCode() != 0) {
      throw new ImageBuildException(what + " failed: " + ImageBuilder.oneLine(r.stderr()));
    }
  }

  private CommandRunner.Result run(List<String> argv, Duration timeout)
      throws ImageBuildException, InterruptedException {
    try {
      return runner.run(argv, timeout);
    } catch (IOException e) {
      throw new ImageBuildException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    }
  }
}
