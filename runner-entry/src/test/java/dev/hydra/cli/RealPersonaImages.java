package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The REAL persona images (base, builder, reviewer, security, applier: Debian, git, Node.js, the
 * Claude Code CLI from npm, the egress firewall), built ONCE per test run by {@code hydra image
 * build} itself — the CLI in-process, as {@code hydra-image.yml} runs it — and removed when the run
 * ends, with the base's throw-away fetch stage the engine keeps as an untagged image.
 *
 * <p>A test class asks for them with {@code @ExtendWith(RealPersonaImages.class)} and a {@link
 * Built} parameter (of a {@code @BeforeAll} or a test method). The build needs the local {@code
 * debian:bookworm-slim} and network access to Debian's mirror and npm; behind a TLS-intercepting
 * proxy, {@code HYDRA_TEST_EXTRA_CA} names a PEM file with its CA, passed as {@code --extra-ca}
 * ({@code .ci/run} sets it from the host's extra CAs; never committed). Docker missing: skipped, or
 * failed under {@code HYDRA_REQUIRE_DOCKER=1}, as every IT here.
 */
final class RealPersonaImages implements ParameterResolver {

  static final List<String> ROLES = List.of("base", "builder", "reviewer", "security", "applier");
  static final String TAG = "field";

  /**
   * The images of this run.
   *
   * @param prefix the image name prefix ({@code hydra-it-<random>-real}); role r is {@code
   *     <prefix>-r:<tag>}
   * @param tag the moving tag
   */
  record Built(String prefix, String tag) {

    /** The reference of a role's image. */
    String image(String role) {
      return prefix + "-" + role + ":" + tag;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Built.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
    return store.computeIfAbsent(RealPersonaImages.class, key -> build(), Images.class).built();
  }

  private static Images build() {
    try {
      ItDocker.require();
      Set<String> fetchStagesBefore = fetchStages();
      Built built =
          new Built("hydra-it-" + UUID.randomUUID().toString().substring(0, 8) + "-real", TAG);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "image",
                  "build",
                  "--prefix",
                  built.prefix(),
                  "--tag",
                  built.tag(),
                  "--context",
                  DemoCommandTest.imagesDir().toString()));
      String ca = System.getenv().getOrDefault("HYDRA_TEST_EXTRA_CA", "");
      if (!ca.isBlank()) {
        assertThat(Path.of(ca)).as("HYDRA_TEST_EXTRA_CA").isRegularFile();
        args.addAll(List.of("--extra-ca", ca));
      }
      Map<String, String> env = new HashMap<>();
      for (String name : List.of("PATH", "HOME", "DOCKER_HOST", "DOCKER_CONFIG")) {
        String value = System.getenv(name);
        if (value != null) {
          env.put(name, value);
        }
      }
      env.put("GITHUB_SHA", "f1e1d1c1b1a191817161f1e1d1c1b1a191817161");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          Main.run(args.toArray(String[]::new), env, new PrintWriter(out), new PrintWriter(err));
      Images images = new Images(built, fetchStagesBefore);
      if (code != 0) {
        images.close();
        String tail = err.toString();
        throw new IllegalStateException(
            "hydra image build of the real persona images exited "
                + code
                + " (it needs Debian's mirror and npm; behind a TLS-intercepting proxy set"
                + " HYDRA_TEST_EXTRA_CA to a PEM file with its CA):\n"
                + tail.substring(Math.max(0, tail.length() - 4000)));
      }
      for (String role : ROLES) {
        assertThat(ItDocker.docker("image", "inspect", built.image(role)).exitCode())
            .as("image %s built", built.image(role))
            .isZero();
      }
      return images;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The untagged fetch-stage images the engine holds now (the base's throw-away stage). */
  private static Set<String> fetchStages() throws Exception {
    String ids =
        ItDocker.docker(
                "images",
                "--all",
                "--quiet",
                "--no-trunc",
                "--filter",
                "dangling=true",
                "--filter",
                "label=dev.hydra.stage=fetch")
            .stdout();
    return new LinkedHashSet<>(ids.lines().filter(l -> !l.isBlank()).toList());
  }

  /** Removes the images when the test run ends, and checks that they are gone. */
  private record Images(Built built, Set<String> fetchStagesBefore) implements AutoCloseable {

    @Override
    public void close() {
      try {
        remove();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    private void remove() throws Exception {
      String refs =
          ItDocker.docker(
                  "images",
                  "--format",
                  "{{.Repository}}:{{.Tag}}",
                  "--filter",
                  "reference=" + built.prefix() + "-*")
              .stdout();
      for (String ref : refs.lines().filter(l -> !l.isBlank()).toList()) {
        ItDocker.docker("image", "rm", "--force", ref);
      }
      Set<String> fetch = fetchStages();
      fetch.removeAll(fetchStagesBefore);
      for (String id : fetch) {
        ItDocker.docker("image", "rm", id);
      }
      assertThat(
              ItDocker.docker("images", "--quiet", "--filter", "reference=" + built.prefix() + "-*")
                  .stdout()
                  .strip())
          .as("real persona images left behind")
          .isEmpty();
      Set<String> left = fetchStages();
      left.removeAll(fetchStagesBefore);
      assertThat(left).as("fetch-stage images left behind").isEmpty();
    }
  }
}
