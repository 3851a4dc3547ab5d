package dev.hydra.config;

import static dev.hydra.config.ConfigVariable.Kind.ACTION;
import static dev.hydra.config.ConfigVariable.Kind.ACTIONS;
import static dev.hydra.config.ConfigVariable.Kind.SECRET;
import static dev.hydra.config.ConfigVariable.Kind.VARIABLE;
import static dev.hydra.config.ConfigVariable.Section.GENERAL;
import static dev.hydra.config.ConfigVariable.Section.SECRETS;
import static dev.hydra.config.ConfigVariable.Section.STAGES;
import static dev.hydra.config.ConfigVariable.Section.WORKFLOWS;

import dev.hydra.config.ConfigVariable.Section;
import dev.hydra.credentials.Persona;
import dev.hydra.label.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The registry of every variable, secret and action input Hydra reads (with {@link ImageVariables},
 * what its images read), in the order docs/configuration.md lists them. The readers take their
 * names from here ({@code Variables.RUNTIME.name()}); {@link ConfigurationDoc} renders the tables
 * of docs/configuration.md from it, and {@code ConfigurationAgreementTest} checks that every name
 * the code, the images, the action and the workflows read is here, and that everything here is
 * read.
 *
 * <p>Adding a variable is one entry here: a constant made with {@code add(…)}, with its default and
 * meaning; then regenerate docs/configuration.md (see there).
 */
public final class Variables {

  private static final List<ConfigVariable> REGISTERED = new ArrayList<>();

  /** The stages that run a container, each with its own timeout and token budget. */
  public static final List<Stage> CONTAINER_STAGES =
      List.of(Stage.BUILD, Stage.CODE_REVIEW, Stage.SECURITY_REVIEW, Stage.APPLIER);

  private static final List<Persona> PERSONAS = List.of(Persona.values());

  // ---- General ---------------------------------------------------------------------------------

  /** Which forge. */
  public static final ConfigVariable FORGE =
      add(
          variable(GENERAL, "HYDRA_FORGE")
              .input("forge")
              .byDefault("detected")
              .means(
                  """
                  `github` or `forgejo`. Beaten by `--forge`; beats detection from the Actions
                  environment.""")
              .readBy("`config.ForgeSelection`"));

  /** The label prefix. */
  public static final ConfigVariable LABEL_PREFIX =
      add(
          variable(GENERAL, "HYDRA_LABEL_PREFIX")
              .input("label-prefix")
              .byDefault("empty")
              .means(
                  """
                  Every Hydra-managed label becomes `<prefix>-<label>`. Must match
                  `^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$` (1–16 lower-case letters, digits, inner
                  hyphens); anything else is a start-up error (exit 2). Lets several Hydra
                  instances share one repository.""")
              .readBy("`config.Settings`; the workflows' `if:`"));

  /** The trigger label's base name. */
  public static final ConfigVariable TRIGGER_LABEL =
      add(
          variable(GENERAL, "HYDRA_TRIGGER_LABEL")
              .input("trigger-label")
              .byDefault("`ready-to-build`")
              .means(
                  """
                  The trigger label's base name; the prefix still applies (`HYDRA_LABEL_PREFIX=p`,
                  `HYDRA_TRIGGER_LABEL=go` → `p-go`). 1–48 lower-case letters, digits or inner
                  hyphens; it may not be one of Hydra's state labels, `done`, `needs-input`,
                  `yolo` or `openspec`.""")
              .readBy("`config.Settings`; the workflows' `if:`"));

