package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.docker.CommandRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hydra image build} with a fake {@code docker} and {@code git}: argv, report, errors. */
class ImageCommandTest {

  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T08:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;
  Path images;
  final Map<String, String> env = new HashMap<>();
  final Fake docker = new Fake();

  /** Records every argv and answers like docker 20.10 and git would. */
  static final class Fake implements CommandRunner {
    final List<List<String>> calls = new ArrayList<>();
    boolean noDocker;
    int buildExit;
    int pushExit;
    Map<String, String> envSeen = Map.of();

    @Override
    public Result run(List<String> argv, Duration timeout) throws IOException {
      calls.add(argv);
      if (argv.get(0).equals("git")) {
        return argv.contains("rev-parse") ? new Result(0, SHA + "\n", "") : new Result(0, "", "");
      }
      if (noDocker) {
        throw new IOException("cannot run docker: error=2, No such file or directory");
      }
      if (argv.get(1).equals("version")) {
        return new Result(0, "20.10.24+dfsg1\n", "");
      }
      String ref = argv.get(argv.size() - 1);
      return new Result(0, "sha256:" + String.format("%064x", ref.hashCode()) + "\n", "");
    }

    @Override
    public Streamed stream(
        List<String> argv, Duration timeout, Consumer<String> out, Consumer<String> err) {
      calls.add(argv);
      if (argv.get(1).equals("build")) {
        out.accept("Step 1/2 : FROM debian:bookworm-slim");
        out.accept("::add-mask::not-a-secret");
        if (buildExit != 0) {
          err.accept("E: Unable to locate package nodejs");
        }
        return new Streamed(buildExit, false);
      }
      String tag = argv.get(2);
      if (pushExit != 0) {
        err.accept("unauthorized: authentication required");
        return new Streamed(pushExit, false);
      }
      out.accept("The push refers to repository [" + tag.replaceFirst(":[^:/]+$", "") + "]");
      out.accept(
          tag.substring(tag.lastIndexOf(':') + 1)
              + ": digest: sha256:"
              + String.format("%064x", tag.replaceFirst(":[^:/]+$", "").hashCode())
              + " size: 528");
      return new Streamed(pushExit, false);
    }
  }

  record Ran(int code, String out, String err) {}

