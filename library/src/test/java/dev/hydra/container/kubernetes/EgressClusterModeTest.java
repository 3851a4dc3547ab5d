package dev.hydra.container.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code HYDRA_EGRESS=cluster} in the images' entrypoint (contract v2.1), run with the host's bash
 * and a fake {@code curl}: nothing installed, the probe still decides, fail-closed.
 */
class EgressClusterModeTest {

  static final Path SCRIPT = Path.of("..", "images", "base", "entrypoint-common.sh");

  @TempDir Path dir;

  record Result(int exit, String stderr) {}

  Result firewall(int curlExit, boolean asAgent) throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path curl = dir.resolve("curl");
    Files.writeString(curl, "#!/bin/sh\nexit " + curlExit + "\n");
    Files.setPosixFilePermissions(curl, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> argv = new ArrayList<>();
    boolean root = root();
    if (asAgent && root) {
      argv.addAll(List.of("setpriv", "--reuid=10001", "--regid=10001", "--clear-groups"));
    }
    argv.addAll(
        List.of(
            "env",
            "-i",
            "PATH=" + dir + ":/usr/bin:/bin",
            "HYDRA_EGRESS=cluster",
            "bash",
            "-c",
            ". \"$0\" && hydra_firewall builder",
            SCRIPT.toAbsolutePath().toString()));
    Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), err);
  }

  static boolean root() throws Exception {
    Process id = new ProcessBuilder("id", "-u").start();
    return "0"
        .equals(new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
  }

  @Test
  void anEnforcedPolicyIsVerifiedAndNothingIsInstalled() throws Exception {
    Result r = firewall(7, true); // connection refused: the policy holds
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.stderr()).contains("HYDRA_EGRESS=cluster").contains("is unreachable");
  }

  @Test
  void aClusterThatDoesNotEnforceItFailsClosed() throws Exception {
    Result r = firewall(0, true); // the probe got through
    assertThat(r.exit()).isEqualTo(69);
    assertThat(r.stderr()).contains("was reachable");
  }

  @Test
  void rootCannotClaimTheClusterEnforcesEgress() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(root(), "needs root");
    Result r = firewall(7, false);
    assertThat(r.exit()).isEqualTo(69);
    assertThat(r.stderr()).contains("for a pod that starts as the agent user");
  }
}
