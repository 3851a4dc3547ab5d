package dev.hydra.pipeline;

import dev.hydra.label.LabelScheme;
import dev.hydra.label.PipelineState;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which build {@link BuildStep} performs, read from the live issue: a fresh build from the trigger,
 * or a person's reset after {@code needs-input} from {@code rebuild:queued}. The differences are
 * data: the label claimed, the words, how busy is counted, the labels after the claim, and whether
 * the pull request may exist already.
 */
enum BuildKind {
  /** The trigger label: a first build on a new branch and a new draft PR. */
  FRESH(Stage.BUILD, "start", "unauthorised", ""),
  /**
   * {@code rebuild:queued} after {@code needs-input} (SPEC §4): every stage and outcome label off
   * in one write, then the build on the same branch and pull request.
   */
  RESET(Stage.REBUILD, "rebuild", "unauthorised-rebuild", ": labels reset");

  private final Stage stage;
  private final String verb;
  private final String unauthorised;
  private final String started;

  BuildKind(Stage stage, String verb, String unauthorised, String started) {
    this.stage = stage;
    this.verb = verb;
    this.unauthorised = unauthorised;
    this.started = started;
  }

  /** The reset when the issue carries {@code rebuild:queued}, else the fresh build. */
  static BuildKind of(LabelScheme scheme, Collection<String> labels) {
    return labels.contains(RESET.label(scheme)) ? RESET : FRESH;
  }

  /** The label that queues it, and that its claim takes. */
  String label(LabelScheme scheme) {
    return this == RESET ? scheme.name(Stage.REBUILD, StageState.QUEUED) : scheme.trigger();
  }

  /** The label as messages name it: {@code the trigger}, or the label itself. */
  String named(LabelScheme scheme) {
    return this == RESET ? "`" + label(scheme) + "`" : "the trigger";
  }

  /** {@code build} or {@code rebuild}: the result's stage and the log's word. */
  String id() {
    return stage.id();
  }

  /** What did not happen, in {@code Hydra did not …}. */
  String verb() {
    return verb;
  }

  /** The kind of the comment that refuses an unauthorised label. */
  String unauthorised() {
    return unauthorised;
  }

  /** The progress note when the builder claimed it. */
  String startedNote(String why) {
    String word = stage == Stage.BUILD ? "Build" : "Rebuild";
    return word + " started by the builder persona (" + why + ")" + started + ".";
  }

  /** Whether another stage is queued or running (the reset's own label does not count). */
  boolean busy(PipelineState state) {
    if (this == FRESH) {
      return state.busy();
    }
    return state.stages().entrySet().stream()
        .anyMatch(e -> e.getKey() != Stage.REBUILD && !e.getValue().finished());
  }

  /**
   * The labels after the claim, from those the claim left: {@code build:running}; for the reset,
   * every stage and outcome label of this scheme off first (a person's own labels, and another
   * prefix's, stay).
   */
  Set<String> claimed(LabelScheme scheme, List<String> left) {
    if (this == FRESH) {
      return PipelineState.of(scheme, left).with(Stage.BUILD, StageState.RUNNING);
    }
    Set<String> running = new LinkedHashSet<>();
    for (String l : left) {
      if (!scheme.isPipelineLabel(l)) {
        running.add(l);
      }
    }
    running.add(scheme.name(Stage.BUILD, StageState.RUNNING));
    return running;
  }

  /**
   * Whether the pull request may exist already; then it is reused and closed and reopened, to start
   * the reviews.
   */
  boolean reusesPullRequest() {
    return this == RESET;
  }
}
