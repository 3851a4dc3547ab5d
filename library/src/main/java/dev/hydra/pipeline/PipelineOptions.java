package dev.hydra.pipeline;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.stage.StageProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How the pipeline behaves.
 *
 * @param labels the label scheme
 * @param trustedLabelers logins whose authority labels count when the forge will not say who has
 *     write access (Forgejo's permission endpoint is admin-only): {@code HYDRA_TRUSTED_LABELERS}
 * @param timeout each container stage's timeout (never asked for {@code retry} or {@code rebuild})
 * @param grace how long past its timeout a {@code :running} stage is left before it is recovered
 * @param baseBranch the branch draft PRs target
 * @param runRecordDir where run records are written as JSON files, null for none
 * @param clock the clock
 */
public record PipelineOptions(
    LabelScheme labels,
    Set<String> trustedLabelers,
    Function<Stage, Duration> timeout,
    Duration grace,
    String baseBranch,
    @Nullable Path runRecordDir,
    Clock clock) {

  /** The variable that names the trusted labellers, comma-separated logins. */
  public static final String TRUSTED_LABELERS = "HYDRA_TRUSTED_LABELERS";

  /** The default grace period past a stage's timeout. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);

  public PipelineOptions {
    trustedLabelers = Set.copyOf(trustedLabelers);
  }

  /** Defaults: the stage profiles' timeouts, 10 minutes grace, {@code main}, no record files. */
  public static PipelineOptions defaults(LabelScheme labels) {
    return new PipelineOptions(
        labels,
        Set.of(),
        stage -> StageProfile.defaults(stage).timeout(),
        DEFAULT_GRACE,
        "main",
        null,
        Clock.systemUTC());
  }

  /** Reads {@code HYDRA_TRUSTED_LABELERS}: comma-separated logins, blanks ignored. */
  public static Set<String> trustedLabelers(Map<String, String> env) {
    return Arrays.stream(env.getOrDefault(TRUSTED_LABELERS, "").split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** With other trusted labellers. */
  public PipelineOptions withTrustedLabelers(Set<String> logins) {
    return new PipelineOptions(labels, logins, timeout, grace, baseBranch, runRecordDir, clock);
  }

  /** With another clock. */
  public PipelineOptions withClock(Clock other) {
    return new PipelineOptions(
        labels, trustedLabelers, timeout, grace, baseBranch, runRecordDir, other);
  }

  /** With another base branch. */
  public PipelineOptions withBaseBranch(String branch) {
    return new PipelineOptions(
        labels, trustedLabelers, timeout, grace, branch, runRecordDir, clock);
  }

  /** With run records written to {@code dir}. */
  public PipelineOptions withRunRecordDir(@Nullable Path dir) {
    return new PipelineOptions(labels, trustedLabelers, timeout, grace, baseBranch, dir, clock);
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
    Map<Stage, Duration> timeouts = new EnumMap<>(Stage.class);
    for (Stage stage : StageProfile.CONTAINER_STAGES) {
      timeouts.put(stage, StageProfile.from(stage, env).timeout());
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
        labels, trustedLabelers, timeouts, graceTime, baseBranch, runRecordDir, clock);
  }
}
