package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/hydra-fetch}, the action's jar step: a release's jar is downloaded and refused unless
 * its SHA-256 is the one committed in the tagged tree; an unreleased tree is built instead.
 */
class HydraFetchTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final byte[] JAR = "PK\u0003\u0004 a release's jar".getBytes(StandardCharsets.UTF_8);

  @TempDir Path action;
  HttpServer server;
  String url;

  @BeforeEach
  void serve() throws IOException {
    Files.createDirectories(action.resolve("bin"));
    Files.copy(ROOT.resolve("bin/hydra-fetch"), action.resolve("bin/hydra-fetch"));
    Files.copy(ROOT.resolve("pom.xml"), action.resolve("pom.xml"));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/hydra.jar",
        exchange -> {
          exchange.sendResponseHeaders(200, JAR.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(JAR);
          }
        });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hydra.jar";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  record Run(int exit, String out) {}

  Run fetch(String command) throws Exception {
    Process p =
        new ProcessBuilder("bash", action.resolve("bin/hydra-fetch").toString(), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  void release(String sha256) throws IOException {
    Files.write(
        action.resolve("release.properties"),
        List.of("version=v0.2.0", "jar=" + url, "jar.sha256=" + sha256),
        StandardCharsets.UTF_8);
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void aReleaseTreeDownloadsTheJarAndKeepsItOnlyWhenItsChecksumMatches() throws Exception {
    release(sha256(JAR));
    assertThat(fetch("plan").out()).contains("mode=release", "version=v0.2.0", "maven-key=");

    Run get = fetch("get");

    assertThat(get.exit()).as(get.out()).isZero();
    assertThat(get.out()).contains("v0.2.0: ", "verified (SHA-256 " + sha256(JAR) + ")");
    assertThat(action.resolve("runner-entry/target/hydra.jar")).hasBinaryContent(JAR);
    // A second step in the same job finds it in place and downloads nothing.
    server.stop(0);
    assertThat(fetch("get").out()).contains("is already the release's jar");
  }

  @Test
  void aJarWhoseChecksumDiffersIsRefusedAndNothingIsKept() throws Exception {
    release("0".repeat(64));

    Run get = fetch("get");

    assertThat(get.exit()).isEqualTo(1);
    assertThat(get.out())
        .contains("has SHA-256 " + sha256(JAR))
        .contains("says " + "0".repeat(64) + "; not running it");
    assertThat(action.resolve("runner-entry/target")).isEmptyDirectory();
  }

  @Test
  void aPlainHttpJarOffLoopbackIsRefusedBeforeAnyDownload() throws Exception {
    Files.write(
        action.resolve("release.properties"),
        List.of("version=v0.2.0", "jar=http://example.com/hydra.jar", "jar.sha256=" + sha256(JAR)),
        StandardCharsets.UTF_8);
    Run get = fetch("get");
    assertThat(get.exit()).isEqualTo(1);
    assertThat(get.out()).contains("must be https (http only on loopback)");
  }

  @Test
  void anUnreleasedTreeIsBuilt() throws Exception {
    Run plan = fetch("plan");
    assertThat(plan.out()).contains("mode=build").containsPattern("maven-key=[0-9a-f]{16}");
    // No mvnw in this copy: the build is attempted, and fails, rather than anything downloaded.
    Run get = fetch("get");
    assertThat(get.out()).contains("an unreleased ref): building the jar with Maven");
    assertThat(get.exit()).isNotZero();
  }
}
