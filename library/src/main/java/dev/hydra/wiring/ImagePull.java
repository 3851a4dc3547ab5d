package dev.hydra.wiring;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.container.docker.CommandRunner;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.secret.Secret;
import dev.hydra.secret.SecretMasker;
import dev.hydra.stage.StageProfile;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Before {@code hydra run} claims an issue: each image the step may start is on this machine or can
 * be pulled now, so that a wrong prefix, a tag never built or a private registry without a login
 * stops the job with the fix and nothing changed on the forge, instead of a claimed issue left
 * running. With a registry token ({@code HYDRA_REGISTRY_TOKEN}, user {@code HYDRA_REGISTRY_USER} or
 * the Actions actor) the docker CLI logs in first, the token on its standard input ({@code
 * --password-stdin}), never on a command line; the caller's runner points {@code DOCKER_CONFIG} at
 * a private folder it deletes afterwards, so no credential stays behind.
 */
public final class ImagePull {

  /** The registry token's variable (a secret); empty means no login. */
  public static final String REGISTRY_TOKEN = "HYDRA_REGISTRY_TOKEN";

  /** The registry user's variable; default {@code GITHUB_ACTOR}. */
  public static final String REGISTRY_USER = "HYDRA_REGISTRY_USER";

  private static final Duration INSPECT = Duration.ofSeconds(30);
  private static final Duration LOGIN = Duration.ofSeconds(60);
  private static final Duration PULL = Duration.ofMinutes(10);

  private ImagePull() {}

  /**
   * The images the stages run, each once, in stage order.
   *
   * @throws InvalidConfigurationException when a stage's image is not configured validly
   */
  public static List<ImageRef> images(Collection<Stage> stages, StageSettings settings)
      throws InvalidConfigurationException {
    Set<ImageRef> images = new LinkedHashSet<>();
    for (Stage stage : stages) {
      images.add(StageProfile.from(stage, settings).image(settings));
    }
    return List.copyOf(images);
  }