  /** The persona accounts' logins. */
  public static final ConfigVariable PERSONA_LOGINS =
      add(
          variable(GENERAL, "HYDRA_PERSONA_LOGINS")
              .input("persona-logins")
              .byDefault("empty")
              .means(
                  """
                  The accounts behind the four persona tokens:
                  `builder=LOGIN,reviewer=LOGIN,security=LOGIN,applier=LOGIN`, all four, any order
                  (a GitHub App's login keeps its `[bot]` suffix; `hydra doctor` prints each
                  token's account). Set it as a repository variable; every Hydra job passes it as
                  `persona-logins`. These accounts never carry authority
                  ([security.md](security.md#who-may-move-the-pipeline)), and the review jobs,
                  whose builder token (when given) only pushes fixes and never asks the forge, know
                  the builder's own transitions by it. Unset, a job knows only the accounts of the
                  forges it opens: a whole GitHub run then costs 27 requests instead of 20, and on
                  Forgejo the reviews do not start (the review jobs cannot tell the builder from a
                  person, and Forgejo will not say who may write). A malformed value is a start-up
                  error (exit 2) naming the entry.""")
              .readBy("`config.HydraSettings`, `hydra doctor`"));

  /** Forgejo's trusted labellers. */
  public static final ConfigVariable TRUSTED_LABELERS =
      add(
          variable(GENERAL, "HYDRA_TRUSTED_LABELERS")
              .input("trusted-labelers")
              .byDefault("empty")
              .means(
                  """
                  Forgejo only: comma-separated logins whose labels carry authority when the forge
                  will not say who has write access. A persona account or a bot on it is still
                  refused.""")
              .readBy("`config.HydraSettings`, `hydra doctor`"));

  // ---- Secrets ---------------------------------------------------------------------------------

  /** The persona tokens, one per persona. */
  public static final ConfigVariable PERSONA_TOKENS =
      add(
          ConfigVariable.of(SECRET, SECRETS, perPersona(Persona::envVariable))
              .inputs(perPersona(p -> p.id() + "-token"))
              .byDefault("none")
              .means(
                  """
                  Each persona's own forge token, of four distinct accounts (SPEC §6; the scopes
                  per forge in [security.md](security.md)). A job gets only the tokens it needs:
                  the build job the builder's, each review job its reviewer's and the builder's
                  (to push fixes), the decision job the applier's. Never an admin token: `run`,
                  `reconcile` and `labels seed` refuse one before their first write.""")
              .readBy("`credentials.TokenVariables`"));

  /** The numbered Claude tokens the action passes. */
  public static final ConfigVariable CLAUDE_TOKENS =
      add(
          ConfigVariable.of(
                  SECRET,
                  SECRETS,
                  List.of("HYDRA_CLAUDE_TOKEN_1", "HYDRA_CLAUDE_TOKEN_2", "HYDRA_CLAUDE_TOKEN_3"))
              .input("claude-token-1", "claude-token-2", "claude-token-3")
              .byDefault("none")
              .means(
                  """
                  Claude Code OAuth tokens (`claude setup-token`), one per account, tried in this
                  order: when one account is rate-limited or refused, the stage goes on with the
                  next. Number them from 1 without gaps (locally up to `HYDRA_CLAUDE_TOKEN_99`);
                  the action passes three. `hydra doctor` warns when there is only one, so
                  rotation cannot help.""")
              .readBy("`credentials.TokenVariables`"));

  /** One Claude account. */
  public static final ConfigVariable CLAUDE_SINGLE =
      add(
          ConfigVariable.of(SECRET, SECRETS, "CLAUDE_CODE_OAUTH_TOKEN")
              .byDefault("none")
              .means(
                  """
                  One Claude account, named `default`, when no numbered token is set; set besides
                  them it must equal one of them.""")
              .readBy("`credentials.TokenVariables`"));

  /** The refused structured form. */
  public static final ConfigVariable CLAUDE_STRUCTURED =
      add(
          ConfigVariable.of(SECRET, SECRETS, "HYDRA_CLAUDE_TOKENS")
              .byDefault("—")
              .means(
                  """
                  Refused: several tokens in one value are a structured secret whose parts logs
                  would not mask. Put each token in its own `HYDRA_CLAUDE_TOKEN_<n>`.""")
              .readBy("`credentials.TokenVariables`"));

  // ---- Stages ----------------------------------------------------------------------------------

