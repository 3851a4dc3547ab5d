package dev.hydra.config;

import static dev.hydra.config.ConfigVariable.Kind.BUILD_ARG;
import static dev.hydra.config.ConfigVariable.Kind.CONTAINER;
import static dev.hydra.config.ConfigVariable.Kind.IMAGE;
import static dev.hydra.config.ConfigVariable.Section.BUILD;
import static dev.hydra.config.ConfigVariable.Section.DEMO;
import static dev.hydra.config.ConfigVariable.Section.GATE;
import static dev.hydra.config.ConfigVariable.Section.IMAGE_INTERNAL;

import dev.hydra.config.ConfigVariable.Section;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The second half of the registry ({@link Variables}): what the images read — the runner ⇄ image
 * contract (images/README.md), a gate container's variables, the demo images' steering, the
 * entrypoint's own overrides — and the images' build arguments. The runner sets most of these in
 * the containers it starts; no token is ever one of them.
 */
public final class ImageVariables {

  private static final List<ConfigVariable> REGISTERED = new ArrayList<>();

  private static final String ENTRYPOINT = "the entrypoint (`images/base/entrypoint-common.sh`)";
  private static final String AGENT_STAGE = "`images/base/agent-stage.sh`";
  private static final String DEMO_AGENT = "`images/demo/demo-agent.sh`";

  // ---- The stage container (contract v2) -------------------------------------------------------

  /** The stage's mode. */
  public static final ConfigVariable MODE =
      add(
          container("HYDRA_MODE")
              .byDefault("required")
              .means(
                  """
                  `build`, `review`, `apply` or `fix` (the builder's retry pass, with
                  `/input/findings.md`).""")
              .readBy(ENTRYPOINT));

  /** The stage and role, checked against the image. */
  public static final ConfigVariable STAGE_AND_ROLE =
      add(
          container("HYDRA_STAGE", "HYDRA_ROLE")
              .byDefault("optional")
              .means("When set, must match the image (the persona images set `HYDRA_ROLE`).")
              .readBy(ENTRYPOINT));

  /** The persona's models. */
  public static final ConfigVariable MODELS =
      add(
          container("HYDRA_MODEL", "HYDRA_FALLBACK_MODEL")
              .byDefault("model: required (not in demo mode)")
              .means(
                  """
                  The model names, from `HYDRA_<PERSONA>_MODEL` and
                  `HYDRA_<PERSONA>_FALLBACK_MODEL` ([Stages](#stages)).""")
              .readBy(AGENT_STAGE));

  /** The branch the agent commits on. */
  public static final ConfigVariable BRANCH =
      add(
          container("HYDRA_BRANCH")
              .byDefault("required (not in demo mode)")
              .means("The branch the agent commits on (checked out); a valid branch name.")
              .readBy(ENTRYPOINT));

  /** The commit the output builds on. */
  public static final ConfigVariable BASE_SHA =
      add(
          container("HYDRA_BASE_SHA")
              .byDefault("required (not in demo mode)")
              .means(
                  """
                  The commit the output must build on (builder: the target branch's tip;
                  reviewer, applier: the PR's head), 40 hex digits.""")
              .readBy(ENTRYPOINT));

  /** The model gateway. */
  public static final ConfigVariable GATEWAY =
      add(
          container("ANTHROPIC_BASE_URL")
              .byDefault("required (not in demo mode)")
              .means(
                  """
                  The runner's model gateway, `http://<host>:<port>`; the firewall allows exactly
                  that address and port.""")
              .readBy(ENTRYPOINT));

  /** The gateway's placeholder key. */
  public static final ConfigVariable PLACEHOLDER =
      add(
          container("ANTHROPIC_API_KEY")
              .byDefault("required (demo: optional)")
              .means(
                  """
                  The gateway's placeholder, starting `hydra-gateway-placeholder-`; anything else
                  is refused.""")
              .readBy(ENTRYPOINT));

  /** The input folder. */
  public static final ConfigVariable INPUT =
      add(
          container("HYDRA_INPUT")
              .byDefault("`/input`")
              .means("The read-only input folder (`issue.md`, the PR's files, `spec/`).")
              .readBy(ENTRYPOINT));

