package dev.hydra.pipeline;

import dev.hydra.route.Workflow;
import dev.hydra.text.Texts;
import dev.hydra.text.Word;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which part of a stage one {@code hydra run} performs ({@code HYDRA_STAGE}, the action's {@code
 * stage} input). The review workflow runs the two reviews as parallel jobs and the decision as a
 * third; a single process (the local supervisor, the demo) does everything in one {@link #ALL}.
 */
public enum Step implements Word {
  /** Whatever the event asks for, whole: the build, or both reviews and the decision. */
  ALL,
  /** The code review alone (the review workflow's first parallel job). */
  CODE_REVIEW,
  /** The security review alone (its second parallel job). */
  SECURITY_REVIEW,
  /** The decision after both reviews, from their reports (its final job). */
  DECISION;

  /** The value of {@code HYDRA_STAGE}: empty for {@link #ALL}, else the job's name. */
  @Override
  public String id() {
    return this == ALL ? "" : Word.super.id();
  }

  /**
   * Parses {@code HYDRA_STAGE} (or {@code --stage}).
   *
   * @throws IllegalArgumentException naming the value, quoted, and the valid values; the caller
   *     says where the value came from
   */
  public static Step parse(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    return Word.find(values(), v)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    Texts.quote(value)
                        + " is not a job of the review workflow; use one of "
                        + Arrays.stream(values())
                            .filter(s -> s != ALL)
                            .map(Step::id)
                            .collect(Collectors.joining(", "))
                        + ", or leave it empty (the build workflow, or the whole stage in one process)"));
  }

  /**
   * Why this step does not fit a run of {@code workflow}, empty when it does: a job of the review
   * workflow on an event that starts a build. The one place this is decided; the command line and
   * {@link Pipeline#run} both ask.
   */
  public Optional<String> misfit(Workflow workflow) {
    if (workflow == Workflow.BUILD && this != ALL) {
      return Optional.of(
          "--stage/HYDRA_STAGE "
              + id()
              + " is for the review workflow, but this event starts a build; leave it empty in"
              + " the build workflow");
    }
    return Optional.empty();
  }
}