  /** The persona images' prefix. */
  public static final ConfigVariable IMAGE_PREFIX =
      add(
          variable(STAGES, "HYDRA_IMAGE_PREFIX")
              .input("image-prefix")
              .byDefault(
                  """
                  the ONE default `hydra run` and `hydra image build` share
                  (`config.ImageDefaults`): a released Hydra runs its own release's images (the
                  prefix its release commit names); an unreleased one in Actions
                  `ghcr.io/<owner>/hydra` on GitHub, `<forge host>/<owner>/hydra` on Forgejo;
                  outside Actions none (set it, e.g. `localhost/hydra`)""")
              .means(
                  """
                  Persona images are `${HYDRA_IMAGE_PREFIX}-<role>:${HYDRA_IMAGE_TAG}`, role
                  `builder`, `reviewer`, `security` or `applier`; for example
                  `ghcr.io/acme/hydra` → `ghcr.io/acme/hydra-builder:latest`. Validated as Docker
                  validates image names (`dev.hydra.image.ImageRef`). Before it claims an issue,
                  `hydra run` checks each image of the step is on the machine or pulls it, and
                  stops with the fix (exit 2, nothing on the forge) when it cannot.""")
              .readBy("`config.ImageDefaults`, `hydra image build`"));

  /** The persona images' tag. */
  public static final ConfigVariable IMAGE_TAG =
      add(
          variable(STAGES, "HYDRA_IMAGE_TAG")
              .input("image-tag")
              .byDefault("the release's version for the release's own images, else `latest`")
              .means(
                  """
                  A tag (`sha-1a2b3c4`, or the immutable tag `hydra image build` reports: set it
                  as a repository variable to freeze a known-good pipeline). A digest here is
                  refused: the four images have four digests. `hydra image build` builds the tag
                  part of a pinned value (or `latest`).""")
              .readBy("`config.ImageDefaults`, `hydra image build`"));

  /** The registry token. */
  public static final ConfigVariable REGISTRY_TOKEN =
      add(
          ConfigVariable.of(SECRET, STAGES, "HYDRA_REGISTRY_TOKEN")
              .input("registry-token")
              .byDefault("unset: no login")
              .means(
                  """
                  A token that may read the images' registry. `hydra run` logs in with it
                  (`docker login --password-stdin`, into a private `DOCKER_CONFIG` deleted
                  afterwards) before it pulls. Forgejo's `hydra-image.yml` pushes with it.""")
              .readBy("`wiring.ImagePull`"));

  /** The registry token's account. */
  public static final ConfigVariable REGISTRY_USER =
      add(
          variable(STAGES, "HYDRA_REGISTRY_USER")
              .input("registry-user")
              .byDefault("`GITHUB_ACTOR`")
              .means("The account of `HYDRA_REGISTRY_TOKEN`.")
              .readBy("`wiring.ImagePull`"));

  /** The digests pinning each persona's image. */
  public static final ConfigVariable IMAGE_DIGESTS =
      add(
          ConfigVariable.of(
                  VARIABLE,
                  STAGES,
                  perPersona(p -> "HYDRA_IMAGE_DIGEST_" + p.id().toUpperCase(Locale.ROOT)))
              .inputs(perPersona(p -> "image-digest-" + p.id()))
              .byDefault("none")
              .means(
                  """
                  Pins that persona's image to its content: `sha256:<64 hex>`, as `hydra image
                  build --push` reports it per image (`<prefix>-<role>:<tag>@sha256:…` then
                  runs). The workflows pass the repository variables of the same names.""")
              .readBy("`config.StageSettings`, `stage.StageProfile`"));

  /** Each container stage's timeout. */
  public static final ConfigVariable STAGE_TIMEOUTS =
      add(
          ConfigVariable.of(VARIABLE, STAGES, perStage(s -> "HYDRA_" + key(s) + "_TIMEOUT"))
              .byDefault("35, 20, 20, 20 minutes")
              .means(
                  """
                  Wall-clock limit of the stage's container, after which it is killed and
                  removed. Whole minutes (`45`) or ISO-8601 (`PT1H30M`), between 1 minute and 6
                  hours. `hydra run` and `hydra reconcile` recover a stage left running longer
                  than its timeout plus 10 minutes' grace, so give them the same values the stage
                  ran with. The workflows pass the repository variables of the same names.""")
              .readBy("`config.StageSettings`, `stage.StageProfile`"));

