package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.config.HydraRelease;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.container.docker.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageBuildPlannerTest {

  static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String HEAD = "fedcba9876543210fedcba9876543210fedcba98";

  @TempDir Path dir;
  Path images;
  final Map<String, String> env = new HashMap<>();
  final Git git = new Git();

  /**
   * Answers {@code git rev-parse} with {@link #head} and {@code git status} with {@link #status}.
   */
  static final class Git implements CommandRunner {
    final List<List<String>> calls = new ArrayList<>();
    @Nullable String head = HEAD;
    String status = "";
    boolean missing;

    @Override
    public Result run(List<String> argv, Duration timeout) throws IOException {
      calls.add(argv);
      if (missing) {
        throw new IOException("cannot run git: No such file or directory");
      }
      if (argv.contains("rev-parse")) {
        return head == null
            ? new Result(128, "", "fatal: not a git repository")
            : new Result(0, head + "\n", "");
      }
      return new Result(0, status, "");
    }

    @Override
    public Streamed stream(
        List<String> argv, Duration timeout, Consumer<String> out, Consumer<String> err) {
      throw new AssertionError("the planner streams nothing");
    }
  }

  @BeforeEach
  void images() throws Exception {
    images = Files.createDirectories(dir.resolve("images"));
    for (String d : List.of("base", "demo", "builder", "reviewer", "security", "applier")) {
      Files.createDirectories(images.resolve(d));
      Files.writeString(images.resolve(d).resolve("Dockerfile"), "FROM scratch\n");
    }
  }

  static ImageBuildPlanner.Options options(String... pairs) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      o.put(pairs[i], pairs[i + 1]);
    }
    return new ImageBuildPlanner.Options(
        o.getOrDefault("prefix", ""),
        o.getOrDefault("tag", ""),
        o.getOrDefault("roles", ""),
        o.getOrDefault("context", ""),
        o.getOrDefault("extra-ca", ""),
        "true".equals(o.get("push")),
        "true".equals(o.get("demo")) ? ImageSet.DEMO : ImageSet.PERSONAS);
  }

  ImageBuildPlanner.Plan plan(ImageBuildPlanner.Options options) throws Exception {
    return ImageBuildPlanner.plan(options, env, dir, git, NOW);
  }

  String error(ImageBuildPlanner.Options options) {
    try {
      plan(options);
    } catch (InvalidConfigurationException e) {
      return String.valueOf(e.getMessage());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no error");
  }

  @Nested
  class Defaults {

    @Test
    void onGitHubThePrefixIsGhcrOfTheLowerCaseOwnerAndTheCommitIsGithubSha() throws Exception {
      env.putAll(
          Map.of(
              "GITHUB_ACTIONS", "true",
              "GITHUB_API_URL", "https://api.github.com",
              "GITHUB_SERVER_URL", "https://github.com",
              "GITHUB_REPOSITORY_OWNER", "Octo-Org",
              "GITHUB_REPOSITORY", "Octo-Org/hydra-java",
              "GITHUB_SHA", SHA));

      ImageBuildPlanner.Plan plan = plan(options("push", "true"));

      ImageBuildRequest r = plan.request();
      assertThat(r.prefix()).isEqualTo("ghcr.io/octo-org/hydra");
      assertThat(r.tag()).isEqualTo("latest");
      assertThat(r.revision()).isEqualTo(SHA);
      assertThat(r.immutableTag()).isEqualTo("0123456789ab");
      assertThat(r.source()).isEqualTo("https://github.com/Octo-Org/hydra-java");
      assertThat(r.roles()).containsExactly("builder", "reviewer", "security", "applier");
      assertThat(r.set()).isEqualTo(ImageSet.PERSONAS);
      assertThat(r.push()).isTrue();
      assertThat(r.imagesDir()).isEqualTo(images);
      assertThat(plan.notes())
          .containsExactly(
              "image prefix ghcr.io/octo-org/hydra (the default on github)",
              "immutable tag 0123456789ab (commit " + SHA + ")");
      assertThat(git.calls).isEmpty();
    }

    @Test
    void aReleaseBuildsTheImagesItRunsByDefaultAndOwnImagesAreLatest() throws Exception {
      Optional<HydraRelease> release =
          Optional.of(new HydraRelease("v0.2.0", "ghcr.io/hydra-dev/hydra"));
      env.putAll(
          Map.of(
              "GITHUB_ACTIONS", "true",
              "GITHUB_API_URL", "https://api.github.com",
              "GITHUB_REPOSITORY", "acme/app"));

      ImageBuildPlanner.Plan plan = ImageBuildPlanner.plan(options(), env, dir, git, NOW, release);

      assertThat(plan.request().prefix()).isEqualTo("ghcr.io/hydra-dev/hydra");
      assertThat(plan.request().tag()).isEqualTo("v0.2.0");
      assertThat(plan.notes())
          .startsWith("image prefix ghcr.io/hydra-dev/hydra (the images of Hydra v0.2.0)");
      // The stages of the same release run exactly these.
      StageSettings stages = StageSettings.from(env, release);
      assertThat(stages.imagePrefix()).isEqualTo(plan.request().prefix());
      assertThat(stages.imageTag()).isEqualTo(plan.request().tag());

      ImageBuildRequest own =
          ImageBuildPlanner.plan(
                  options("prefix", "ghcr.io/acme/hydra"), env, dir, git, NOW, release)
              .request();
      assertThat(own.tag()).isEqualTo("latest");
    }

    @Test
    void onForgejoThePrefixIsTheServersHostWithItsPort() throws Exception {
      env.putAll(
          Map.of(
              "FORGEJO_ACTIONS", "true",
              "GITHUB_SERVER_URL", "https://Forge.Example:3000/",
              "GITHUB_REPOSITORY", "Acme/app"));

      assertThat(plan(options()).request().prefix()).isEqualTo("forge.example:3000/acme/hydra");
    }

    @Test
    void anExplicitPrefixAndTagBeatTheEnvironment() throws Exception {
      env.put("HYDRA_IMAGE_PREFIX", "registry.example/team/hydra");
      env.put("HYDRA_IMAGE_TAG", "stable");
      assertThat(plan(options()).request())
          .extracting(ImageBuildRequest::prefix, ImageBuildRequest::tag)
          .containsExactly("registry.example/team/hydra", "stable");
      assertThat(plan(options("prefix", "127.0.0.1:5000/x", "tag", "v1")).request())
          .extracting(ImageBuildRequest::prefix, ImageBuildRequest::tag)
          .containsExactly("127.0.0.1:5000/x", "v1");
    }

    @ParameterizedTest
    @CsvSource({
      "sha256:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789, latest",
      "v1.4@sha256:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789, v1.4"
    })
    void aDigestPinInHydraImageTagBuildsItsTagOrLatest(String pin, String built) throws Exception {
      env.put("HYDRA_IMAGE_PREFIX", "localhost/hydra");
      env.put("HYDRA_IMAGE_TAG", pin);

      ImageBuildPlanner.Plan plan = plan(options());

      assertThat(plan.request().tag()).isEqualTo(built);
      assertThat(plan.notes())
          .contains(
              "HYDRA_IMAGE_TAG holds a digest, which the stages refuse (pin each image with"
                  + " HYDRA_IMAGE_DIGEST_<ROLE>); building the tag "
                  + built
                  + " instead");
    }

    @Test
    void withoutGithubShaTheCommitIsHeadOfTheContext() throws Exception {
      env.put("HYDRA_IMAGE_PREFIX", "localhost/hydra");

      ImageBuildPlanner.Plan plan = plan(options());

      assertThat(plan.request().revision()).isEqualTo(HEAD);
      assertThat(git.calls)
          .containsExactly(
              List.of("git", "-C", images.toString(), "rev-parse", "--verify", "HEAD"),
              List.of("git", "-C", images.toString(), "status", "--porcelain", "--", "."));
    }

    @Test
    void uncommittedChangesOrNoGitMeanTheBuildTime() throws Exception {
      env.put("HYDRA_IMAGE_PREFIX", "localhost/hydra");
      git.status = " M base/Dockerfile\n";
      ImageBuildPlanner.Plan dirty = plan(options());
      assertThat(dirty.request().revision()).isNull();
      assertThat(dirty.request().immutableTag()).isEqualTo("20261122T080000Z");
      assertThat(dirty.notes())
          .contains(
              images
                  + " has uncommitted changes; the immutable tag is the build time, not"
                  + " fedcba987654");

      git.head = null;
      assertThat(plan(options()).notes())
          .contains("no git commit for " + images + "; the immutable tag is the build time");

      git.missing = true;
      assertThat(plan(options()).request().immutableTag()).isEqualTo("20261122T080000Z");
    }

    @Test
    void theContextIsImagesHereElseTheActionsCheckout() throws Exception {
      env.put("HYDRA_IMAGE_PREFIX", "localhost/hydra");
      Path elsewhere = Files.createDirectories(dir.resolve("work"));
      env.put("HYDRA_ACTION_PATH", dir.toString());

      ImageBuildRequest r = ImageBuildPlanner.plan(options(), env, elsewhere, git, NOW).request();

      assertThat(r.imagesDir()).isEqualTo(images);
    }

    @Test
    void rolesAndTheDemoSet() throws Exception {
      env.put("HYDRA_IMAGE_PREFIX", "localhost/hydra");
      ImageBuildRequest r = plan(options("roles", " reviewer , builder", "demo", "true")).request();
      assertThat(r.roles()).containsExactly("reviewer", "builder");
      assertThat(r.set()).isEqualTo(ImageSet.DEMO);
    }
  }

  @Nested
  class BadInput {

    @BeforeEach
    void prefix() {
      env.put("HYDRA_IMAGE_PREFIX", "localhost/hydra");
    }

    @Test
    void anUnknownRoleIsNamedWithTheRoles() {
      assertThat(error(options("roles", "builder,admin")))
          .isEqualTo(
              "--roles: unknown role `admin`; the roles are builder, reviewer, security,"
                  + " applier, for example --roles builder,reviewer");
      assertThat(error(options("roles", "builder,builder"))).contains("a role is listed twice");
      assertThat(error(options("roles", "builder,,applier")))
          .startsWith("--roles `builder,,applier` has an empty entry");
    }

    @Test
    void anInvalidPrefixNamesWhereItCameFrom() {
      assertThat(error(options("prefix", "ghcr.io/Acme/Hydra")))
          .startsWith("--prefix: invalid image prefix 'ghcr.io/Acme/Hydra'")
          .endsWith("; set it to a registry path such as ghcr.io/<owner>/hydra");
      env.put("HYDRA_IMAGE_PREFIX", "--privileged");
      assertThat(error(options())).startsWith("HYDRA_IMAGE_PREFIX: invalid image prefix");
    }

    @Test
    void anInvalidTagNamesWhereItCameFrom() {
      assertThat(error(options("tag", "-x")))
          .startsWith("--tag `-x` is not an image tag")
          .endsWith("for example latest or v1.2");
      assertThat(error(options("tag", "v1@sha256:" + "a".repeat(64))))
          .startsWith("--tag `v1@sha256:");
      env.put("HYDRA_IMAGE_TAG", "a b");
      assertThat(error(options())).startsWith("HYDRA_IMAGE_TAG `a b` is not an image tag");
    }

    @Test
    void noPrefixOutsideActionsAsksForOne() {
      env.clear();
      assertThat(error(options()))
          .isEqualTo(
              "HYDRA_IMAGE_PREFIX is not set, this Hydra is not a release (which would run its own"
                  + " release's images), and this is not a GitHub or Forgejo Actions run; set"
                  + " HYDRA_IMAGE_PREFIX (for example localhost/hydra, the images `hydra image"
                  + " build --prefix localhost/hydra` builds here), or pass --prefix");
      env.putAll(
          Map.of(
              "GITHUB_ACTIONS", "true",
              "GITHUB_API_URL", "https://ghes.example/api/v3",
              "GITHUB_SERVER_URL", "https://ghes.example",
              "GITHUB_REPOSITORY_OWNER", "acme"));
      assertThat(error(options()))
          .contains("GitHub Enterprise Server (`https://ghes.example`)")
          .endsWith("containers.<host>/acme/hydra, or pass --prefix");
    }

    @Test
    void aMissingContextOrDockerfileIsNamed() throws Exception {
      assertThat(error(options("context", "nowhere")))
          .isEqualTo(
              "--context `nowhere` is not a directory; pass the repository's images/ directory");
      Files.delete(images.resolve("security/Dockerfile"));
      assertThat(error(options()))
          .isEqualTo(
              images.resolve("security/Dockerfile")
                  + " is missing; point the build at the repository's images/ directory"
                  + " (--context)");
      assertThat(plan(options("roles", "builder")).request().roles()).containsExactly("builder");
      Path empty = Files.createDirectories(dir.resolve("empty"));
      assertThat(ImageBuildPlannerTest.this.error(empty)).startsWith("no images/ directory in ");
    }

    @Test
    void theExtraCaMustBeAPemFile() throws Exception {
      assertThat(error(options("extra-ca", "missing.pem")))
          .startsWith("--extra-ca `missing.pem` is not a file; pass a PEM file");
      Files.writeString(dir.resolve("token.txt"), "ghp_secret");
      assertThat(error(options("extra-ca", "token.txt")))
          .startsWith("--extra-ca: the extra CA file ")
          .contains("holds no PEM certificate")
          .doesNotContain("ghp_secret");
      Files.writeString(dir.resolve("ca.pem"), ImageBuilderTest.PEM);
      assertThat(plan(options("extra-ca", "ca.pem")).request().extraCa())
          .isEqualTo(dir.resolve("ca.pem"));
    }

    @Test
    void aMalformedGithubShaIsRefused() {
      env.put("GITHUB_SHA", "HEAD");
      assertThat(error(options()))
          .isEqualTo(
              "GITHUB_SHA `HEAD` is not a commit id (40 or 64 lower-case hex digits); unset it to"
                  + " use the checkout's HEAD");
    }
  }

  String error(Path workingDir) {
    try {
      ImageBuildPlanner.plan(options(), env, workingDir, git, NOW);
    } catch (InvalidConfigurationException e) {
      return String.valueOf(e.getMessage());
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no error");
  }
}
