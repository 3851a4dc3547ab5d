/**
 * The local supervisor (SPEC §8 model 1, issue 14): polls repositories for work ({@link
 * JobPlanner}, pure), runs it in a pool of slots ({@link Pool}) through the same pipeline code as
 * {@code hydra run} ({@link PipelineJobs}), sweeps for stale stages every ten minutes, drains on
 * SIGTERM, and counts what it did ({@link SupervisorMetrics}, served by {@link MetricsServer}).
 *
 * <p>Exactly once across supervisors: every stage is claimed on the forge by taking its label
 * ({@code Forge.takeLabel}), so two supervisors on one repository may both start a job for the same
 * issue, but only one of them gets the stage; the other's pipeline finds nothing to take.
 */
@NullMarked
package dev.hydra.supervise;

import org.jspecify.annotations.NullMarked;