  /** Each container stage's token budget. */
  public static final ConfigVariable TOKEN_BUDGETS =
      add(
          ConfigVariable.of(VARIABLE, STAGES, perStage(s -> "HYDRA_" + key(s) + "_TOKEN_BUDGET"))
              .byDefault("none")
              .means(
                  """
                  The most tokens (input, output and cache) the stage's model gateway forwards
                  answers for; once spent, the agent's next request is refused and the stage fails
                  with that reason. A whole number from 1 to 10^12.""")
              .readBy("`config.StageSettings`, `stage.StageProfile`"));

  /** The model gateway's upstream. */
  public static final ConfigVariable MODEL_UPSTREAM =
      add(
          variable(STAGES, "HYDRA_MODEL_UPSTREAM")
              .byDefault("`https://api.anthropic.com`")
              .means(
                  """
                  Where each stage's model gateway forwards the agent's requests. https, or http
                  only to `127.0.0.1`, `localhost` or `[::1]` (a scripted model in tests and the
                  demo); no query, no credentials.""")
              .readBy("`config.StageSettings`, `stage.StageProfile`"));

  /** The token-state file. */
  public static final ConfigVariable TOKEN_STATE =
      add(
          variable(STAGES, "HYDRA_TOKEN_STATE")
              .byDefault(
                  "none; `state/claude-tokens.json` under `hydra supervise` and `hydra poll`")
              .means(
                  """
                  A file that remembers exhausted and refused Claude accounts (names and reset
                  times, never a token) across stages and runs; read before and written after each
                  stage. `hydra stage-run --token-state` overrides it.""")
              .readBy("`config.StageSettings`"));

  /** Each persona's model. */
  public static final ConfigVariable MODELS =
      add(
          ConfigVariable.of(
                  VARIABLE,
                  STAGES,
                  perPersona(p -> "HYDRA_" + p.id().toUpperCase(Locale.ROOT) + "_MODEL"))
              .byDefault("`sonnet`")
              .means(
                  """
                  The Claude model of the persona, passed to the container as `HYDRA_MODEL`:
                  changing it needs no image rebuild. An alias (`opus`) or a full name
                  (`claude-sonnet-4-5`).""")
              .readBy("`config.StageSettings`, `stage.StageProfile`"));

  /** Each persona's fallback model. */
  public static final ConfigVariable FALLBACK_MODELS =
      add(
          ConfigVariable.of(
                  VARIABLE,
                  STAGES,
                  perPersona(p -> "HYDRA_" + p.id().toUpperCase(Locale.ROOT) + "_FALLBACK_MODEL"))
              .byDefault("`haiku` for the builder, `opus` for the others")
              .means(
                  """
                  Passed as `HYDRA_FALLBACK_MODEL`, for the entrypoint's `--fallback-model`. When
                  the Sonnet quota is out the builder goes cheaper and the judges go deeper, as in
                  the original Hydra.""")
              .readBy("`config.StageSettings`, `stage.StageProfile`"));

  /** How many gate fix passes a build gets. */
  public static final ConfigVariable GATE_FIX_PASSES =
      add(
          variable(STAGES, "HYDRA_GATE_FIX_PASSES")
              .byDefault("`2`")
              .means(
                  """
                  How many focused fix passes a build whose gates ([gates.md](gates.md)) are red
                  gets: the builder runs again on its own commits with the red gates' table and
                  reports in `/input/gates.md`. A whole number from 0 (a red gate fails the build
                  at once) to 5; anything else is a start-up error (exit 2). Still red after the
                  last pass: `build:fail`, `needs-input`, nothing pushed.""")
              .readBy("`config.StageSettings`, `pipeline.PipelineOptions`"));

