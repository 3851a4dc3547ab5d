package dev.hydra.pipeline;

import dev.hydra.stage.StageResult;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What one stage run did, for the progress comment and the artefact file: never a token, only its
 * name.
 *
 * @param stage the stage id
 * @param persona the persona id
 * @param image the image reference
 * @param imageDigest the image's digest, when the reference pins one
 * @param tokenName the Claude account(s) the stage's model gateway used, comma-separated; empty
 *     when none did
 * @param tokens every token the stage's answers counted (input, output and cache)
 * @param turns agent turns
 * @param costUsd cost in US dollars
 * @param durationMillis wall-clock time
 * @param outcome how it ended (passed, failed, timed-out, …)
 * @param gates every gate's result on the stage's commits (the builder's passes) or on the pull
 *     request's final head ({@code recheck}); empty when no gate ran
 * @param passes the usage of every agent pass (the build and its gate fix passes, the retry and
 *     its); {@code tokens}, {@code turns}, {@code costUsd} and {@code durationMillis} are their
 *     sums when there are any
 */
public record RunRecord(
    String stage,
    String persona,
    String image,
    @Nullable String imageDigest,
    String tokenName,
    long tokens,
    int turns,
    double costUsd,
    long durationMillis,
    String outcome,
    List<GateRecord> gates,
    List<AgentPass> passes) {

  /** Copies the lists; a record read from JSON written before gates or passes existed has none. */
  public RunRecord {
    gates = gates == null ? List.of() : List.copyOf(gates);
    passes = passes == null ? List.of() : List.copyOf(passes);
  }

  /** A record without gates. */
  public RunRecord(
      String stage,
      String persona,
      String image,
      @Nullable String imageDigest,
      String tokenName,
      long tokens,
      int turns,
      double costUsd,
      long durationMillis,
      String outcome) {
    this(
        stage,
        persona,
        image,
        imageDigest,
        tokenName,
        tokens,
        turns,
        costUsd,
        durationMillis,
        outcome,
        List.of(),
        List.of());
  }

  /** The same record with the gates' results. */
  public RunRecord withGates(List<GateRecord> results) {
    return new RunRecord(
        stage,
        persona,
        image,
        imageDigest,
        tokenName,
        tokens,
        turns,
        costUsd,
        durationMillis,
        outcome,
        results,
        passes);
  }

  /**
   * The same record with every agent pass's usage, its totals their sums; unchanged when {@code
   * all} is empty (the stage's executor reported no pass).
   */
  public RunRecord withPasses(List<AgentPass> all) {
    if (all.isEmpty()) {
      return this;
    }
    return new RunRecord(
        stage,
        persona,
        image,
        imageDigest,
        tokenName,
        all.stream().mapToLong(AgentPass::tokens).sum(),
        all.stream().mapToInt(AgentPass::turns).sum(),
        all.stream().mapToDouble(AgentPass::costUsd).sum(),
        all.stream().mapToLong(AgentPass::durationMillis).sum(),
        outcome,
        gates,
        all);
  }

  /** The record of a stage result: one agent pass. */
  public static RunRecord of(StageResult result) {
    return new RunRecord(
        result.stage().id(),
        result.persona().id(),
        result.image().toString(),
        result.image().digest(),
        result.tokenName().orElse(""),
        result.tokensUsed(),
        result.turns(),
        result.costUsd(),
        result.duration().toMillis(),
        result.status().id(),
        List.of(),
        List.of(AgentPass.of(result.stage().id(), result)));
  }

  /**
   * One Markdown table row: {@code | build | builder | image | accounts | tokens | turns | $ | s |
   * outcome |}; the usage is the sum of every agent pass, and the tokens say how many there were
   * when more than one ({@code 5200 (3 passes)}).
   */
  public String row() {
    return String.format(
        Locale.ROOT,
        "| %s | %s | `%s` | %s | %d%s | %d | $%.2f | %.1f s | %s |",
        stage,
        persona,
        image.replace("`", ""),
        tokenName.isEmpty() ? "-" : tokenName.replace("|", ""),
        tokens,
        passes.size() > 1 ? " (" + passes.size() + " passes)" : "",
        turns,
        costUsd,
        durationMillis / 1000.0,
        outcome);
  }

  /** The header of {@link #row()}'s table. */
  public static String header() {
    return "| Stage | Persona | Image | Claude accounts | Tokens | Turns | Cost | Duration | Outcome"
        + " |\n"
        + "|---|---|---|---|---|---|---|---|---|";
  }
}
