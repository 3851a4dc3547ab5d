package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hydra image build --push} as the workflow runs it — the packaged {@code hydra.jar} as its
 * own process — against a real registry ({@link LocalRegistry}: Debian's {@code docker-registry} on
 * a loopback port with htpasswd auth), logged in with {@code docker login --password-stdin} into a
 * {@code DOCKER_CONFIG} of the test's own, so the machine's Docker configuration is never touched.
 * Builds two demo images (no network needed), pushes both tags of each and checks every reported
 * digest against the registry's HTTP API. Afterwards: logged out, registry stopped, every image and
 * tag it created removed.
 *
 * <p>Skipped without a Docker daemon, the base image or the registry tools, unless {@code
 * HYDRA_REQUIRE_DOCKER=1} (CI), which makes that a failure; {@code .ci/provision-docker.sh}
 * provisions all of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ImageCommandIT {

  static final Path JAR = Path.of("target", "hydra.jar").toAbsolutePath();
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String IMMUTABLE = "0123456789ab";
  static final String TAG = "it";
  static final List<String> ROLES = List.of("builder", "applier");

  @TempDir static Path dir;
  @Nullable LocalRegistry registry;
  Path dockerConfig = Path.of("unset");
  String prefix = "unset";
  String name = "unset";

  @BeforeAll
  void startRegistryAndLogIn() throws Exception {
    requireDockerAndRegistryTools();
    name = "hydra-it-" + UUID.randomUUID().toString().substring(0, 8);
    LocalRegistry reg =
        LocalRegistry.start(Files.createDirectories(dir.resolve("registry")), password());
    registry = reg;
    prefix = reg.host() + "/" + name;
    dockerConfig = Files.createDirectories(dir.resolve("docker-config"));
    Run login =
        docker(
            dockerConfig,
            reg.password(),
            "login",
            "--username",
            LocalRegistry.USER,
            "--password-stdin",
            reg.host());
    assertThat(login.code()).as("docker login: %s", login.err()).isZero();
  }

  @AfterAll
  void cleanUp() throws Exception {
    if (registry == null) {
      return; // skipped before anything was created
    }
    List<String> problems = new ArrayList<>();
    LocalRegistry reg = running();
    try {
      for (String role : ROLES) {
        for (String tag : List.of(TAG, IMMUTABLE)) {
          docker(dockerConfig, null, "image", "rm", "--force", prefix + "-" + role + ":" + tag);
        }
      }
      // Each build labels its image with its own creation time, so the second build leaves the
      // first one's images untagged: find them by the title label, which holds the unique prefix.
      for (int round = 0; round < 5 && !ours().isEmpty(); round++) {
        for (String id : ours()) {
          docker(dockerConfig, null, "image", "rm", id);
        }
      }
      Run logout = docker(dockerConfig, null, "logout", reg.host());
      if (logout.code() != 0) {
        problems.add("docker logout: " + logout.err());
      }
      Path config = dockerConfig.resolve("config.json");
      if (Files.exists(config) && Files.readString(config).contains(reg.host())) {
        problems.add("credentials for " + reg.host() + " left in " + config);
      }
    } finally {
      reg.stop();
    }
    if (reg.alive()) {
      problems.add("the registry still runs");
    }
    Run tagged =
        docker(
            dockerConfig,
            null,
            "images",
            "--all",
            "--quiet",
            "--filter",
            "reference=*/" + name + "-*");
    if (!tagged.out().isBlank() || !ours().isEmpty()) {
      problems.add("images left behind: " + tagged.out() + ours());
    }
    assertThat(problems).isEmpty();
  }

  /** IDs of every image, tagged or not, that a build of this test labelled as its own. */
  List<String> ours() throws Exception {
    List<String> ids = new ArrayList<>();
    for (String role : ROLES) {
      docker(
              dockerConfig,
              null,
              "images",
              "--all",
              "--quiet",
              "--no-trunc",
              "--filter",
              "label=org.opencontainers.image.title=" + prefix + "-" + role)
          .out()
          .lines()
          .filter(l -> !l.isBlank())
          .forEach(ids::add);
    }
    return ids;
  }

  @Test
  void pushesBothTagsOfEachImageAndReportsTheDigestsTheRegistryServes() throws Exception {
    LocalRegistry reg = running();
    Path output = dir.resolve("github-output");
    Path summary = dir.resolve("step-summary.md");

    Run r =
        hydra(
            Map.of(
                "GITHUB_SHA", SHA,
                "GITHUB_OUTPUT", output.toString(),
                "GITHUB_STEP_SUMMARY", summary.toString()),
            "--push");

    assertThat(r.code()).as("hydra image build: %s", r.err()).isZero();
    Map<String, String> outputs =
        ImageCommandTest.parseOutputs(Files.readString(output, StandardCharsets.UTF_8));
    assertThat(outputs)
        .containsEntry("immutable_tag", IMMUTABLE)
        .containsEntry("pushed", "true")
        .containsEntry("prefix", prefix);
    for (String role : ROLES) {
      String repository = name + "-" + role;
      String digest = outputs.getOrDefault(role + "_digest", "");
      assertThat(digest).matches("sha256:[0-9a-f]{64}");
      assertThat(outputs).containsEntry(role + "_image", prefix + "-" + role + "@" + digest);
      assertThat(r.out()).contains(role + " ", prefix + "-" + role + "@" + digest);
      assertThat(Files.readString(summary))
          .contains("`" + prefix + "-" + role + "@" + digest + "`");
      for (String tag : List.of(TAG, IMMUTABLE)) {
        LocalRegistry.Manifest m = reg.manifest(repository, tag, true);
        assertThat(m.status()).as("GET manifest %s:%s", repository, tag).isEqualTo(200);
        assertThat(m.digest()).isEqualTo(digest);
        assertThat(m.contentDigest()).isEqualTo(digest);
      }
      assertThat(reg.manifest(repository, digest, true).status()).isEqualTo(200);
      assertThat(reg.manifest(repository, TAG, false).status())
          .as("the registry enforces authentication")
          .isEqualTo(401);
    }
    assertThat(outputs.get("builder_digest")).isNotEqualTo(outputs.get("applier_digest"));
  }

  @Test
  void withoutLoginThePushIsRefusedAndHydraExits4NamingTheFix() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("no-login"));

    Run r = hydra(Map.of("DOCKER_CONFIG", empty.toString(), "GITHUB_SHA", SHA), "--push");

    assertThat(r.code()).as(r.err()).isEqualTo(4);
    assertThat(r.err().lines().filter(l -> l.startsWith("hydra image: error: ")))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .startsWith(
                        "hydra image: error: docker push of "
                            + prefix
                            + "-builder:"
                            + TAG
                            + " failed (exit 1: ")
                    .endsWith("is the registry reachable and `docker login` done for it?"));
    assertThat(r.out()).isEmpty();
  }

  record Run(int code, String out, String err) {}

  /** Runs {@code java -jar hydra.jar image build --demo …} with a clean Actions environment. */
  Run hydra(Map<String, String> env, String... extra) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "image",
                "build",
                "--demo",
                "--roles",
                String.join(",", ROLES),
                "--prefix",
                prefix,
                "--tag",
                TAG,
                "--context",
                imagesDir().toString()));
    command.addAll(List.of(extra));
    Map<String, String> all = new HashMap<>();
    all.put("DOCKER_CONFIG", dockerConfig.toString());
    all.putAll(env);
    return exec(command, all, null);
  }

  static Run docker(Path config, @Nullable String stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    return exec(command, Map.of("DOCKER_CONFIG", config.toString()), stdin);
  }

  static Run exec(List<String> command, Map<String, String> env, @Nullable String stdin)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("hydra-it", ".out");
    Path err = Files.createTempFile("hydra-it", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      // No Actions or Hydra variables leak in from the machine running the build.
      builder
          .environment()
          .keySet()
          .removeIf(k -> k.startsWith("GITHUB_") || k.startsWith("HYDRA_"));
      builder.environment().remove("FORGEJO_ACTIONS");
      builder.environment().remove("GITEA_ACTIONS");
      builder.environment().putAll(env);
      Process process = builder.start();
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(4, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("timed out: " + command);
      }
      return new Run(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  LocalRegistry running() {
    return Objects.requireNonNull(registry, "the registry was not started");
  }

  /** A throw-away password for the test user, never a real secret. */
  static String password() {
    return "it-" + UUID.randomUUID();
  }

  static Path imagesDir() {
    Path d = Path.of("").toAbsolutePath();
    while (d != null) {
      if (Files.isRegularFile(d.resolve("images/demo/Dockerfile"))) {
        return d.resolve("images");
      }
      d = d.getParent();
    }
    throw new IllegalStateException("no images/ directory above " + Path.of("").toAbsolutePath());
  }

  /** Skips (or, with HYDRA_REQUIRE_DOCKER=1, fails) without Docker, its base image or the tools. */
  static void requireDockerAndRegistryTools() throws Exception {
    String problem = null;
    try {
      if (exec(List.of("docker", "info", "--format", "{{.ServerVersion}}"), Map.of(), null).code()
          != 0) {
        problem = "no Docker daemon answers";
      } else if (exec(List.of("docker", "image", "inspect", "debian:bookworm-slim"), Map.of(), null)
              .code()
          != 0) {
        problem = "the base image debian:bookworm-slim is not present";
      }
    } catch (IOException e) {
      problem = "the docker CLI cannot run (" + e.getMessage() + ")";
    }
    if (problem == null) {
      problem = LocalRegistry.missingTools();
    }
    if (problem == null && !Files.isRegularFile(JAR)) {
      problem = JAR + " is missing; run ./mvnw package first";
    }
    if (problem == null) {
      return;
    }
    String message = problem + "; run .ci/provision-docker.sh (as root) to provision them";
    if ("1".equals(System.getenv("HYDRA_REQUIRE_DOCKER"))) {
      Assertions.fail("HYDRA_REQUIRE_DOCKER=1 but " + message);
    }
    Assumptions.abort("Docker tests skipped: " + message);
  }
}