  /** The dedicated Docker network. */
  public static final ConfigVariable NETWORK =
      add(
          variable(STAGES, "HYDRA_NETWORK")
              .byDefault("`hydra-net`")
              .means(
                  """
                  The dedicated Docker network (`hydra run --network`, `hydra stage-run
                  --network`).""")
              .readBy("`cli.DockerOptions`"));

  /** The docker CLI. */
  public static final ConfigVariable DOCKER =
      add(
          variable(STAGES, "HYDRA_DOCKER")
              .byDefault("`docker`")
              .means("The docker CLI (`hydra run --docker`, `hydra stage-run --docker`).")
              .readBy("`cli.DockerOptions`"));

  /** Where stages run. */
  public static final ConfigVariable RUNTIME =
      add(
          variable(STAGES, "HYDRA_RUNTIME")
              .byDefault("`docker`")
              .means(
                  """
                  Where stages run, for `hydra run`, `supervise`, `poll --once`, `stage-run` and
                  `dev-run`: `docker` (the local engine) or `kubernetes` (each stage a Job with its
                  own NetworkPolicy, [kubernetes.md](kubernetes.md)). Picked in one place
                  (`wiring.StageRunners`); any other value stops the command before a stage
                  starts, exit 2, naming the variable and both choices.""")
              .readBy("`config.RuntimeSettings`"));

  /** The runner's namespace. */
  public static final ConfigVariable K8S_NAMESPACE =
      add(
          variable(STAGES, "HYDRA_K8S_NAMESPACE")
              .byDefault("none (required with `kubernetes`)")
              .means(
                  """
                  The runner's own namespace, where stage Jobs and NetworkPolicies are made
                  (`deploy/` makes `hydra`). A DNS label.""")
              .readBy("`config.RuntimeSettings`"));

  /** The runner pod's IP. */
  public static final ConfigVariable POD_IP =
      add(
          variable(STAGES, "HYDRA_POD_IP")
              .byDefault("none (required with `kubernetes`)")
              .means(
                  """
                  The runner pod's IP from the downward API (`fieldPath: status.podIP`): the model
                  gateway and the transfer endpoint listen there and the stage's NetworkPolicy
                  opens it. An IP literal, never a name.""")
              .readBy("`config.RuntimeSettings`"));

  /** The builder's registries by CIDR. */
  public static final ConfigVariable K8S_REGISTRY_CIDRS =
      add(
          variable(STAGES, "HYDRA_K8S_REGISTRY_CIDRS")
              .byDefault("none")
              .means(
                  """
                  The builder's package registries or their mirror, comma-separated CIDRs reached
                  on 443; the addresses the runner pins for the builder are opened besides
                  ([kubernetes.md](kubernetes.md#egress-the-networkpolicy-is-the-firewall)).""")
              .readBy("`config.RuntimeSettings`"));

  /** A kubeconfig file. */
  public static final ConfigVariable K8S_KUBECONFIG =
      add(
          variable(STAGES, "HYDRA_K8S_KUBECONFIG")
              .byDefault("none: the pod's service account")
              .means(
                  """
                  A kubeconfig file, for a runner outside the cluster (a workstation against
                  kind); its context picks the API server and credentials, the namespace is always
                  `HYDRA_K8S_NAMESPACE`. An unreadable file is exit 2.""")
              .readBy("`config.RuntimeSettings`"));

  // ---- The action and the launcher -------------------------------------------------------------

  /** The command the action runs. */
  public static final ConfigVariable COMMAND =
      add(
          ConfigVariable.of(ACTION, Section.ACTION, "HYDRA_COMMAND")
              .input("command")
              .byDefault("`run`")
              .means(
                  """
                  The `hydra` command the action runs: `run`, `route`, `explain`, `doctor`,
                  `labels`, `reconcile` or `image`.""")
              .readBy("`action.yml`"));

