package dev.hydra.pipeline;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.gate.GateTable;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Outcome;
import dev.hydra.label.PipelineState;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import dev.hydra.stage.StageResult;
import dev.hydra.text.Texts;
import dev.hydra.verdict.Finding;
import dev.hydra.workspace.OutputScope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
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
  private @Nullable RetryScope retry;

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

  /** The builder's login, asked of its token once per job when not configured. */
  String builderLogin() throws ForgeException {
    return context.forges().login(builder());
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
    context.log(result.describe());
    return keep(RunRecord.of(result));
  }

  /**
   * The gated stage's run record: the gates' results on its commits and every agent pass's usage
   * (the totals their sums).
   */
  RunRecord record(StageResult result, GatePasses gates) {
    context.log(result.describe());
    RunRecord record = RunRecord.of(result).withGates(gates.records()).withPasses(gates.passes());
    if (record.passes().size() > 1) {
      context.log(
          "stage "
              + record.stage()
              + " used "
              + record.tokens()
              + " tokens, "
              + record.turns()
              + " turns and $"
              + String.format(Locale.ROOT, "%.2f", record.costUsd())
              + " in "
              + record.passes().size()
              + " agent passes");
    }
    return keep(record);
  }

  /** Hands a record to the sink and returns it. */
  RunRecord keep(RunRecord record) {
    context.records().write(repo, number, record);
    return record;
  }

  /**
   * Offers a person's {@code retry:queued} in this run's {@code needs-input} comment: one fixer
   * pass on {@code pr} from {@code findings} (added to those offered already; only those {@link
   * RetryScope#addressed} keeps, so none is counted twice).
   */
  void offerRetry(PullRequest pr, List<Finding> findings) {
    List<Finding> all = new ArrayList<>();
    RetryScope before = retry;
    if (before != null && before.pullRequest() == pr.number()) {
      all.addAll(before.findings());
    }
    all.addAll(findings);
    retry = new RetryScope(pr.number(), pr.head(), RetryScope.addressed(all));
  }

  /**
   * The {@code needs-input} ending: {@code labels} plus {@code needs-input} in one write, then
   * {@link #askAPerson}, offering the retry when {@link #offerRetry} was called and this round's
   * retry is not used yet.
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
    boolean used = state(labels).state(Stage.RETRY).isPresent();
    RetryScope scope = retry;
    askAPerson(
        note,
        where,
        why,
        used
            ? Retry.USED
            : scope == null || scope.findings().isEmpty() ? Retry.NONE : Retry.OFFERED,
        details);
  }

  /** Whether the {@code needs-input} comment offers a retry. */
  private enum Retry {
    /** No pull request has findings to fix (a build, a crash or a recovery ended the round). */
    NONE,
    /** The retry of this round was used already: only a rebuild remains. */
    USED,
    OFFERED
  }

  /**
   * The {@code needs-input} ending once the labels are written: a note on the progress comment, and
   * the builder's comment that says what a person can do.
   *
   * @param where the stage (or stages) that needs the person, for the comment
   */
  void askAPerson(String note, String where, String why) throws ForgeException {
    askAPerson(note, where, why, Retry.NONE, "");
  }

  private void askAPerson(String note, String where, String why, Retry offer, String details)
      throws ForgeException {
    progressNote(note);
    LabelScheme scheme = scheme();
    String needsInput = "`" + scheme.name(Outcome.NEEDS_INPUT) + "`";
    StringBuilder body =
        new StringBuilder("<!-- hydra:needs-input issue=")
            .append(number)
            .append(" -->\n**Hydra needs a person** (stage ")
            .append(where)
            .append("): ")
            .append(Texts.oneLine(why))
            .append(details.isEmpty() ? "" : "\n\n" + details.strip())
            .append("\n\nWhat you can do, as a user with write access:\n");
    RetryScope scope = retry;
    if (offer == Retry.OFFERED && scope != null) {
      body.append("- **retry** (one fixer pass): remove ")
          .append(needsInput)
          .append(" and apply `")
          .append(scheme.name(Stage.RETRY, StageState.QUEUED))
          .append("`. The builder fixes the ")
          .append(scope.findings().size())
          .append(" finding(s) of this round on PR #")
          .append(scope.pullRequest())
          .append(" (")
          .append(scope.severities())
          .append("; INFO findings are not part of it)")
          .append(", changing only the files they name")
          .append(
              scope.files().isEmpty()
                  ? ""
                  : " ("
                      + String.join(
                          ", ",
                          scope.files().stream()
                              .limit(10)
                              .map(f -> "`" + Texts.escape(f, 120).replace("`", "") + "`")
                              .toList())
                      + (scope.files().size() > 10 ? ", …" : "")
                      + ")")
          .append(" and adding new files only where a fix needs them; its commits start with `")
          .append(OutputScope.RETRY_PREFIX)
          .append("`. Both reviews then run again (round 2), and that outcome is final.\n");
    } else if (offer == Retry.USED) {
      body.append("- retry: not available, this round's one retry was used already.\n");
    } else {
      body.append("- retry: not available, no pull request has findings to fix.\n");
    }
    body.append("- **rebuild** (a reset): remove ")
        .append(needsInput)
        .append(" and apply `")
        .append(scheme.name(Stage.REBUILD, StageState.QUEUED))
        .append("`. Every stage label comes off and the builder starts again on the same branch")
        .append(
            " and pull request, from the issue as it is now (fix its text or the setup first).\n")
        .append(
            "- or finish the work on the pull request's branch and merge or close it yourself.");
    if (offer == Retry.OFFERED && scope != null) {
      body.append("\n").append(scope.marker());
    }
    builder().comment(repo, number, body.toString());
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
