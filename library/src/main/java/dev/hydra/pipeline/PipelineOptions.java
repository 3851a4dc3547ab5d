package dev.hydra.pipeline;

import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.stage.StageProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
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
 * @param timeout each stage's container timeout
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

  /** With fixed timeouts and grace (tests). */
  public PipelineOptions withTimeouts(Function<Stage, Duration> timeouts, Duration graceTime) {
    return new PipelineOptions(
        labels, trustedLabelers, timeouts, graceTime, baseBranch, runRecordDir, clock);
  }
}
