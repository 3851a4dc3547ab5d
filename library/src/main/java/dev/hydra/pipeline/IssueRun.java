package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.RepoRef;
import dev.hydra.gate.GateTable;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Outcome;
import dev.hydra.label.PipelineState;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import dev.hydra.stage.StageResult;
import dev.hydra.text.Texts;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One step's work on one issue: the repository, the issue number, the persona forges, the progress
 * comment and the {@code needs-input} ending every step writes the same way.
 */
final class IssueRun {

  private final PipelineContext context;
  private final RepoRef repo;
  private final int number;
  private @Nullable ProgressComment progress;

  IssueRun(PipelineContext context, RepoRef repo, int number) {
    this.context = context;
    this.repo = repo;
    this.number = number;
  }

  RepoRef repo() {
    return repo;
  }

  int number() {
    return number;
  }

  LabelScheme scheme() {
    return context.scheme();
  }

  /** The builder's forge, which owns the issue's labels and comments. */
  Forge builder() {
    return context.forges().get(Persona.BUILDER);
  }

  Forge forge(Persona persona) {
    return context.forges().get(persona);
  }

  /** The labels as a pipeline state. */
  PipelineState state(Collection<String> labels) {
    return PipelineState.of(scheme(), List.copyOf(labels));
  }

  /** The labels with {@code stage} moved to {@code state}. */
  Set<String> next(Collection<String> labels, Stage stage, StageState state) {
    return state(labels).with(stage, state);
  }

  // ------------------------------------------------------------------------ progress comment

  /** A new progress comment, posted at its first note. */
  void startProgress() {
    progress = new ProgressComment(number);
  }

  /**
   * Finds the builder's progress comment on the issue (a new one when there is none).
   *
   * @param author the builder's login when known (the author of the PR it opened), otherwise asked
   *     of the forge
   */
  void findProgress(@Nullable String author) throws ForgeException {
    Forge builder = builder();
    String login = author == null || author.isBlank() ? context.forges().login(builder) : author;
    progress = ProgressComment.find(builder, repo, number, login);
  }

  /** Adds a run record's row to the progress comment, saved with the next note. */
  void progressRecord(RunRecord record) {
    progress().record(record);
  }

  /** Shows a gate table on the progress comment (replacing the last), saved with the next note. */
  void progressGates(String title, GateTable table) {
    progress().gates(title, table.markdown());
  }

  /** Adds a note to the progress comment and saves it. */
  void progressNote(String note) throws ForgeException {
    ProgressComment comment = progress();
    comment.note(note);
    comment.save(builder(), repo);
  }

  private ProgressComment progress() {
    ProgressComment comment = progress;
    if (comment == null) {
      throw new IllegalStateException("the progress comment of #" + number + " is not loaded");
    }
    return comment;
  }

  // ------------------------------------------------------------------------------- writes

  /** The stage's run record: logged, handed to the sink, returned for the result. */
  RunRecord record(StageResult result) {
    return record(result, List.of());
  }

  /** The stage's run record with the gates' results on its commits. */
  RunRecord record(StageResult result, List<GateRecord> gates) {
    context.log(result.describe());
    return keep(RunRecord.of(result).withGates(gates));
  }

  /** Hands a record to the sink and returns it. */
  RunRecord keep(RunRecord record) {
    context.records().write(repo, number, record);
    return record;
  }

  /**
   * The {@code needs-input} ending: {@code labels} plus {@code needs-input} in one write, then
   * {@link #askAPerson}.
   */
  void needsInput(Set<String> labels, String note, String where, String why) throws ForgeException {
    needsInput(labels, note, where, why, "");
  }

  /**
   * The {@code needs-input} ending with details under the comment's sentence.
   *
   * @param details Markdown already escaped (a gate table), or empty
   */
  void needsInput(Set<String> labels, String note, String where, String why, String details)
      throws ForgeException {
    builder().setLabels(repo, number, state(labels).withOutcome(Outcome.NEEDS_INPUT));
    askAPerson(note, where, why, details);
  }

  /**
   * The {@code needs-input} ending once the labels are written: a note on the progress comment, and
   * the builder's comment that says what a person can do.
   *
   * @param where the stage (or stages) that needs the person, for the comment
   */
  void askAPerson(String note, String where, String why) throws ForgeException {
    askAPerson(note, where, why, "");
  }

  private void askAPerson(String note, String where, String why, String details)
      throws ForgeException {
    progressNote(note);
    LabelScheme scheme = scheme();
    String body =
        "<!-- hydra:needs-input issue="
            + number
            + " -->\n**Hydra needs a person** (stage "
            + where
            + "): "
            + Texts.oneLine(why)
            + (details.isEmpty() ? "" : "\n\n" + details.strip())
            + "\n\nWhat you can do: finish the work on the pull request's branch and merge or close"
            + " it yourself; or fix what is described above (the issue's text, the setup) and"
            + " rebuild: remove `"
            + scheme.name(Outcome.NEEDS_INPUT)
            + "` and apply `"
            + scheme.name(Stage.REBUILD, StageState.QUEUED)
            + "` as a user with write access (the builder starts again on the same branch and"
            + " pull request).";
    builder().comment(repo, number, body);
    context.log("builder commented on #" + number + ": needs input (" + where + ")");
  }

  /** Posts a comment once per issue and kind, found again by its marker and the author. */
  void explainOnce(Forge forge, String kind, String text) throws ForgeException {
    String marker = "<!-- hydra:" + kind + " #" + number + " -->";
    if (forge.findComment(repo, number, marker, context.forges().login(forge)).isPresent()) {
      return;
    }
    forge.comment(repo, number, marker + "\n" + text);
    context.log(forge.persona() + " commented on #" + number + ": " + kind);
  }

  void log(String line) {
    context.log(line);
  }

  PipelineResult skip(String stage, String reason) {
    return context.skip(stage, reason);
  }
}
