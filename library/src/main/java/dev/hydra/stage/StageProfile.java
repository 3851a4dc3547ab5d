package dev.hydra.stage;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.credentials.Persona;
import dev.hydra.gateway.GatewayConfig;
import dev.hydra.image.ImageRef;
import dev.hydra.label.Stage;
import dev.hydra.text.Texts;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one stage's container is constrained and configured (SPEC §5, issue 4): who it runs as, its
 * limits, the capabilities its entrypoint needs, its wall-clock timeout, and the Claude models.
 * Pure: {@link #from(Stage, Map)} reads plain maps.
 *
 * <p>Limits: the builder gets 4 CPUs and 8 GiB, the reviewers (code, security) and the applier 2
 * CPUs and 4 GiB; swap is never added. The Docker runtime clamps the CPU limit to the engine's CPU
 * count, which Docker requires, so the builder also runs on a 2-CPU host. {@code /tmp} is a 512 MiB
 * tmpfs and {@code /workspace} (the clone) a 2 GiB tmpfs on every stage; the root file system is
 * read-only. The PID limit is a fork-bomb backstop sized for the work: the builder runs package
 * managers and test suites (4096), the others read code and run linters (1024).
 *
 * <p>Capabilities: all are dropped, and only these three are added back, each for one step of the
 * entrypoint (SPEC §5; security-anchors §2.6):
 *
 * <ul>
 *   <li>{@code NET_ADMIN}: the entrypoint starts as root and installs the default-deny egress
 *       firewall with iptables, which needs it. Without it the entrypoint refuses to start the
 *       agent unless egress filtering was switched off explicitly.
 *   <li>{@code SETUID} and {@code SETGID}: the entrypoint then drops to the unprivileged agent user
 *       ({@code setpriv --reuid --regid --clear-groups}); under {@code --cap-drop ALL} even root
 *       cannot change its user or group IDs without them. {@code no-new-privileges} does not block
 *       that call, it blocks gaining privileges through setuid binaries.
 *   <li>{@code SETPCAP}: lets that {@code setpriv} empty the bounding set ({@code
 *       --bounding-set=-all}); without it the container's capabilities silently stay in the agent's
 *       bounding set (measured: {@code CapBnd 00000000000010c0}), harmless with no effective or
 *       permitted capability and {@code no_new_privs}, but not empty.
 * </ul>
 *
 * The same {@code setpriv} call removes all four from the bounding, inheritable and ambient sets
 * before the agent starts, so the agent runs with no capability and cannot undo the firewall.
 * {@code DAC_OVERRIDE}, which the original Hydra added for {@code gosu}, is not needed: the
 * entrypoint owns what it writes.
 *
 * <p>Configuration (the environment, read once at the edge):
 *
 * <table>
 *   <caption>Variables per stage</caption>
 *   <tr><th>Variable</th><th>Default</th></tr>
 *   <tr><td>{@code HYDRA_BUILD_TIMEOUT}, {@code HYDRA_CODE_REVIEW_TIMEOUT}, {@code
 *       HYDRA_SECURITY_REVIEW_TIMEOUT}, {@code HYDRA_APPLIER_TIMEOUT}</td>
 *       <td>35, 20, 20, 20 minutes</td></tr>
 *   <tr><td>{@code HYDRA_BUILDER_MODEL}, {@code HYDRA_REVIEWER_MODEL}, {@code
 *       HYDRA_SECURITY_MODEL}, {@code HYDRA_APPLIER_MODEL}</td><td>sonnet</td></tr>
 *   <tr><td>{@code HYDRA_BUILDER_FALLBACK_MODEL}, {@code HYDRA_REVIEWER_FALLBACK_MODEL}, {@code
 *       HYDRA_SECURITY_FALLBACK_MODEL}, {@code HYDRA_APPLIER_FALLBACK_MODEL}</td>
 *       <td>haiku for the builder, opus for the judges</td></tr>
 * </table>
 *
 * A timeout is either a whole number of minutes ({@code 45}) or an ISO-8601 duration ({@code
 * PT1H30M}); it must lie between 1 minute and 6 hours (the longest an Actions job may run). The
 * models reach the container as {@code HYDRA_MODEL} and {@code HYDRA_FALLBACK_MODEL}, so changing a
 * model never needs an image rebuild. The fallback defaults follow the original Hydra: when the
 * Sonnet quota is out the builder goes cheaper, the judges go deeper.
 *
 * @param stage the stage
 * @param persona whose git token and image it uses
 * @param cpus CPU limit
 * @param memoryBytes memory limit (and memory-plus-swap limit: no swap)
 * @param pidsLimit process limit
 * @param tmpBytes size of the {@code /tmp} tmpfs
 * @param workspaceBytes size of the {@code /workspace} tmpfs
 * @param capabilities capabilities added back after {@code --cap-drop ALL}
 * @param timeout wall-clock limit, after which the container is killed and removed
 * @param model the Claude model the agent uses
 * @param fallbackModel the model the entrypoint falls back to
 * @param tokenBudget the most tokens (input, output and cache) the stage's model gateway forwards
 *     answers for; once spent, further requests are refused and the stage fails with that reason.
 *     {@code HYDRA_<STAGE>_TOKEN_BUDGET}, none by default
 */
public record StageProfile(
    Stage stage,
    Persona persona,
    double cpus,
    long memoryBytes,
    int pidsLimit,
    long tmpBytes,
    long workspaceBytes,
    Set<String> capabilities,
    Duration timeout,
    String model,
    String fallbackModel,
    OptionalLong tokenBudget) {

  /** One mebibyte. */
  static final long MIB = 1L << 20;

  /** One gibibyte. */
  static final long GIB = 1L << 30;

  /** The capabilities every stage entrypoint needs; see the class comment for why each. */
  public static final Set<String> ENTRYPOINT_CAPABILITIES =
      Set.of("NET_ADMIN", "SETUID", "SETGID", "SETPCAP");

  /**
   * The stages that run a container, in pipeline order; {@code retry} and {@code rebuild} are a
   * person's requests instead.
   */
  public static final List<Stage> CONTAINER_STAGES =
      List.of(Stage.BUILD, Stage.CODE_REVIEW, Stage.SECURITY_REVIEW, Stage.APPLIER);

  /** Shortest timeout accepted. */
  public static final Duration MIN_TIMEOUT = Duration.ofMinutes(1);

  /** Longest timeout accepted: the longest an Actions job may run. */
  public static final Duration MAX_TIMEOUT = Duration.ofHours(6);

  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@\\[\\]-]{0,99}");

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when the stage has no container, the persona is not the
   *     stage's, a limit is not positive, or a model name is not a plain identifier
   */
  public StageProfile {
    if (persona != personaOf(stage)) {
      throw new IllegalArgumentException(
          "stage " + stage.id() + " runs as persona " + personaOf(stage) + ", not " + persona);
    }
    if (!(cpus > 0) || memoryBytes <= 0 || pidsLimit <= 0 || tmpBytes <= 0 || workspaceBytes <= 0) {
      throw new IllegalArgumentException("resource limits must be positive");
    }
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("timeout must be at least one second");
    }
    if (!isValidModel(model) || !isValidModel(fallbackModel)) {
      throw new IllegalArgumentException(
          "a model name is a letter or digit followed by up to 99 letters, digits or . _ : @ [ ] -");
    }
    if (tokenBudget.isPresent() && tokenBudget.getAsLong() <= 0) {
      throw new IllegalArgumentException("a token budget must be positive");
    }
    capabilities = Set.copyOf(capabilities);
  }

  /**
   * The defaults of a stage, without configuration.
   *
   * @throws IllegalArgumentException for {@code retry} and {@code rebuild}, which are requests
   *     rather than containers
   */
  public static StageProfile defaults(Stage stage) {
    Persona persona = personaOf(stage);
    boolean builder = persona == Persona.BUILDER;
    return new StageProfile(
        stage,
        persona,
        builder ? 4 : 2,
        builder ? 8 * GIB : 4 * GIB,
        builder ? 4096 : 1024,
        512 * MIB,
        2 * GIB,
        ENTRYPOINT_CAPABILITIES,
        Duration.ofMinutes(stage == Stage.BUILD ? 35 : 20),
        "sonnet",
        builder ? "haiku" : "opus",
        OptionalLong.empty());
  }

  /**
   * The profile of a stage with the timeout and models the environment configures.
   *
   * @param stage the stage
   * @param env the process environment; empty values count as unset
   * @throws InvalidConfigurationException naming the variable, the problem and the fix
   * @throws IllegalArgumentException for {@code retry} and {@code rebuild}
   */
  public static StageProfile from(Stage stage, Map<String, String> env)
      throws InvalidConfigurationException {
    return from(stage, StageSettings.from(env));
  }

  /**
   * The profile of a stage with the timeout and models the settings configure.
   *
   * @param stage the stage
   * @param settings the stage settings read from the environment
   * @throws InvalidConfigurationException naming the variable, the problem and the fix
   * @throws IllegalArgumentException for {@code retry} and {@code rebuild}
   */
  public static StageProfile from(Stage stage, StageSettings settings)
      throws InvalidConfigurationException {
    StageProfile d = defaults(stage);
    Duration timeout = d.timeout;
    Optional<String> timeoutText = settings.timeout(stage);
    if (timeoutText.isPresent()) {
      timeout = parseTimeout(timeoutVariable(stage), timeoutText.get());
    }
    String model = model(settings.model(d.persona), modelVariable(d.persona), d.model);
    String fallback =
        model(settings.fallbackModel(d.persona), fallbackModelVariable(d.persona), d.fallbackModel);
    return new StageProfile(
        stage,
        d.persona,
        d.cpus,
        d.memoryBytes,
        d.pidsLimit,
        d.tmpBytes,
        d.workspaceBytes,
        d.capabilities,
        timeout,
        model,
        fallback,
        tokenBudget(stage, settings));
  }

  /** The most a budget may be: far above any stage, and far below an overflow. */
  static final long MAX_TOKEN_BUDGET = 1_000_000_000_000L;

  private static OptionalLong tokenBudget(Stage stage, StageSettings settings)
      throws InvalidConfigurationException {
    Optional<String> text = settings.tokenBudget(stage);
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    String variable = StageSettings.tokenBudgetVariable(stage);
    try {
      long budget = Long.parseLong(text.get());
      if (budget > 0 && budget <= MAX_TOKEN_BUDGET) {
        return OptionalLong.of(budget);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidConfigurationException(
        variable
            + " is "
            + Texts.quote(text.get())
            + "; set it to a whole number of tokens between 1 and "
            + MAX_TOKEN_BUDGET
            + " (input, output and cache tokens all count), or unset it for no budget");
  }

  /**
   * Where the stages' model gateways send the agent's requests: {@code HYDRA_MODEL_UPSTREAM}, else
   * the Messages API ({@link GatewayConfig#ANTHROPIC}). Plain {@code http} only on loopback, for a
   * scripted model in tests and the demo.
   *
   * @throws InvalidConfigurationException when the value is not such a URL
   */
  public static URI modelUpstream(StageSettings settings) throws InvalidConfigurationException {
    if (settings.modelUpstream().isEmpty()) {
      return GatewayConfig.ANTHROPIC;
    }
    try {
      URI upstream = new URI(settings.modelUpstream());
      GatewayConfig.checkUpstream(upstream);
      return upstream;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new InvalidConfigurationException(
          StageSettings.MODEL_UPSTREAM
              + " is not a URL the model gateway may forward to: set it to an https URL (http only"
              + " to 127.0.0.1, localhost or [::1]) without query or credentials, or unset it for"
              + " "
              + GatewayConfig.ANTHROPIC);
    }
  }

  /**
   * The persona image for this stage: {@code ${HYDRA_IMAGE_PREFIX}-<role>:${HYDRA_IMAGE_TAG}},
   * where the role is the persona's id and the tag defaults to {@code latest}; pinned to a digest
   * by {@code HYDRA_IMAGE_DIGEST_<ROLE>} ({@code sha256:…}, as {@code hydra image build --push}
   * reports it per image). A digest in {@code HYDRA_IMAGE_TAG} is refused: the four images have
   * four digests, so one value cannot pin them (pin the build's immutable tag there instead).
   *
   * @throws InvalidConfigurationException when the prefix is unset or a value is invalid
   */
  public ImageRef image(Map<String, String> env) throws InvalidConfigurationException {
    return image(StageSettings.from(env));
  }

  /**
   * The persona image for this stage as the settings name it ({@link #image(Map)}).
   *
   * @throws InvalidConfigurationException when the prefix is unset or a value is invalid
   */
  public ImageRef image(StageSettings settings) throws InvalidConfigurationException {
    String prefix = settings.imagePrefix();
    String tag = settings.imageTag();
    String digestVariable = digestVariable(persona);
    String digest = settings.imageDigest(persona);
    if (tag.contains("sha256:")) {
      throw new InvalidConfigurationException(
          "HYDRA_IMAGE_TAG is a digest, but each persona image has its own: set HYDRA_IMAGE_TAG to"
              + " a tag (the immutable tag `hydra image build` reports pins one build), and pin"
              + " each image with HYDRA_IMAGE_DIGEST_<ROLE>=sha256:… ("
              + digestVariable
              + " for this one)");
    }
    if (!digest.isEmpty() && !ImageRef.isValidDigest(digest)) {
      throw new InvalidConfigurationException(
          digestVariable
              + " is not a digest: it must be sha256: followed by 64 lower-case hex digits, as"
              + " `hydra image build --push` reports it");
    }
    if (!digest.isEmpty()) {
      tag = (tag.isEmpty() ? "latest" : tag) + "@" + digest;
    }
    if (prefix.isEmpty()) {
      throw new InvalidConfigurationException(
          "HYDRA_IMAGE_PREFIX is not set and there is no default (only a released Hydra has"
              + " images of its own, and only in Actions is the repository's registry known);"
              + " set it to the persona images' prefix, for example"
              + " ghcr.io/<owner>/hydra (the "
              + persona.id()
              + " image is then ghcr.io/<owner>/hydra-"
              + persona.id()
              + "), or name the image explicitly");
    }
    try {
      return ImageRef.forRole(prefix, persona.id(), tag.isEmpty() ? "latest" : tag);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(
          "HYDRA_IMAGE_PREFIX/HYDRA_IMAGE_TAG: "
              + e.getMessage()
              + " (fix the repository variable or environment)");
    }
  }

  /** The variable that pins a persona's image to a digest: {@code HYDRA_IMAGE_DIGEST_BUILDER}, … */
  public static String digestVariable(Persona persona) {
    return StageSettings.digestVariable(persona);
  }

  /** The persona a stage acts as. */
  public static Persona personaOf(Stage stage) {
    return switch (stage) {
      case BUILD -> Persona.BUILDER;
      case CODE_REVIEW -> Persona.REVIEWER;
      case SECURITY_REVIEW -> Persona.SECURITY;
      case APPLIER -> Persona.APPLIER;
      case RETRY, REBUILD ->
          throw new IllegalArgumentException(
              "stage "
                  + stage.id()
                  + " is a request, not a container; run build, code-review, security-review or"
                  + " applier");
    };
  }

  /** The variable that overrides a stage's timeout, for example {@code HYDRA_BUILD_TIMEOUT}. */
  public static String timeoutVariable(Stage stage) {
    return StageSettings.timeoutVariable(stage);
  }

  /** The variable that sets a persona's model, for example {@code HYDRA_BUILDER_MODEL}. */
  public static String modelVariable(Persona persona) {
    return StageSettings.modelVariable(persona);
  }

  /** The variable that sets a persona's fallback model ({@code HYDRA_BUILDER_FALLBACK_MODEL}). */
  public static String fallbackModelVariable(Persona persona) {
    return StageSettings.fallbackModelVariable(persona);
  }

  /**
   * Parses a timeout: whole minutes ({@code 45}) or an ISO-8601 duration ({@code PT1H30M}), between
   * {@link #MIN_TIMEOUT} and {@link #MAX_TIMEOUT}.
   *
   * @param variable the variable's name, for the message
   * @param text the value
   * @throws InvalidConfigurationException naming the variable, the value and the fix
   */
  public static Duration parseTimeout(String variable, String text)
      throws InvalidConfigurationException {
    Duration timeout;
    if (text.chars().allMatch(c -> c >= '0' && c <= '9') && text.length() <= 6) {
      timeout = Duration.ofMinutes(Long.parseLong(text));
    } else {
      try {
        timeout = Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw new InvalidConfigurationException(
            variable
                + "="
                + Texts.quote(text)
                + " is not a duration; give whole minutes (45) or ISO-8601 (PT1H30M)");
      }
    }
    if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new InvalidConfigurationException(
          variable
              + "="
              + Texts.quote(text)
              + " is out of range; a stage timeout lies between 1 minute and 6 hours");
    }
    return timeout;
  }

  /** True when the text can name a Claude model ({@code sonnet}, {@code claude-opus-4-1}). */
  public static boolean isValidModel(String model) {
    return MODEL.matcher(model).matches();
  }

  private static String model(Optional<String> configured, String variable, String fallback)
      throws InvalidConfigurationException {
    if (configured.isEmpty()) {
      return fallback;
    }
    String value = configured.get();
    if (!isValidModel(value)) {
      throw new InvalidConfigurationException(
          variable
              + "="
              + Texts.quote(value)
              + " is not a model name; use an alias such as sonnet or a full name such as"
              + " claude-sonnet-4-5");
    }
    return value;
  }
}
