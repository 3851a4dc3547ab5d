package dev.hydra.pipeline;

import dev.hydra.config.HydraSettings;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.credentials.Persona;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.stage.StageProfile;
import dev.hydra.text.Texts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How the pipeline behaves.
 *
 * @param labels the label scheme
 * @param trustedLabelers logins whose authority labels count when the forge will not say who has
 *     write access (Forgejo's permission endpoint is admin-only): {@code HYDRA_TRUSTED_LABELERS}
 * @param personaLogins the logins of Hydra's four persona accounts, from {@code
 *     HYDRA_PERSONA_LOGINS}; empty when unset, then a job knows only the accounts of the persona
 *     tokens it holds (asked of the forge)
 * @param timeout each container stage's timeout (never asked for {@code retry} or {@code rebuild})
 * @param grace how long past its timeout a {@code :running} stage is left before it is recovered
 * @param baseBranch the branch draft PRs target
 * @param runRecordDir where run records are written as JSON files, null for none
 * @param clock the clock
 * @param gateFixPasses how many focused fix passes a build whose gates are red gets ({@code
 *     HYDRA_GATE_FIX_PASSES}, default {@value GatePasses#DEFAULT_FIX_PASSES})
 */
public record PipelineOptions(
    LabelScheme labels,
    Set<String> trustedLabelers,
    Map<Persona, String> personaLogins,
    Function<Stage, Duration> timeout,
    Duration grace,
    String baseBranch,
    @Nullable Path runRecordDir,
    Clock clock,
    int gateFixPasses) {

  /** The variable that names the trusted labellers, comma-separated logins. */
  public static final String TRUSTED_LABELERS = HydraSettings.TRUSTED_LABELERS;

  /** The variable that names the persona accounts' logins. */
  public static final String PERSONA_LOGINS = HydraSettings.PERSONA_LOGINS;

  /** The default grace period past a stage's timeout. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);

  /** The variable that sets {@link #gateFixPasses}. */
  public static final String GATE_FIX_PASSES = "HYDRA_GATE_FIX_PASSES";

  public PipelineOptions {
    trustedLabelers = Set.copyOf(trustedLabelers);
    personaLogins = Map.copyOf(personaLogins);
    if (gateFixPasses < 0 || gateFixPasses > GatePasses.MAX_FIX_PASSES) {
      throw new IllegalArgumentException("gate fix passes out of range: " + gateFixPasses);
    }
  }

  /** Defaults: the stage profiles' timeouts, 10 minutes grace, {@code main}, no record files. */
  public static PipelineOptions defaults(LabelScheme labels) {
    return new PipelineOptions(
        labels,
        Set.of(),
        Map.of(),
        stage -> StageProfile.defaults(stage).timeout(),
        DEFAULT_GRACE,
        "main",
        null,
        Clock.systemUTC(),
        GatePasses.DEFAULT_FIX_PASSES);
  }

  /** Reads {@code HYDRA_TRUSTED_LABELERS} ({@link HydraSettings#trustedLabelers(Map)}). */
  public static Set<String> trustedLabelers(Map<String, String> env) {
    return HydraSettings.trustedLabelers(env);
  }

  /**
   * Reads {@code HYDRA_PERSONA_LOGINS} ({@link HydraSettings#personaLogins(String)}).
   *
   * @throws InvalidConfigurationException naming what is wrong and the fix
   */
  public static Map<Persona, String> personaLogins(Map<String, String> env)
      throws InvalidConfigurationException {
    return HydraSettings.personaLogins(env.getOrDefault(PERSONA_LOGINS, ""));
  }

  /**
   * The options the settings configure: labels, stage timeouts, trusted labellers, persona logins
   * and the gates' fix passes; the base branch, record files and clock stay the defaults.
   *
   * @throws InvalidConfigurationException naming a variable that holds no valid value
   */
  public static PipelineOptions from(HydraSettings settings) throws InvalidConfigurationException {
    return defaults(settings.labels())
        .withStageTimeouts(settings.stages())
        .withTrustedLabelers(settings.trustedLabelers())
        .withPersonaLogins(settings.personaLogins())
        .withGateFixPasses(Map.of(GATE_FIX_PASSES, settings.stages().gateFixPasses()));
  }

  /** With the persona accounts' logins. */
  public PipelineOptions withPersonaLogins(Map<Persona, String> logins) {
    return new PipelineOptions(
        labels,
        trustedLabelers,
        logins,
        timeout,
        grace,
        baseBranch,
        runRecordDir,
        clock,
        gateFixPasses);
  }

  /** With other trusted labellers. */
  public PipelineOptions withTrustedLabelers(Set<String> logins) {
    return new PipelineOptions(
        labels,
        logins,
        personaLogins,
        timeout,
        grace,
        baseBranch,
        runRecordDir,
        clock,
        gateFixPasses);
  }

  /** With another clock. */
  public PipelineOptions withClock(Clock other) {
    return new PipelineOptions(
        labels,
        trustedLabelers,
        personaLogins,
        timeout,
        grace,
        baseBranch,
        runRecordDir,
        other,
        gateFixPasses);
  }

  /** With another base branch. */
  public PipelineOptions withBaseBranch(String branch) {
    return new PipelineOptions(
        labels,
        trustedLabelers,
        personaLogins,
        timeout,
        grace,
        branch,
        runRecordDir,
        clock,
        gateFixPasses);
  }

  /** With run records written to {@code dir}. */
  public PipelineOptions withRunRecordDir(@Nullable Path dir) {
    return new PipelineOptions(
        labels,
        trustedLabelers,
        personaLogins,
        timeout,
        grace,
        baseBranch,
        dir,
        clock,
        gateFixPasses);
  }

  /**
   * With each container stage's timeout as its container gets it: the stage profile's, which the
   * environment may override ({@code HYDRA_BUILD_TIMEOUT}, … — {@link StageProfile#from}). A stage
   * is then recovered only after the timeout it really ran with, plus the grace.
   *
   * @param env the environment
   * @throws InvalidConfigurationException naming a variable that holds no valid timeout
   */
  public PipelineOptions withStageTimeouts(Map<String, String> env)
      throws InvalidConfigurationException {
    return withStageTimeouts(StageSettings.from(env));
  }

  /**
   * With each container stage's timeout as the settings configure it ({@link
   * #withStageTimeouts(Map)}).
   *
   * @throws InvalidConfigurationException naming a variable that holds no valid timeout
   */
  public PipelineOptions withStageTimeouts(StageSettings stages)
      throws InvalidConfigurationException {
    Map<Stage, Duration> timeouts = new EnumMap<>(Stage.class);
    for (Stage stage : StageProfile.CONTAINER_STAGES) {
      timeouts.put(stage, StageProfile.from(stage, stages).timeout());
    }
    return withTimeouts(
        stage -> {
          Duration timeout = timeouts.get(stage);
          if (timeout == null) {
            throw new IllegalArgumentException("stage " + stage.id() + " runs no container");
          }
          return timeout;
        },
        grace);
  }

  /** With fixed timeouts and grace (tests). */
  public PipelineOptions withTimeouts(Function<Stage, Duration> timeouts, Duration graceTime) {
    return new PipelineOptions(
        labels,
        trustedLabelers,
        personaLogins,
        timeouts,
        graceTime,
        baseBranch,
        runRecordDir,
        clock,
        gateFixPasses);
  }

  /** With {@code passes} fix passes for a build whose gates are red (0 to 5). */
  public PipelineOptions withGateFixPasses(int passes) {
    return new PipelineOptions(
        labels,
        trustedLabelers,
        personaLogins,
        timeout,
        grace,
        baseBranch,
        runRecordDir,
        clock,
        passes);
  }

  /**
   * With the fix passes {@code HYDRA_GATE_FIX_PASSES} sets; unset or empty keeps the default.
   *
   * @throws InvalidConfigurationException when it is not a whole number from 0 to 5
   */
  public PipelineOptions withGateFixPasses(Map<String, String> env)
      throws InvalidConfigurationException {
    String text = env.getOrDefault(GATE_FIX_PASSES, "").strip();
    if (text.isEmpty()) {
      return this;
    }
    if (!text.matches("[0-9]") || Integer.parseInt(text) > GatePasses.MAX_FIX_PASSES) {
      throw new InvalidConfigurationException(
          GATE_FIX_PASSES
              + " is "
              + Texts.quote(text)
              + "; set a whole number from 0 to "
              + GatePasses.MAX_FIX_PASSES
              + " (the focused fix passes a build with red gates gets), or unset it for "
              + GatePasses.DEFAULT_FIX_PASSES);
    }
    return withGateFixPasses(Integer.parseInt(text));
  }
}