  /** The spec folder. */
  public static final ConfigVariable SPEC_PATH =
      add(
          container("SPEC_PATH")
              .byDefault("unset")
              .means("`/input/spec`, set only when the issue names a spec folder.")
              .readBy(ENTRYPOINT));

  /** Informational URLs. */
  public static final ConfigVariable URLS =
      add(
          container("REPO_URL", "ISSUE_URL", "PR_URL")
              .byDefault("optional")
              .means("Informational, for the prompt only: http(s), no credentials.")
              .readBy(AGENT_STAGE));

  /** Names pinned in /etc/hosts. */
  public static final ConfigVariable EGRESS_PINNED =
      add(
          container("HYDRA_EGRESS_PINNED")
              .byDefault("`1` (the runner sets it)")
              .means(
                  """
                  The allow-list's names are pinned in `/etc/hosts` (`docker run --add-host`,
                  resolved by the runner) and are looked up there only.""")
              .readBy(ENTRYPOINT));

  /** The firewall's mode. */
  public static final ConfigVariable EGRESS =
      add(
          container("HYDRA_EGRESS")
              .byDefault("`on`: the entrypoint's firewall")
              .means(
                  """
                  `cluster` (the Kubernetes runtime sets it) when the stage's NetworkPolicy is the
                  firewall; `off` only for a disposable local test.""")
              .readBy(ENTRYPOINT));

  /** More hosts for the firewall. */
  public static final ConfigVariable EGRESS_EXTRA_HOSTS =
      add(
          container("HYDRA_EGRESS_EXTRA_HOSTS")
              .byDefault("none")
              .means(
                  "More HTTPS hosts (space-separated names or IP literals), set by the operator.")
              .readBy(ENTRYPOINT));

  /** The firewall's verification probe. */
  public static final ConfigVariable EGRESS_PROBE =
      add(
          container("HYDRA_EGRESS_PROBE")
              .byDefault("`https://example.com/`")
              .means("A URL that must be unreachable once the firewall is up, else exit 69.")
              .readBy(ENTRYPOINT));

  /** The agent's turn budget. */
  public static final ConfigVariable MAX_TURNS =
      add(
          container("HYDRA_MAX_TURNS")
              .byDefault("the persona's: 80 builder, 30 reviewers, 20 applier")
              .means("The agent's turn budget (`--max-turns`).")
              .readBy(AGENT_STAGE));

  /** The Kubernetes helper containers' transfer URLs. */
  public static final ConfigVariable TRANSFER_URLS =
      add(
          container("HYDRA_FETCH_URL", "HYDRA_UPLOAD_URL")
              .byDefault("set by the Kubernetes runtime")
              .means(
                  """
                  Where the stage pod's `fetch` helper gets the workspace and its `upload` helper
                  sends `changes.bundle` ([kubernetes.md](kubernetes.md)).""")
              .readBy("`container.kubernetes.KubernetesManifests`"));

  /** The token variables every image refuses. */
  public static final ConfigVariable REFUSED =
      add(
          container("GIT_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN")
              .byDefault("**never**")
              .means(
                  """
                  Refused: exit 64, `hydra: error: <VARIABLE> is set, but no token ever enters a
                  persona container …` (the value is never printed), before anything else runs —
                  demo images included.""")
              .readBy(ENTRYPOINT));

  // ---- A gate's container ----------------------------------------------------------------------

  /** The gate's name and scope. */
  public static final ConfigVariable GATE_NAME_SCOPE =
      add(
          ConfigVariable.of(CONTAINER, GATE, List.of("HYDRA_GATE_NAME", "HYDRA_GATE_SCOPE"))
              .byDefault("always set")
              .means("The gate's name and scope (`all` or `diff`) from `.hydra/gates.yml`.")
              .readBy("the gate's command"));

  /** The changed files of a diff gate. */
  public static final ConfigVariable GATE_CHANGED_FILES =
      add(
          ConfigVariable.of(CONTAINER, GATE, "HYDRA_GATE_CHANGED_FILES")
              .byDefault("`scope: diff` only")
              .means(
                  """
                  `/gate/changed-files`: the changed files, base commit to head, one path a line
                  (read-only).""")
              .readBy("the gate's command"));

  // ---- The demo images -------------------------------------------------------------------------

