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
 * @param outcome how it ended ({@code passed}, {@code failed}, {@code timed-out}, …)
 * @param gates every gate's result on the stage's commits (the builder's passes) or on the pull
 *     request's final head ({@code recheck}); empty when no gate ran
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
    List<GateRecord> gates) {

  /** Copies the list; a record read from JSON written before gates existed has none. */
  public RunRecord {
    gates = gates == null ? List.of() : List.copyOf(gates);
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
        results);
  }

  /** The record of a stage result. */
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
        result.status().id());
  }

  /**
   * One Markdown table row: {@code | build | builder | image | accounts | tokens | turns | $ | s |
   * outcome |}.
   */
  public String row() {
    return String.format(
        Locale.ROOT,
        "| %s | %s | `%s` | %s | %d | %d | $%.2f | %.1f s | %s |",
        stage,
        persona,
        image.replace("`", ""),
        tokenName.isEmpty() ? "-" : tokenName.replace("|", ""),
        tokens,
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
