package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.docker.CommandRunner;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.label.Stage;
import dev.hydra.verdict.Verdict;
import dev.hydra.verdict.VerdictReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real base and reviewer images (built with {@code INSTALL_CLAUDE=0}: a stub instead of the
 * ~230 MB CLI; the base still installs its Debian packages, so this needs Debian's mirror) under
 * the runner's hardening: the egress firewall lets the agent reach an allow-listed host and nothing
 * else, cannot be changed by the agent, and fails closed without NET_ADMIN (security-anchors §5.2
 * items 17, 19, 21, 22). A test network with two listeners, "allowed" and "denied", stands in for
 * the Internet; names are pinned with {@code --add-host}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PersonaFirewallIT {

  static final CommandRunner RUNNER = new CommonsExecCommandRunner();
  static final String ID = UUID.randomUUID().toString().substring(0, 8);
  static final String PREFIX = "hydra-it-" + ID + "-persona";
  static final String NETWORK = "hydra-it-" + ID + "-net";
  static final String SHA = "fedcba9876543210fedcba9876543210fedcba98";

  String allowedIp = "";
  String deniedIp = "";
  final List<String> cleanup = new ArrayList<>();

  @BeforeAll
  void buildAndStartListeners() throws Exception {
    ImageTestSupport.requireDocker();
    ImageBuildRequest request =
        ImageBuildRequest.of(
                ImageTestSupport.imagesDir(), ImageSet.PERSONAS, PREFIX, "it", Instant.now())
            .withRevision(SHA)
            .withRoles(List.of("reviewer"))
            .withBuildArg("INSTALL_CLAUDE", "0")
            .withBuildArg("HYDRA_BUILD_ID", ID);
    new ImageBuilder(RUNNER, Duration.ofMinutes(10), line -> {}).build(request);
    docker(List.of("docker", "network", "create", NETWORK), Duration.ofMinutes(1));
    allowedIp = listener("allowed");
    deniedIp = listener("denied");
  }

  @AfterAll
  void removeEverything() throws Exception {
    for (String c : cleanup) {
      RUNNER.run(List.of("docker", "rm", "--force", c), Duration.ofMinutes(1));
    }
    RUNNER.run(List.of("docker", "network", "rm", NETWORK), Duration.ofMinutes(1));
    // The base's throw-away fetch stage, which the legacy builder keeps as an untagged image.
    RUNNER.run(
        List.of(
            "docker", "image", "prune", "--force", "--filter", "label=dev.hydra.build-id=" + ID),
        Duration.ofMinutes(1));
    for (String role : List.of("base", "reviewer")) {
      for (String tag : List.of("it", SHA.substring(0, 12))) {
        RUNNER.run(
            List.of("docker", "image", "rm", "--force", PREFIX + "-" + role + ":" + tag),
            Duration.ofMinutes(1));
      }
    }
  }

  @Test
  void theAgentReachesTheAllowListOnlyAndCannotChangeTheFirewall() throws Exception {
    String probe =
        "curl -s -o /dev/null --connect-timeout 3 https://forge.test/; echo allowed=$?;"
            + " curl -s -o /dev/null --connect-timeout 3 https://example.com/; echo denied=$?;"
            + " curl -s -o /dev/null --connect-timeout 3 https://"
            + deniedIp
            + "/; echo denied_ip=$?;"
            + " curl -s -o /dev/null --connect-timeout 3 http://169.254.169.254/; echo meta=$?;"
            + " iptables -F 2>/dev/null; echo iptables_flush=$?;"
            + " ip6tables -P OUTPUT ACCEPT 2>/dev/null; echo ip6tables_policy=$?";
    CommandRunner.Result r =
        hardened(
            true,
            List.of(
                "--entrypoint",
                "bash",
                PREFIX + "-reviewer:it",
                "-c",
                ". /usr/local/lib/hydra/entrypoint-common.sh && hydra_validate reviewer"
                    + " && hydra_firewall reviewer && hydra_drop_to_agent bash -c '"
                    + probe
                    + "'"));

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).contains("egress firewall verified");
    assertThat(r.stdout())
        .contains("allowed=35") // connected; the listener is no TLS server
        .contains("denied=7", "denied_ip=7", "meta=7") // rejected at once
        .contains("iptables_flush=4", "ip6tables_policy=4"); // EPERM
  }

  @Test
  void theBaseCarriesItsLabelsAndNoSetuidFile() throws Exception {
    String labels =
        docker(
            List.of(
                "docker",
                "image",
                "inspect",
                "--format",
                "{{index .Config.Labels \"org.opencontainers.image.revision\"}}"
                    + " {{index .Config.Labels \"dev.hydra.role\"}}",
                PREFIX + "-reviewer:it"),
            Duration.ofSeconds(30));
    assertThat(labels.strip()).isEqualTo(SHA + " reviewer");
    String setuid =
        docker(
            List.of(
                "docker",
                "run",
                "--rm",
                "--network",
                "none",
                "--entrypoint",
                "find",
                PREFIX + "-base:it",
                "/",
                "-xdev",
                "-perm",
                "/6000",
                "-type",
                "f"),
            Duration.ofMinutes(1));
    assertThat(setuid.strip()).as("setuid/setgid files (CIS 4.8)").isEmpty();
  }

  @Test
  void withoutNetAdminTheEntrypointRefusesBeforeTheAgentRuns() throws Exception {
    CommandRunner.Result r = hardened(false, List.of(PREFIX + "-reviewer:it"));

    assertThat(r.exitCode()).isEqualTo(69);
    assertThat(r.stderr()).contains("cannot install the egress firewall");
    assertThat(r.stdout()).doesNotContain(VerdictReader.PREFIX);
  }

  @Test
  void anAllowListedNameThatDoesNotResolveFailsClosed() throws Exception {
    CommandRunner.Result r =
        hardened(
            true,
            List.of("-e", "HYDRA_EGRESS_EXTRA_HOSTS=nowhere.invalid", PREFIX + "-reviewer:it"));

    assertThat(r.exitCode()).isEqualTo(69);
    assertThat(r.stderr()).contains("nowhere.invalid does not resolve");
  }

  @Test
  void afterTheDropAFailingStageStillEndsWithAFailVerdict() throws Exception {
    // The full entrypoint: the clone fails (the listener is no git server); the verdict says so.
    CommandRunner.Result r = hardened(true, List.of(PREFIX + "-reviewer:it"));

    List<String> lines = r.stdout().lines().toList();
    Verdict v = VerdictReader.read(Stage.CODE_REVIEW, lines);
    assertThat(v.passed()).isFalse();
    assertThat(lines.get(lines.size() - 1)).startsWith(VerdictReader.PREFIX);
    assertThat(r.stdout() + r.stderr()).doesNotContain("git-token-secret");
  }

  private CommandRunner.Result hardened(boolean netAdmin, List<String> tail) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "docker",
                "run",
                "--rm",
                "--read-only",
                "--tmpfs",
                "/tmp:size=64m",
                "--tmpfs",
                "/workspace:size=64m",
                "--security-opt",
                "no-new-privileges",
                "--cap-drop",
                "ALL",
                "--cap-add",
                "SETUID",
                "--cap-add",
                "SETGID",
                "--cap-add",
                "SETPCAP",
                "--pids-limit",
                "256",
                "--network",
                NETWORK,
                "--add-host",
                "api.anthropic.com:" + allowedIp,
                "--add-host",
                "forge.test:" + allowedIp,
                "--add-host",
                "example.com:" + deniedIp,
                "-e",
                "GIT_TOKEN=git-token-secret",
                "-e",
                "REPO_URL=https://forge.test/o/r",
                "-e",
                "PR_URL=https://forge.test/o/r/pulls/1",
                "-e",
                "HYDRA_MODE=review",
                "-e",
                "HYDRA_MODEL=claude-sonnet-4-5",
                "-e",
                "CLAUDE_CODE_OAUTH_TOKEN=t"));
    if (netAdmin) {
      argv.addAll(List.of("--cap-add", "NET_ADMIN"));
    }
    argv.addAll(tail);
    return RUNNER.run(argv, Duration.ofMinutes(2));
  }

  private String listener(String name) throws Exception {
    String container = "hydra-it-" + ID + "-" + name;
    cleanup.add(container);
    docker(
        List.of(
            "docker",
            "run",
            "-d",
            "--rm",
            "--name",
            container,
            "--network",
            NETWORK,
            "--entrypoint",
            "node",
            PREFIX + "-base:it",
            "-e",
            "require('net').createServer(s => s.end()).listen(443)"),
        Duration.ofMinutes(1));
    return docker(
            List.of(
                "docker",
                "inspect",
                "--format",
                "{{(index .NetworkSettings.Networks \"" + NETWORK + "\").IPAddress}}",
                container),
            Duration.ofSeconds(30))
        .strip();
  }

  private static String docker(List<String> argv, Duration timeout) throws Exception {
    CommandRunner.Result r = RUNNER.run(argv, timeout);
    assertThat(r.exitCode()).as("%s: %s", argv, r.stderr()).isZero();
    return r.stdout();
  }
}