  Ran run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new Cli(
                List.of(
                    new ImageCommand(
                        e -> {
                          docker.envSeen = e;
                          return docker;
                        },
                        CLOCK)),
                env,
                new PrintWriter(out),
                new PrintWriter(err))
            .run(args);
    return new Ran(code, out.toString(), err.toString());
  }

  static String digestOf(String repository) {
    return "sha256:" + String.format("%064x", repository.hashCode());
  }

  @BeforeEach
  void images() throws Exception {
    images = Files.createDirectories(dir.resolve("images"));
    for (String d : List.of("base", "demo", "builder", "reviewer", "security", "applier")) {
      Files.createDirectories(images.resolve(d));
      Files.writeString(images.resolve(d).resolve("Dockerfile"), "FROM scratch\n");
    }
  }

  @Test
  void helpListsTheOptions() {
    MainTest.Result help = MainTest.run(Map.of(), "image", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out())
        .contains("--push", "--prefix", "--tag", "--roles", "--context", "--extra-ca", "--demo")
        .contains("ghcr.io/<owner>/hydra", "  4   container runtime error");
    assertThat(MainTest.run(Map.of(), "--help").out()).contains("image ");
  }

  @Test
  void onGitHubItBuildsBaseThenPersonasPushesAndReportsEveryDigest() throws Exception {
    Path output = dir.resolve("output");
    Path summary = dir.resolve("summary.md");
    env.putAll(
        Map.of(
            "GITHUB_ACTIONS", "true",
            "GITHUB_API_URL", "https://api.github.com",
            "GITHUB_SERVER_URL", "https://github.com",
            "GITHUB_REPOSITORY", "Acme/hydra-java",
            "GITHUB_REPOSITORY_OWNER", "Acme",
            "GITHUB_SHA", SHA,
            "GITHUB_OUTPUT", output.toString(),
            "GITHUB_STEP_SUMMARY", summary.toString()));

    Ran r =
        run(
            "image",
            "build",
            "--push",
            "--context",
            images.toString(),
            "--roles",
            "builder,applier");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(docker.calls.get(0))
        .containsExactly("docker", "version", "--format", "{{.Server.Version}}");
    List<String> builds =
        docker.calls.stream()
            .filter(c -> c.get(1).equals("build") || c.get(1).equals("push"))
            .map(c -> c.get(1) + " " + tagsOf(c))
            .toList();
    assertThat(builds)
        .containsExactly(
            "build ghcr.io/acme/hydra-base:latest ghcr.io/acme/hydra-base:0123456789ab",
            "push ghcr.io/acme/hydra-base:latest",
            "push ghcr.io/acme/hydra-base:0123456789ab",
            "build ghcr.io/acme/hydra-builder:latest ghcr.io/acme/hydra-builder:0123456789ab",
            "push ghcr.io/acme/hydra-builder:latest",
            "push ghcr.io/acme/hydra-builder:0123456789ab",
            "build ghcr.io/acme/hydra-applier:latest ghcr.io/acme/hydra-applier:0123456789ab",
            "push ghcr.io/acme/hydra-applier:latest",
            "push ghcr.io/acme/hydra-applier:0123456789ab");
    assertThat(docker.calls)
        .filteredOn(c -> c.get(1).equals("build"))
        .allSatisfy(
            c ->
                assertThat(c)
                    .containsSubsequence("--label", "org.opencontainers.image.revision=" + SHA)
                    .containsSubsequence(
                        "--label",
                        "org.opencontainers.image.source=https://github.com/Acme/hydra-java"));
    assertThat(docker.calls.get(4))
        .containsSubsequence("--build-arg", "HYDRA_BASE=ghcr.io/acme/hydra-base:0123456789ab");

    String builder = "ghcr.io/acme/hydra-builder@" + digestOf("ghcr.io/acme/hydra-builder");
    assertThat(r.out().lines())
        .hasSize(3)
        .anySatisfy(l -> assertThat(l).startsWith("builder   " + builder + "  ("));
    Map<String, String> outputs = parseOutputs(Files.readString(output, StandardCharsets.UTF_8));
    assertThat(outputs)
        .containsEntry("immutable_tag", "0123456789ab")
        .containsEntry("tag", "latest")
        .containsEntry("prefix", "ghcr.io/acme/hydra")
        .containsEntry("pushed", "true")
        .containsEntry("builder_image", builder)
        .containsEntry("builder_digest", digestOf("ghcr.io/acme/hydra-builder"))
        .containsKeys("base_image", "applier_image")
        .doesNotContainKey("reviewer_image");
    assertThat(outputs.getOrDefault("images", "").lines()).hasSize(3).contains(builder);
    assertThat(Files.readString(summary))
        .startsWith("### Hydra images pushed")
        .contains("| builder | `" + builder + "` |");

    // In Actions the build's own output is fenced: shown, never obeyed.
    List<String> err = r.err().lines().toList();
    int stop = indexOf(err, "::stop-commands::");
    int mask = indexOf(err, "::add-mask::not-a-secret");
    assertThat(stop).isNotNegative().isLessThan(mask);
    String token = err.get(stop).substring("::stop-commands::".length());
    assertThat(err.subList(mask, err.size())).contains("::" + token + "::");
    assertThat(docker.envSeen).isEqualTo(env);
  }

  @Test
  void withoutPushTheLocalImageIdsAreReportedAndTheCommitComesFromGit() throws Exception {
    env.put("HYDRA_IMAGE_PREFIX", "localhost/hydra");
    env.put("HYDRA_IMAGE_TAG", "dev");

    Ran r = run("image", "build", "--context", images.toString(), "--demo", "--roles", "reviewer");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(docker.calls)
        .containsSubsequence(
            List.of("git", "-C", images.toString(), "rev-parse", "--verify", "HEAD"),
            List.of("docker", "version", "--format", "{{.Server.Version}}"));
    assertThat(docker.calls).noneMatch(c -> c.get(1).equals("push"));
    assertThat(docker.calls)
        .filteredOn(c -> c.get(1).equals("build"))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c)
                    .containsSubsequence("--file", images.resolve("demo/Dockerfile").toString())
                    .containsSubsequence("--build-arg", "HYDRA_ROLE=reviewer"));
    assertThat(r.out())
        .startsWith(
            "reviewer  localhost/hydra-reviewer:0123456789ab  (localhost/hydra-reviewer:dev,");
    assertThat(r.err()).doesNotContain("::stop-commands::");
  }

  @Test
  void badInputIsOneLineNamingTheProblemAndExit2BeforeAnyDockerCall() {
    env.put("HYDRA_IMAGE_PREFIX", "localhost/hydra");
    String context = images.toString();

    assertError(
        run("image"), 2, "hydra image: error: expected `hydra image build`, got no sub-command");
    assertError(run("image", "push"), 2, "expected `hydra image build`, got `push`");
    assertError(
        run("image", "build", "--context", context, "--roles", "builder,admin"),
        2,
        "hydra image: error: --roles: unknown role `admin`; the roles are builder, reviewer,"
            + " security, applier, for example --roles builder,reviewer");
    assertError(
        run("image", "build", "--context", context, "--prefix", "ghcr.io/Acme/hydra"),
        2,
        "--prefix: invalid image prefix 'ghcr.io/Acme/hydra'");
    assertError(
        run("image", "build", "--context", context, "--tag", "-rm"),
        2,
        "--tag `-rm` is not an image tag");
    assertError(
        run("image", "build", "--context", dir.resolve("nope").toString()),
        2,
        "is not a directory; pass the repository's images/ directory");
    assertError(run("image", "build", "--bogus"), 2, "unknown option `--bogus`");
    env.remove("HYDRA_IMAGE_PREFIX");
    assertError(
        run("image", "build", "--context", context),
        2,
        "HYDRA_IMAGE_PREFIX is not set, this Hydra is not a release");
    // What was typed is checked before what the environment lacks.
    assertError(run("image", "build", "--roles", "admin"), 2, "--roles: unknown role `admin`");
    assertThat(docker.calls).allSatisfy(c -> assertThat(c.get(0)).isEqualTo("git"));
  }

  @Test
  void dockerMissingOrFailingIsExit4WithTheFix() {
    env.put("HYDRA_IMAGE_PREFIX", "localhost/hydra");
    String context = images.toString();

    docker.noDocker = true;
    assertError(
        run("image", "build", "--context", context),
        4,
        "hydra image: error: the docker CLI cannot be run (cannot run docker: error=2, No such"
            + " file or directory); install Docker (Debian: apt-get install docker.io) or put"
            + " docker on PATH");

    docker.noDocker = false;
    docker.buildExit = 1;
    assertError(
        run("image", "build", "--context", context),
        4,
        "hydra image: error: docker build of localhost/hydra-base:latest failed (exit 1):");

    docker.buildExit = 0;
    docker.pushExit = 1;
    assertError(
        run("image", "build", "--push", "--context", context),
        4,
        "hydra image: error: docker push of localhost/hydra-base:latest failed (exit 1:"
            + " unauthorized: authentication required); is the registry reachable and `docker"
            + " login` done for it?");
  }

  private void assertError(Ran r, int code, String message) {
    assertThat(r.code()).as(r.err()).isEqualTo(code);
    assertThat(r.err().lines().filter(l -> l.contains(": error: ")))
        .singleElement()
        .satisfies(l -> assertThat(l).contains(message));
    assertThat(r.out()).isEmpty();
  }

  private static String tagsOf(List<String> argv) {
    if (argv.get(1).equals("push")) {
      return argv.get(2);
    }
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < argv.size() - 1; i++) {
      if (argv.get(i).equals("--tag")) {
        tags.add(argv.get(i + 1));
      }
    }
    return String.join(" ", tags);
  }

  private static int indexOf(List<String> lines, String start) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(start)) {
        return i;
      }
    }
    return -1;
  }

  static final Pattern ENTRY =
      Pattern.compile(
          "([a-z][a-z0-9_-]*)<<(ghadelimiter_[0-9a-f]{32})\n(.*?)\n\\2\n", Pattern.DOTALL);

  /** Parses GITHUB_OUTPUT as the runner does: every entry in the heredoc form. */
  static Map<String, String> parseOutputs(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = ENTRY.matcher(text);
    int end = 0;
    while (m.find() && m.start() == end) {
      out.put(m.group(1), m.group(3));
      end = m.end();
    }
    assertThat(end).as("every line belongs to an entry").isEqualTo(text.length());
    return out;
  }
}