  /**
   * {@link #ensure(List, Map, String, CommandRunner, Consumer)} on the docker CLI, with {@code
   * DOCKER_CONFIG} in a private temporary folder while a registry token is set (deleted afterwards,
   * so the login's credential never outlives this call).
   *
   * @throws InvalidConfigurationException when the login fails or an image cannot be pulled
   * @throws IOException when the docker CLI cannot be started or the folder not made
   * @throws InterruptedException when interrupted
   */
  public static void ensure(
      List<ImageRef> images, Map<String, String> env, String docker, Consumer<String> log)
      throws InvalidConfigurationException, IOException, InterruptedException {
    if (env.getOrDefault(REGISTRY_TOKEN, "").isBlank()) {
      ensure(images, env, docker, new CommonsExecCommandRunner(env), log);
      return;
    }
    Path config =
        Files.createTempDirectory(
            "hydra-docker-config-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Map<String, String> withConfig = new HashMap<>(env);
      withConfig.put("DOCKER_CONFIG", config.toString());
      ensure(images, env, docker, new CommonsExecCommandRunner(withConfig), log);
    } finally {
      deleteTree(config);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /**
   * Logs in when a registry token is set, then makes sure each image is here or pulls it.
   *
   * @param images the images to check
   * @param env the environment ({@link #REGISTRY_TOKEN}, {@link #REGISTRY_USER}, {@code
   *     GITHUB_ACTOR})
   * @param docker the docker CLI, {@code docker} when blank
   * @param runner runs it (with {@code DOCKER_CONFIG} pointing at a private folder when logging in)
   * @param log receives one line per image, masked
   * @throws InvalidConfigurationException when the login fails or an image can be neither found nor
   *     pulled; the message names the image and the fix (also when the docker CLI cannot be
   *     started)
   * @throws InterruptedException when interrupted
   */
  public static void ensure(
      List<ImageRef> images,
      Map<String, String> env,
      String docker,
      CommandRunner runner,
      Consumer<String> log)
      throws InvalidConfigurationException, InterruptedException {
    String cli = docker.isBlank() ? "docker" : docker;
    try {
      check(images, env, cli, runner, log);
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          "cannot run the docker CLI "
              + Texts.quote(cli)
              + " to check the stage images ("
              + Texts.oneLine(String.valueOf(e.getMessage()))
              + "); nothing was claimed. Fix: install Docker on the runner and give its user the"
              + " daemon (docs/troubleshooting.md), or point HYDRA_DOCKER at the docker CLI");
    }
  }

  private static void check(
      List<ImageRef> images,
      Map<String, String> env,
      String cli,
      CommandRunner runner,
      Consumer<String> log)
      throws InvalidConfigurationException, IOException, InterruptedException {
    String token = env.getOrDefault(REGISTRY_TOKEN, "").strip();
    SecretMasker masker =
        token.isEmpty()
            ? SecretMasker.NONE
            : SecretMasker.of(List.of(Secret.of(REGISTRY_TOKEN, token)));
    if (!token.isEmpty()) {
      for (String registry : registries(images)) {
        login(cli, registry, user(env), token, runner, masker);
        log.accept("logged in to " + (registry.isEmpty() ? "Docker Hub" : registry));
      }
    }
    for (ImageRef image : images) {
      if (runner
              .run(
                  List.of(cli, "image", "inspect", "--format", "{{.Id}}", image.toString()),
                  INSPECT)
              .exitCode()
          == 0) {
        log.accept("image " + image + " is here");
        continue;
      }
      log.accept("pulling " + image);
      CommandRunner.Result pull =
          runner.run(List.of(cli, "pull", "--quiet", image.toString()), PULL);
      if (pull.exitCode() != 0) {
        throw new InvalidConfigurationException(
            "the image "
                + image
                + " can be neither found here nor pulled ("
                + lastLine(masker.mask(pull.stderr()))
                + "); nothing was claimed. Fix: build and push it (the hydra-image workflow, or"
                + " `hydra image build --push`), or point HYDRA_IMAGE_PREFIX/HYDRA_IMAGE_TAG at"
                + " images that exist (unset both for the images of Hydra's own release); for a"
                + " private registry set the "
                + REGISTRY_TOKEN
                + " secret (and "
                + REGISTRY_USER
                + ")");
      }
    }
  }

  private static void login(
      String cli,
      String registry,
      String user,
      String token,
      CommandRunner runner,
      SecretMasker masker)
      throws InvalidConfigurationException, IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(cli, "login"));
    if (!registry.isEmpty()) {
      argv.add(registry);
    }
    argv.addAll(List.of("--username", user, "--password-stdin"));
    CommandRunner.Result result = runner.run(argv, LOGIN, token.getBytes(StandardCharsets.UTF_8));
    if (result.exitCode() != 0) {
      throw new InvalidConfigurationException(
          "docker login to "
              + (registry.isEmpty() ? "Docker Hub" : registry)
              + " as "
              + Texts.quote(user)
              + " failed ("
              + lastLine(masker.mask(result.stderr()))
              + "); nothing was claimed. Fix: give "
              + REGISTRY_TOKEN
              + " a token that may read the registry's packages, and "
              + REGISTRY_USER
              + " its account");
    }
  }

  private static String user(Map<String, String> env) throws InvalidConfigurationException {
    String user = env.getOrDefault(REGISTRY_USER, "").strip();
    if (user.isEmpty()) {
      user = env.getOrDefault("GITHUB_ACTOR", "").strip();
    }
    if (user.isEmpty() || !Texts.isPrintableAscii(user) || user.startsWith("-")) {
      throw new InvalidConfigurationException(
          REGISTRY_TOKEN
              + " is set but no registry user: set "
              + REGISTRY_USER
              + " to the account the token belongs to");
    }
    return user;
  }

  private static List<String> registries(List<ImageRef> images) {
    Set<String> registries = new LinkedHashSet<>();
    images.forEach(image -> registries.add(image.registry()));
    return List.copyOf(registries);
  }

  private static String lastLine(String text) {
    String stripped = text.strip();
    String last = stripped.substring(stripped.lastIndexOf('\n') + 1).strip();
    return last.isEmpty() ? "no message" : Texts.oneLine(last);
  }
}