  /** The command's extra arguments. */
  public static final ConfigVariable ARGS =
      add(
          ConfigVariable.of(ACTION, Section.ACTION, "HYDRA_ARGS")
              .input("args")
              .byDefault("empty")
              .means("Extra arguments for the command, split on spaces (never issue text).")
              .readBy("`action.yml`"));

  /** The review workflow's step. */
  public static final ConfigVariable STAGE =
      add(
          ConfigVariable.of(ACTION, Section.ACTION, "HYDRA_STAGE")
              .input("stage")
              .byDefault("empty: the event decides")
              .means(
                  """
                  For `hydra run` in the review workflow: `code-review`, `security-review` or
                  `decision`, the job's own step.""")
              .readBy("`cli.RunCommand`"));

  /** The review jobs' reports, for the decision job. */
  public static final ConfigVariable REVIEW_REPORTS =
      add(
          ConfigVariable.of(ACTION, Section.ACTION, "HYDRA_REVIEW_REPORTS")
              .input("review-reports")
              .byDefault("empty")
              .means(
                  """
                  For `run` with stage `decision`: the review jobs' reports, exactly `${{
                  toJSON(needs) }}`.""")
              .readBy("`cli.RunCommand`, `pipeline.ReviewReport`"));

  /** The action's own folder. */
  public static final ConfigVariable ACTION_PATH =
      add(
          ConfigVariable.of(ACTION, Section.ACTION, "HYDRA_ACTION_PATH")
              .byDefault("`github.action_path`")
              .means(
                  """
                  Where the action's files are: `bin/hydra-fetch` puts the jar there, and `hydra
                  image build` builds from its `images/` when the repository has none.""")
              .readBy("`action.yml`, `image.publish.ImageBuildPlanner`"));

  /** Where `hydra run` writes its run records. */
  public static final ConfigVariable RUN_RECORDS =
      add(
          variable(Section.ACTION, "HYDRA_RUN_RECORDS")
              .byDefault("none")
              .means("`hydra run --records`: write one JSON run record per stage in this folder.")
              .readBy("`cli.RunCommand`"));

  /** The jar `bin/hydra` runs. */
  public static final ConfigVariable JAR =
      add(
          variable(Section.ACTION, "HYDRA_JAR")
              .byDefault("`runner-entry/target/hydra.jar` beside `bin/`")
              .means("The jar `bin/hydra` runs.")
              .readBy("`bin/hydra`"));

  /** Class-data sharing of `bin/hydra`. */
  public static final ConfigVariable CDS =
      add(
          variable(Section.ACTION, "HYDRA_CDS")
              .byDefault("`on`")
              .means("`off` runs `bin/hydra` without class-data sharing.")
              .readBy("`bin/hydra`"));

  /** The JDK `bin/hydra` uses. */
  public static final ConfigVariable JAVA_HOME =
      add(
          variable(Section.ACTION, "JAVA_HOME")
              .byDefault("`java` on `PATH`")
              .means("The JDK or JRE `bin/hydra` runs (17 or later).")
              .readBy("`bin/hydra`"));

  /** Where `bin/hydra-fetch` downloads the jar from. */
  public static final ConfigVariable JAR_URL =
      add(
          variable(Section.ACTION, "HYDRA_JAR_URL")
              .byDefault("the URL in `release.properties`")
              .means(
                  """
                  Download the release's jar from here instead (the benchmark's local stand-in);
                  the checksum is still the one committed in the tagged tree.""")
              .readBy("`bin/hydra-fetch`"));

  // ---- Set by Actions --------------------------------------------------------------------------

  /** The event. */
  public static final ConfigVariable EVENT =
      add(
          actions("GITHUB_EVENT_PATH", "GITHUB_EVENT_NAME")
              .means("The event payload file and its name.")
              .readBy("`cli.EventOptions`"));

  /** The repository. */
  public static final ConfigVariable REPOSITORY =
      add(
          actions("GITHUB_REPOSITORY")
              .means(
                  """
                  `owner/name`; used when a payload has no repository (GitHub's `schedule`), and
                  for the image default's owner.""")
              .readBy("`config.Settings`, `config.ImageDefaults`"));

