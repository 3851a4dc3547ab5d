package dev.hydra.supervise;

import dev.hydra.forge.ForgeException;
import dev.hydra.pipeline.PipelineResult;

/** Runs one job: the port between the supervisor and the pipeline ({@link PipelineJobs}). */
@FunctionalInterface
public interface JobRunner {

  /**
   * Runs the job to its end.
   *
   * @return what the pipeline did
   * @throws ForgeException when the forge failed (the job is tried again at the next cycle)
   * @throws InterruptedException when the supervisor drained and handed the job back
   */
  PipelineResult run(Job job) throws Exception;
}