  /** The demo verdict's outcome. */
  public static final ConfigVariable DEMO_OUTCOME =
      add(
          demo("DEMO_OUTCOME")
              .byDefault("`pass`")
              .means("`pass` or `fail`: the verdict's outcome.")
              .readBy(DEMO_AGENT));

  /** Whether a demo reviewer reports a fix. */
  public static final ConfigVariable DEMO_FIXES =
      add(
          demo("DEMO_FIXES")
              .byDefault("`0`")
              .means("`1`: a reviewer reports one fix applied.")
              .readBy(DEMO_AGENT));

  /** The demo's rate-limit trigger. */
  public static final ConfigVariable DEMO_RATE_LIMIT =
      add(
          demo("DEMO_RATE_LIMIT_TOKEN", "HYDRA_CLAUDE_TOKEN_NAME")
              .byDefault("none")
              .means(
                  """
                  When `HYDRA_CLAUDE_TOKEN_NAME` (an account's name, set by a test) or
                  `ANTHROPIC_API_KEY` equals `DEMO_RATE_LIMIT_TOKEN`: a rejected rate-limit event
                  and a 429 result, what token rotation must react to.""")
              .readBy(DEMO_AGENT));

  /** The demo agent's pause. */
  public static final ConfigVariable DEMO_SLEEP =
      add(
          demo("DEMO_SLEEP")
              .byDefault("`0`")
              .means("Seconds to wait after the init line (timeouts, concurrency).")
              .readBy(DEMO_AGENT));

  /** The demo builder's branch slug. */
  public static final ConfigVariable DEMO_SLUG =
      add(
          demo("DEMO_SLUG")
              .byDefault("`demo-change`")
              .means("The builder's branch slug when `HYDRA_BRANCH` names none.")
              .readBy(DEMO_AGENT));

  /** The demo builder's red gate. */
  public static final ConfigVariable DEMO_GATE =
      add(
          demo("DEMO_GATE")
              .byDefault("empty")
              .means(
                  """
                  `red` (`--outcome gate-fail`): the builder's first pass leaves out the line the
                  demo repository's gate checks; its fix pass, reading `/input/gates.md`, adds
                  it.""")
              .readBy(DEMO_AGENT));

  /** Demo mode of the entrypoint. */
  public static final ConfigVariable DEMO_MODE =
      add(
          ConfigVariable.of(IMAGE, DEMO, "HYDRA_DEMO")
              .byDefault("`1` in the demo images")
              .means(
                  """
                  Set by the demo image: everything of the contract but `HYDRA_MODE` is
                  optional.""")
              .readBy(ENTRYPOINT));

  // ---- Inside the images -----------------------------------------------------------------------

  /** The entrypoint's paths and user, overridden by tests. */
  public static final ConfigVariable ENTRYPOINT_PATHS =
      add(
          ConfigVariable.of(
                  IMAGE,
                  IMAGE_INTERNAL,
                  List.of("HYDRA_AGENT_USER", "HYDRA_LIB_DIR", "HYDRA_REPO_DIR", "HYDRA_OUT_DIR"))
              .byDefault("`agent`, `/usr/local/lib/hydra`, `/workspace/repo`, `/workspace/out`")
              .means(
                  """
                  The agent user and the entrypoint's folders; `EntrypointContractTest` points
                  them at a temporary folder. The runner never sets them.""")
              .readBy(ENTRYPOINT));

  /** The agent's git identity. */
  public static final ConfigVariable GIT_IDENTITY =
      add(
          ConfigVariable.of(IMAGE, IMAGE_INTERNAL, List.of("HYDRA_GIT_NAME", "HYDRA_GIT_EMAIL"))
              .byDefault("`hydra-<role>`, `hydra-<role>@users.noreply.invalid`")
              .means("The git identity of the agent's commits.")
              .readBy(ENTRYPOINT));

  /** The persona's tool lists. */
  public static final ConfigVariable TOOL_LISTS =
      add(
          ConfigVariable.of(
                  IMAGE, IMAGE_INTERNAL, List.of("HYDRA_ALLOWED_TOOLS", "HYDRA_DISALLOWED_TOOLS"))
              .byDefault("each persona's `persona.env`")
              .means(
                  """
                  The `--allowedTools` / `--disallowedTools` lists the agent starts with; an
                  overlay's `<role>/tools.txt` adds allowed rules (`hydra image build
                  --overlay`), never one the persona's managed settings deny.""")
              .readBy(AGENT_STAGE + ", `image.publish.OverlayContext`"));