  /** The repository's owner. */
  public static final ConfigVariable REPOSITORY_OWNER =
      add(
          actions("GITHUB_REPOSITORY_OWNER")
              .means("The owner in the default image prefix (lower-cased).")
              .readBy("`config.ImageDefaults`"));

  /** Whether this is an Actions run. */
  public static final ConfigVariable ACTIONS_RUN =
      add(
          actions("GITHUB_ACTIONS")
              .means(
                  """
                  `true` in an Actions run, on both forges: stage logs register `::add-mask::` and
                  fence container output. With the next three it tells the forges apart
                  (see [cli.md](cli.md)).""")
              .readBy("`config.ForgeSelection`, `config.HydraSettings`"));

  /** Set by Forgejo's runner (7 and later). */
  public static final ConfigVariable FORGEJO_RUN =
      add(
          actions("FORGEJO_ACTIONS")
              .means("`true` on Forgejo's runner (7 and later): the forge is Forgejo.")
              .readBy("`config.ForgeSelection`"));

  /** Set by Gitea's and Forgejo's runners. */
  public static final ConfigVariable GITEA_RUN =
      add(
          actions("GITEA_ACTIONS")
              .means("`true` on Gitea's and older Forgejo runners: the forge is Forgejo.")
              .readBy("`config.ForgeSelection`"));

  /** The forge's API, on both forges. */
  public static final ConfigVariable GITHUB_API_URL =
      add(
          actions("GITHUB_API_URL")
              .means(
                  """
                  The forge's API: `api.github.com` or a GHES `/api/v3` is GitHub, an `/api/v1`
                  is Forgejo; the adapters call it (`--api-url` beats it).""")
              .readBy("`config.ForgeSelection`, `config.ForgeUrls`"));

  /** Forgejo's API URL. */
  public static final ConfigVariable FORGEJO_API_URL =
      add(
          actions("FORGEJO_API_URL")
              .means("Forgejo's API, when `GITHUB_API_URL` is not set.")
              .readBy("`config.ForgeUrls`"));

  /** The forge's web root. */
  public static final ConfigVariable GITHUB_SERVER_URL =
      add(
          actions("GITHUB_SERVER_URL")
              .means(
                  """
                  The forge's web root: the runner clones from `<web root>/<owner>/<repo>.git`;
                  on Forgejo without an API URL the API is `<web root>/api/v1`, and the image
                  default names its host.""")
              .readBy("`config.ForgeUrls`, `config.ImageDefaults`"));

  /** Forgejo's web root. */
  public static final ConfigVariable FORGEJO_SERVER_URL =
      add(
          actions("FORGEJO_SERVER_URL")
              .means("Forgejo's web root, when `GITHUB_SERVER_URL` is not set.")
              .readBy("`config.ForgeUrls`"));

  /** The commit of the run. */
  public static final ConfigVariable SHA =
      add(
          actions("GITHUB_SHA")
              .means("The immutable tag of `hydra image build`: the commit's first 12 hex digits.")
              .readBy("`image.publish.ImageBuildPlanner`"));

  /** Who started the run. */
  public static final ConfigVariable ACTOR =
      add(
          actions("GITHUB_ACTOR")
              .means("The default of `HYDRA_REGISTRY_USER`.")
              .readBy("`wiring.ImagePull`"));

  /** The step's outputs and summary. */
  public static final ConfigVariable STEP_FILES =
      add(
          actions("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")
              .means(
                  """
                  The step's outputs (`stage`, `outcome`, `pr_number`, `report`, `images`, …) and
                  its job summary (the route, the doctor's table, the image digests).""")
              .readBy("`hydra run`, `route`, `doctor`, `image build`; `bin/hydra-fetch`"));

  /** The automatic token. */
  public static final ConfigVariable GITHUB_TOKEN =
      add(
          actions("GITHUB_TOKEN")
              .means(
                  """
                  The automatic token (a secret): Hydra's own `hydra-image.yml` and `release.yml`
                  on GitHub log in to `ghcr.io` with it (`packages: write`). No stage uses it: the
                  persona tokens carry the power.""")
              .readBy("the workflows"));

