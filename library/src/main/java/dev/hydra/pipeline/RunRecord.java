package dev.hydra.pipeline;

import dev.hydra.stage.StageResult;
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
 * @param tokenName the name of the Claude token the last attempt used, empty when none ran
 * @param turns agent turns
 * @param costUsd cost in US dollars
 * @param durationMillis wall-clock time
 * @param outcome how it ended ({@code passed}, {@code failed}, {@code timed-out}, …)
 */
public record RunRecord(
    String stage,
    String persona,
    String image,
    @Nullable String imageDigest,
    String tokenName,
    int turns,
    double costUsd,
    long durationMillis,
    String outcome) {

  /** The record of a stage result. */
  public static RunRecord of(StageResult result) {
    return new RunRecord(
        result.stage().id(),
        result.persona().id(),
        result.image().toString(),
        result.image().digest(),
        result.tokenName().orElse(""),
        result.turns(),
        result.costUsd(),
        result.duration().toMillis(),
        result.status().id());
  }

  /**
   * One Markdown table row: {@code | build | builder | image | token | turns | $ | s | outcome |}.
   */
  public String row() {
    return String.format(
        Locale.ROOT,
        "| %s | %s | `%s` | %s | %d | $%.2f | %.1f s | %s |",
        stage,
        persona,
        image.replace("`", ""),
        tokenName.isEmpty() ? "-" : tokenName.replace("|", ""),
        turns,
        costUsd,
        durationMillis / 1000.0,
        outcome);
  }

  /** The header of {@link #row()}'s table. */
  public static String header() {
    return "| Stage | Persona | Image | Claude token | Turns | Cost | Duration | Outcome |\n"
        + "|---|---|---|---|---|---|---|---|";
  }
}
