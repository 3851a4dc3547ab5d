package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.docker.CommandRunner;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.credentials.TestTokens;
import dev.hydra.label.Stage;
import dev.hydra.verdict.Verdict;
import dev.hydra.verdict.VerdictReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real base, builder and reviewer images (built with {@code INSTALL_CLAUDE=0}: a stub instead
 * of the ~230 MB CLI; the base still installs its Debian packages, so this needs Debian's mirror)
 * under the runner's hardening and the runner ⇄ image contract v2: no token is accepted; the egress
 * firewall lets the agent reach the model gateway (and the allow-list) and nothing else — not the
 * forge — in IPv4 and IPv6, cannot be changed by the agent, and fails closed (security anchors §5.2
 * items 17, 19, 21, 22); the agent's commits leave as a bundle, and only when there are some. Test
 * networks with listeners stand in for the gateway, the forge and the Internet; names are pinned
 * with {@code --add-host}. The agent is a stub {@code claude} mounted over the image's (see {@link
 * StageFolders}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PersonaFirewallIT {

  static final CommandRunner RUNNER = new CommonsExecCommandRunner();
  static final String ID = UUID.randomUUID().toString().substring(0, 8);
  static final String PREFIX = "hydra-it-" + ID + "-persona";
  static final String NETWORK = "hydra-it-" + ID + "-net";
  static final String NETWORK6 = "hydra-it-" + ID + "-net6";
  static final String SUBNET6 =
      "fd" + ID.substring(0, 2) + ":" + ID.substring(2, 6) + ":" + ID.substring(6, 8) + "00:1::/64";
  static final String SHA = "fedcba9876543210fedcba9876543210fedcba98";
  static final String PLACEHOLDER = "hydra-gateway-placeholder-" + ID + "0123456789";
  static final int GATEWAY_PORT = 8080;
  static final String GATEWAY_URL = "http://gateway.test:" + GATEWAY_PORT;
  static final List<String> REGISTRIES =
      List.of(
          "registry.npmjs.org",
          "repo.maven.apache.org",
          "repo1.maven.org",
          "pypi.org",
          "files.pythonhosted.org",
          "deb.debian.org");

  Listener gateway = Listener.NONE;
  Listener forge = Listener.NONE;
  Listener allowed6 = Listener.NONE;
  Listener denied6 = Listener.NONE;
  final List<String> containers = new ArrayList<>();
  final List<String> networks = new ArrayList<>();

  record Listener(String name, String ip, String ip6) {
    static final Listener NONE = new Listener("", "", "");
  }

  @BeforeAll
  void buildAndStartListeners() throws Exception {
    ImageTestSupport.requireDocker();
    ImageBuildRequest request =
        ImageBuildRequest.of(
                ImageTestSupport.imagesDir(), ImageSet.PERSONAS, PREFIX, "it", Instant.now())
            .withRevision(SHA)
            .withRoles(List.of("builder", "reviewer"))
            .withBuildArg("INSTALL_CLAUDE", "0")
            .withBuildArg("HYDRA_BUILD_ID", ID);
    new ImageBuilder(RUNNER, Duration.ofMinutes(15), line -> {}).build(request);
    network(List.of("docker", "network", "create", NETWORK), NETWORK);
    network(
        List.of("docker", "network", "create", "--ipv6", "--subnet", SUBNET6, NETWORK6), NETWORK6);
    gateway = listener("gateway", NETWORK);
    forge = listener("forge", NETWORK);
    allowed6 = listener("allowed6", NETWORK6);
    denied6 = listener("denied6", NETWORK6);
  }

  @AfterAll
  void removeEverything() throws Exception {
    for (String c : containers) {
      RUNNER.run(List.of("docker", "rm", "--force", c), Duration.ofMinutes(1));
    }
    for (String n : networks) {
      RUNNER.run(List.of("docker", "network", "rm", n), Duration.ofMinutes(1));
    }
    // The base's throw-away fetch stage, which the legacy builder keeps as an untagged image.
    RUNNER.run(
        List.of(
            "docker", "image", "prune", "--force", "--filter", "label=dev.hydra.build-id=" + ID),
        Duration.ofMinutes(1));
    for (String role : List.of("base", "builder", "reviewer")) {
      for (String tag : List.of("it", SHA.substring(0, 12))) {
        RUNNER.run(
            List.of("docker", "image", "rm", "--force", PREFIX + "-" + role + ":" + tag),
            Duration.ofMinutes(1));
      }
    }
    assertThat(
            RUNNER
                .run(
                    List.of("docker", "ps", "-a", "--format", "{{.Names}}"), Duration.ofSeconds(30))
                .stdout())
        .as("containers left behind")
        .doesNotContain("hydra-it-" + ID);
  }

  @Test
  void theAgentReachesTheGatewayOnlyNotTheForgeAndCannotChangeTheFirewall() throws Exception {
    String probe =
        curl("gateway", GATEWAY_URL + "/")
            + curl("gateway_https", "https://" + gateway.ip() + "/")
            + curl("forge", "https://forge.test/")
            + curl("forge_other_port", "http://" + forge.ip() + ":" + GATEWAY_PORT + "/")
            + curl("anthropic", "https://api.anthropic.com/")
            + curl("meta", "http://169.254.169.254/")
            + "dig +time=2 +tries=1 @"
            + forge.ip()
            + " example.com >/dev/null 2>&1; echo dns_other=$?;"
            + " dig +time=2 +tries=1 @127.0.0.11 "
            + forge.name()
            + " >/dev/null 2>&1; echo dns_resolver=$?;"
            + " iptables -F 2>/dev/null; echo iptables_flush=$?;"
            + " ip6tables -P OUTPUT ACCEPT 2>/dev/null; echo ip6tables_policy=$?";
    try (StageFolders folders = StageFolders.create("reviewer", false)) {
      CommandRunner.Result r =
          hardened(true, NETWORK, GATEWAY_URL, folders, List.of(), firewallThen(probe, "reviewer"));

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stderr()).contains("egress firewall verified", "model gateway: gateway.test");
      assertThat(r.stdout())
          .contains("gateway=52") // connected: the listener answers with an empty reply
          .contains("gateway_https=7", "forge=7", "forge_other_port=7", "anthropic=7", "meta=7")
          .contains("dns_other=9", "dns_resolver=0")
          .contains("iptables_flush=4", "ip6tables_policy=4"); // EPERM
    }
  }

  @Test
  void anAllowListedIpv6HostIsReachableAndNoOtherOne() throws Exception {
    String probe =
        curl("gateway6", "http://[" + allowed6.ip6() + "]:" + GATEWAY_PORT + "/")
            + curl("extra6", "https://[" + allowed6.ip6() + "]/")
            + curl("denied6", "https://[" + denied6.ip6() + "]/")
            + curl("denied6_gateway_port", "http://[" + denied6.ip6() + "]:" + GATEWAY_PORT + "/");
    try (StageFolders folders = StageFolders.create("reviewer", false)) {
      CommandRunner.Result r =
          hardened(
              true,
              NETWORK6,
              "http://[" + allowed6.ip6() + "]:" + GATEWAY_PORT,
              folders,
              List.of(
                  "-e",
                  "HYDRA_EGRESS_EXTRA_HOSTS=" + allowed6.ip6(),
                  "--add-host",
                  "example.com:" + denied6.ip()),
              firewallThen(probe, "reviewer"));

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stdout())
          .contains("gateway6=52", "extra6=35") // connected (no TLS server on 443)
          .contains("denied6=7", "denied6_gateway_port=7"); // rejected at once
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"GIT_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY"})
  void aTokenInTheEnvironmentIsRefusedBeforeTheAgentRuns(String variable) throws Exception {
    String token = TestTokens.claude(variable.hashCode());
    try (StageFolders folders = StageFolders.create("builder", true)) {
      CommandRunner.Result r = stage("builder", folders, true, "-e", variable + "=" + token);

      assertThat(r.exitCode()).isEqualTo(64);
      assertThat(r.stderr()).contains("hydra: error: " + variable, "the runner keeps the tokens");
      assertThat(r.stdout() + r.stderr())
          .doesNotContain(StageFolders.AGENT_RAN)
          .doesNotContain(VerdictReader.PREFIX);
      TestTokens.assertNoTokenIn(r.stdout() + r.stderr());
    }
  }

  @Test
  void theAgentsCommitsLeaveAsABundleOnTheBranch() throws Exception {
    try (StageFolders folders = StageFolders.create("builder", true)) {
      CommandRunner.Result r = stage("builder", folders, true, "-e", "STUB_COMMIT=1");

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stderr())
          .contains(StageFolders.AGENT_RAN, "/input/issue.md", "never push", "1 commit(s)");
      List<String> lines = r.stdout().lines().toList();
      Verdict v = VerdictReader.read(Stage.BUILD, lines);
      assertThat(v.passed()).as(r.stdout()).isTrue();
      assertThat(lines.get(lines.size() - 1)).startsWith(VerdictReader.PREFIX);
      Path bundle = folders.bundle();
      assertThat(bundle).isRegularFile();
      assertThat(git(folders.repo(), "bundle", "verify", bundle.toString()).exitCode()).isZero();
      String heads = git(folders.repo(), "bundle", "list-heads", bundle.toString()).stdout();
      String head = git(folders.repo(), "rev-parse", "refs/heads/" + StageFolders.BRANCH).stdout();
      assertThat(heads.strip()).isEqualTo(head.strip() + " refs/heads/" + StageFolders.BRANCH);
      assertThat(git(folders.repo(), "rev-parse", head.strip() + "^").stdout().strip())
          .isEqualTo(folders.baseSha());
    }
  }

  @Test
  void withoutACommitNoBundleIsLeftEvenOneTheAgentWroteItself() throws Exception {
    try (StageFolders folders = StageFolders.create("reviewer", true)) {
      CommandRunner.Result r = stage("reviewer", folders, true, "-e", "STUB_COMMIT=0");

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stderr()).contains(StageFolders.AGENT_RAN, "/input/pull-request.diff");
      assertThat(r.stderr()).contains("no commit on " + StageFolders.BRANCH);
      assertThat(folders.bundle()).doesNotExist();
      List<String> lines = r.stdout().lines().toList();
      assertThat(VerdictReader.read(Stage.CODE_REVIEW, lines).passed()).isTrue();
      assertThat(lines.get(lines.size() - 1)).startsWith(VerdictReader.PREFIX);
    }
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
        docker(ImageTestSupport.setuidFiles(PREFIX + "-base:it"), Duration.ofMinutes(1));
    assertThat(setuid.strip()).as("setuid/setgid files (CIS 4.8)").isEmpty();
  }

  @Test
  void withoutNetAdminTheEntrypointRefusesBeforeTheAgentRuns() throws Exception {
    try (StageFolders folders = StageFolders.create("reviewer", true)) {
      CommandRunner.Result r = stage("reviewer", folders, false);

      assertThat(r.exitCode()).isEqualTo(69);
      assertThat(r.stderr()).contains("cannot install the egress firewall");
      assertThat(r.stdout() + r.stderr()).doesNotContain(StageFolders.AGENT_RAN);
      assertThat(r.stdout()).doesNotContain(VerdictReader.PREFIX);
    }
  }

  @Test
  void anAllowListedNameThatDoesNotResolveFailsClosed() throws Exception {
    try (StageFolders folders = StageFolders.create("reviewer", true)) {
      CommandRunner.Result r =
          stage("reviewer", folders, true, "-e", "HYDRA_EGRESS_EXTRA_HOSTS=nowhere.invalid");

      assertThat(r.exitCode()).isEqualTo(69);
      assertThat(r.stderr()).contains("nowhere.invalid does not resolve");
      assertThat(r.stdout() + r.stderr()).doesNotContain(StageFolders.AGENT_RAN);
    }
  }

  @Test
  void afterTheDropAnAgentThatPrintsNoResultStillEndsWithAFailVerdict() throws Exception {
    // The image's own stub claude (INSTALL_CLAUDE=0) exits 127 without a result record.
    try (StageFolders folders = StageFolders.create("reviewer", false)) {
      CommandRunner.Result r = stage("reviewer", folders, true);

      List<String> lines = r.stdout().lines().toList();
      Verdict v = VerdictReader.read(Stage.CODE_REVIEW, lines);
      assertThat(r.exitCode()).as(r.stderr()).isEqualTo(127);
      assertThat(v.passed()).isFalse();
      assertThat(v.summary()).contains("no result record");
      assertThat(lines.get(lines.size() - 1)).startsWith(VerdictReader.PREFIX);
      assertThat(folders.bundle()).doesNotExist();
    }
  }

  /** The role's image with its own entrypoint on the IPv4 test network, as the runner starts it. */
  private CommandRunner.Result stage(
      String role, StageFolders folders, boolean netAdmin, String... extra) throws Exception {
    return hardened(
        netAdmin,
        NETWORK,
        GATEWAY_URL,
        folders,
        List.of(extra),
        List.of(PREFIX + "-" + role + ":it"));
  }

  private static String curl(String name, String url) {
    return "curl -s -g -o /dev/null --connect-timeout 3 --max-time 6 '"
        + url
        + "'; echo "
        + name
        + "=$?; ";
  }

  /** The root half of the entrypoint, then the probe as the agent user instead of the agent. */
  private List<String> firewallThen(String probe, String role) {
    return List.of(
        "--entrypoint",
        "bash",
        PREFIX + "-" + role + ":it",
        "-c",
        ". /usr/local/lib/hydra/entrypoint-common.sh && hydra_validate "
            + role
            + " && hydra_firewall "
            + role
            + " && hydra_drop_to_agent bash -c \""
            + probe.replace("\"", "\\\"").replace("$", "\\$")
            + "\"");
  }

  /** The container as the runner starts it (contract v2): mounts, plain environment, no secret. */
  private CommandRunner.Result hardened(
      boolean netAdmin,
      String network,
      String gatewayUrl,
      StageFolders folders,
      List<String> extra,
      List<String> tail)
      throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "docker",
                "run",
                "--rm",
                "--read-only",
                "--tmpfs",
                "/tmp:size=64m",
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
                network,
                "--add-host",
                "gateway.test:" + gateway.ip(),
                "--add-host",
                "api.anthropic.com:" + forge.ip(),
                "--add-host",
                "forge.test:" + forge.ip(),
                "--add-host",
                "example.com:" + forge.ip()));
    // The builder's registries must resolve (the firewall fails closed otherwise): pinned to the
    // gateway's listener, whose port 443 no rule but theirs allows; never to the "forge" or the
    // verification probe's address (example.com), which must stay unreachable.
    for (String registry : REGISTRIES) {
      argv.addAll(List.of("--add-host", registry + ":" + gateway.ip()));
    }
    argv.addAll(folders.dockerArgs());
    argv.addAll(
        List.of(
            "-e",
            "REPO_URL=https://forge.test/o/r",
            "-e",
            "ISSUE_URL=https://forge.test/o/r/issues/5",
            "-e",
            "PR_URL=https://forge.test/o/r/pulls/6",
            "-e",
            "HYDRA_MODEL=claude-sonnet-4-5",
            "-e",
            "ANTHROPIC_BASE_URL=" + gatewayUrl,
            "-e",
            "ANTHROPIC_API_KEY=" + PLACEHOLDER));
    argv.addAll(extra);
    if (netAdmin) {
      argv.addAll(List.of("--cap-add", "NET_ADMIN"));
    }
    argv.addAll(tail);
    return RUNNER.run(argv, Duration.ofMinutes(2));
  }

  private Listener listener(String name, String network) throws Exception {
    String container = "hydra-it-" + ID + "-" + name;
    containers.add(container);
    docker(
        List.of(
            "docker",
            "run",
            "-d",
            "--rm",
            "--name",
            container,
            "--network",
            network,
            "--entrypoint",
            "node",
            PREFIX + "-base:it",
            "-e",
            "const net = require('net');"
                + " for (const port of [443, "
                + GATEWAY_PORT
                + "]) net.createServer(s => s.end()).listen(port, '::');"),
        Duration.ofMinutes(1));
    String addresses =
        docker(
                List.of(
                    "docker",
                    "inspect",
                    "--format",
                    "{{(index .NetworkSettings.Networks \""
                        + network
                        + "\").IPAddress}} {{(index .NetworkSettings.Networks \""
                        + network
                        + "\").GlobalIPv6Address}}",
                    container),
                Duration.ofSeconds(30))
            .strip();
    String[] parts = addresses.split(" ", -1);
    return new Listener(container, parts[0], parts.length > 1 ? parts[1] : "");
  }

  private void network(List<String> argv, String name) throws Exception {
    networks.add(name);
    docker(argv, Duration.ofMinutes(1));
  }

  static CommandRunner.Result git(Path repo, String... args) throws Exception {
    List<String> argv =
        new ArrayList<>(List.of("git", "-c", "safe.directory=*", "-C", repo.toString()));
    argv.addAll(List.of(args));
    return RUNNER.run(argv, Duration.ofMinutes(1));
  }

  static String docker(List<String> argv, Duration timeout) throws Exception {
    CommandRunner.Result r = RUNNER.run(argv, timeout);
    assertThat(r.exitCode()).as("%s: %s", argv, r.stderr()).isZero();
    return r.stdout();
  }
}