  // ---- Hydra's own workflows -------------------------------------------------------------------

  /** Forgejo's release token. */
  public static final ConfigVariable RELEASE_TOKEN =
      add(
          ConfigVariable.of(SECRET, WORKFLOWS, "HYDRA_RELEASE_TOKEN")
              .byDefault("none")
              .means(
                  """
                  Forgejo's `release.yml`: a token with `write:repository` that publishes the
                  release and its jar through the Forgejo API ([releases.md](releases.md)).""")
              .readBy("`.forgejo/workflows/release.yml`"));

  /** Forgejo's registry host for the image workflow. */
  public static final ConfigVariable REGISTRY =
      add(
          variable(WORKFLOWS, "HYDRA_REGISTRY")
              .byDefault("none")
              .means(
                  """
                  Forgejo's `hydra-image.yml`: the registry host it logs in to (as
                  `HYDRA_REGISTRY_USER` with `HYDRA_REGISTRY_TOKEN`) before it pushes the
                  images.""")
              .readBy("`.forgejo/workflows/hydra-image.yml`"));

  private Variables() {}

  /** Every entry, this class's then {@link ImageVariables}'s, in the order of the document. */
  public static List<ConfigVariable> all() {
    List<ConfigVariable> all = new ArrayList<>(REGISTERED);
    all.addAll(ImageVariables.all());
    return List.copyOf(all);
  }

  /** The entries of one section, in order. */
  public static List<ConfigVariable> of(Section section) {
    return all().stream().filter(v -> v.section() == section).toList();
  }

  /** The variable that overrides a stage's timeout: {@code HYDRA_BUILD_TIMEOUT}, … */
  public static String timeout(Stage stage) {
    return STAGE_TIMEOUTS.names().get(containerStage(stage));
  }

  /** The variable that sets a stage's token budget: {@code HYDRA_BUILD_TOKEN_BUDGET}, … */
  public static String tokenBudget(Stage stage) {
    return TOKEN_BUDGETS.names().get(containerStage(stage));
  }

  /** The variable that sets a persona's model: {@code HYDRA_BUILDER_MODEL}, … */
  public static String model(Persona persona) {
    return MODELS.names().get(PERSONAS.indexOf(persona));
  }

  /** The variable that sets a persona's fallback model: {@code HYDRA_BUILDER_FALLBACK_MODEL}, … */
  public static String fallbackModel(Persona persona) {
    return FALLBACK_MODELS.names().get(PERSONAS.indexOf(persona));
  }

  /** The variable that pins a persona's image: {@code HYDRA_IMAGE_DIGEST_BUILDER}, … */
  public static String imageDigest(Persona persona) {
    return IMAGE_DIGESTS.names().get(PERSONAS.indexOf(persona));
  }

  private static int containerStage(Stage stage) {
    int index = CONTAINER_STAGES.indexOf(stage);
    if (index < 0) {
      throw new IllegalArgumentException(
          stage.id() + " runs no container of its own, so it has no timeout or budget");
    }
    return index;
  }

  private static ConfigVariable add(ConfigVariable variable) {
    REGISTERED.add(variable);
    return variable;
  }

  private static ConfigVariable variable(Section section, String name) {
    return ConfigVariable.of(VARIABLE, section, name);
  }

  private static ConfigVariable actions(String... names) {
    return ConfigVariable.of(ACTIONS, Section.ACTIONS, Arrays.asList(names))
        .byDefault("set by the runner");
  }

  /** {@code BUILD}, {@code CODE_REVIEW}, … for the stage's variables. */
  private static String key(Stage stage) {
    return stage.id().toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static List<String> perStage(Function<Stage, String> name) {
    return CONTAINER_STAGES.stream().map(name).toList();
  }

  private static List<String> perPersona(Function<Persona, String> name) {
    return PERSONAS.stream().map(name).toList();
  }
}