  /** iptables' lock file. */
  public static final ConfigVariable XTABLES_LOCKFILE =
      add(
          ConfigVariable.of(IMAGE, IMAGE_INTERNAL, "XTABLES_LOCKFILE")
              .byDefault("`/tmp/xtables.lock`")
              .means("iptables' lock file, on the writable `/tmp` of a read-only root.")
              .readBy(ENTRYPOINT));

  // ---- Building the images ---------------------------------------------------------------------

  /** The Debian base. */
  public static final ConfigVariable BASE_IMAGE =
      add(
          buildArg("BASE_IMAGE")
              .byDefault("`debian:bookworm-slim`")
              .means("The Debian base of the base and demo images (pin it by digest).")
              .readBy("`images/base/Dockerfile`, `images/demo/Dockerfile`"));

  /** The Claude Code CLI's version and integrity. */
  public static final ConfigVariable CLAUDE_CODE =
      add(
          buildArg("CLAUDE_CODE_VERSION", "CLAUDE_CODE_SHA512_X64", "CLAUDE_CODE_SHA512_ARM64")
              .byDefault("pinned in `images/base/Dockerfile`")
              .means(
                  """
                  The Claude Code CLI's version and its npm `sha512` integrity per architecture;
                  update all three together (images/README.md).""")
              .readBy("`images/base/Dockerfile`"));

  /** The npm registry the CLI comes from. */
  public static final ConfigVariable NPM_REGISTRY =
      add(
          buildArg("NPM_REGISTRY")
              .byDefault("`https://registry.npmjs.org`")
              .means("Where the base image fetches the CLI's tarball.")
              .readBy("`images/base/Dockerfile`"));

  /** Building without the CLI. */
  public static final ConfigVariable INSTALL_CLAUDE =
      add(
          buildArg("INSTALL_CLAUDE")
              .byDefault("`1`")
              .means(
                  """
                  `0` builds without the CLI (a stub that exits 127), for firewall and entrypoint
                  work without the download.""")
              .readBy("`images/base/Dockerfile`"));

  /** The persona images' base. */
  public static final ConfigVariable BASE =
      add(
          buildArg("HYDRA_BASE")
              .byDefault("`<prefix>-base:<immutable tag>`")
              .means("The base image each persona image is built `FROM`.")
              .readBy("`image.publish.ImageBuilder`, the persona Dockerfiles"));

  /** A build's id label. */
  public static final ConfigVariable BUILD_ID =
      add(
          buildArg("HYDRA_BUILD_ID")
              .byDefault("empty")
              .means("A label on the base's throw-away fetch stage, so a test can remove it.")
              .readBy("`images/base/Dockerfile`"));

  /** The image an overlay layer is built on. */
  public static final ConfigVariable FROM =
      add(
          buildArg("HYDRA_FROM")
              .byDefault("the release's `<prefix>-<role>:<version>`, or `--from`")
              .means(
                  """
                  The Hydra persona image an overlay layer (`hydra image build --overlay`) is
                  built on; its image id is part of the overlay's tag hash.""")
              .readBy("`image.publish.OverlayBuilder` (the generated overlay Dockerfile)"));

  /** The demo image's role. */
  public static final ConfigVariable ROLE =
      add(
          buildArg("HYDRA_ROLE")
              .byDefault("`builder`")
              .means("The role the one demo Dockerfile is built for (four tags).")
              .readBy("`image.publish.ImageBuilder`, `images/demo/Dockerfile`"));

  private ImageVariables() {}

  /** Every entry, in order. */
  static List<ConfigVariable> all() {
    return List.copyOf(REGISTERED);
  }

  private static ConfigVariable add(ConfigVariable variable) {
    REGISTERED.add(variable);
    return variable;
  }

  private static ConfigVariable container(String... names) {
    return ConfigVariable.of(CONTAINER, Section.CONTAINER, Arrays.asList(names));
  }

  private static ConfigVariable demo(String... names) {
    return ConfigVariable.of(CONTAINER, DEMO, Arrays.asList(names));
  }

  private static ConfigVariable buildArg(String... names) {
    return ConfigVariable.of(BUILD_ARG, BUILD, Arrays.asList(names));
  }
}
