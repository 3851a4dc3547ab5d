package dev.hydra.label;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pipeline state of one issue, read from its labels (state lives on the issue, nothing in
 * memory: SPEC §4), and the label set of every transition — pure functions over label names.
 *
 * <p>Each stage has at most one of {@code :queued :running :pass :fail}; an issue with two is a
 * contradiction that Hydra reports rather than guesses about. Labels outside this scheme's
 * namespace (a person's own labels, another prefix's) are never touched by a transition.
 *
 * @param scheme the label scheme
 * @param labels the labels, in the forge's order
 */
public record PipelineState(LabelScheme scheme, List<String> labels) {

  public PipelineState {
    labels = List.copyOf(labels);
  }

  /** Reads an issue's labels. */
  public static PipelineState of(LabelScheme scheme, List<String> labels) {
    return new PipelineState(scheme, labels);
  }

  /** The state of each stage that has a label, the first one seen when there are several. */
  public Map<Stage, StageState> stages() {
    Map<Stage, StageState> stages = new EnumMap<>(Stage.class);
    for (String label : labels) {
      scheme.stageLabel(label).ifPresent(s -> stages.putIfAbsent(s.stage(), s.state()));
    }
    return stages;
  }

  /** The state of one stage. */
  public Optional<StageState> state(Stage stage) {
    return Optional.ofNullable(stages().get(stage));
  }

  /** The terminal labels present. */
  public Set<Outcome> outcomes() {
    Set<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
    for (String label : labels) {
      scheme.outcome(label).ifPresent(outcomes::add);
    }
    return outcomes;
  }

  /** Whether the trigger label is on the issue. */
  public boolean triggered() {
    return labels.contains(scheme.trigger());
  }

  /** Whether a metadata label is on the issue. */
  public boolean has(MetadataLabel label) {
    return labels.contains(scheme.name(label));
  }

  /** Whether any stage is queued or running. */
  public boolean busy() {
    return stages().values().stream().anyMatch(s -> !s.finished());
  }

  /** Whether the issue carries any label of this scheme's pipeline (stage or outcome). */
  public boolean inPipeline() {
    return labels.stream().anyMatch(scheme::isPipelineLabel);
  }

  /**
   * Stages that carry more than one state label at once, which no transition produces: a person or
   * a second writer changed them. Reported, never guessed about.
   */
  public List<String> contradictions() {
    Map<Stage, List<String>> seen = new EnumMap<>(Stage.class);
    for (String label : labels) {
      scheme
          .stageLabel(label)
          .ifPresent(s -> seen.computeIfAbsent(s.stage(), k -> new ArrayList<>()).add(label));
    }
    List<String> problems = new ArrayList<>();
    seen.forEach(
        (stage, names) -> {
          if (names.size() > 1) {
            problems.add(stage.id() + " has " + String.join(" and ", names));
          }
        });
    Set<Outcome> outcomes = outcomes();
    if (outcomes.size() > 1) {
      problems.add(
          "both " + scheme.name(Outcome.DONE) + " and " + scheme.name(Outcome.NEEDS_INPUT));
    }
    return problems;
  }

  /**
   * The label set after moving {@code stage} to {@code state}: every other state label of that
   * stage is removed, everything else is kept.
   */
  public Set<String> with(Stage stage, StageState state) {
    Set<String> next = new LinkedHashSet<>();
    for (String label : labels) {
      Optional<StageLabel> parsed = scheme.stageLabel(label);
      if (parsed.isEmpty() || parsed.get().stage() != stage) {
        next.add(label);
      }
    }
    next.add(scheme.name(stage, state));
    return next;
  }

  /**
   * The label set when a build starts: the trigger label is consumed (a replayed or duplicated
   * {@code labeled} event then finds no trigger on the live issue) and the build is queued.
   */
  public Set<String> startBuild() {
    Set<String> next =
        new PipelineState(scheme, withoutTrigger()).with(Stage.BUILD, StageState.QUEUED);
    return next;
  }

  /** The label set with a terminal outcome added; nothing else changes. */
  public Set<String> withOutcome(Outcome outcome) {
    Set<String> next = new LinkedHashSet<>(labels);
    next.add(scheme.name(outcome));
    return next;
  }

  /**
   * The label set after a build finished: pass queues both reviews (they run in parallel), fail
   * ends in {@code needs-input}.
   */
  public Set<String> afterBuild(boolean passed) {
    if (!passed) {
      return new PipelineState(scheme, List.copyOf(with(Stage.BUILD, StageState.FAIL)))
          .withOutcome(Outcome.NEEDS_INPUT);
    }
    PipelineState built =
        new PipelineState(scheme, List.copyOf(with(Stage.BUILD, StageState.PASS)));
    PipelineState code =
        new PipelineState(scheme, List.copyOf(built.with(Stage.CODE_REVIEW, StageState.QUEUED)));
    return code.with(Stage.SECURITY_REVIEW, StageState.QUEUED);
  }

  private List<String> withoutTrigger() {
    List<String> rest = new ArrayList<>(labels);
    rest.remove(scheme.trigger());
    return rest;
  }
}
