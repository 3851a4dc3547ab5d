package dev.hydra.ops;

import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.MetadataLabel;
import dev.hydra.label.Outcome;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seeds every label Hydra uses into a repository, with colours and descriptions: idempotent (a
 * second run changes nothing) and prefix-aware (a prefix seeds its own namespace only; metadata
 * labels are shared and never prefixed).
 */
public final class LabelSeeding {

  private LabelSeeding() {}

  /** What happened to one label. */
  public enum Change {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  /**
   * One label's result.
   *
   * @param label the label as seeded
   * @param change what was done
   */
  public record Result(LabelSpec label, Change change) {}

  /** The labels of a scheme, with colours: yellow queued, blue running, green pass, red fail. */
  public static List<LabelSpec> specs(LabelScheme scheme) {
    List<LabelSpec> specs = new ArrayList<>();
    specs.add(
        new LabelSpec(
            scheme.trigger(),
            "0e8a16",
            "Hydra: build this issue (apply as a user with write access)"));
    for (Stage stage : Stage.values()) {
      for (StageState state : StageState.values()) {
        if (stage.allows(state)) {
          specs.add(
              new LabelSpec(scheme.name(stage, state), colour(state), description(stage, state)));
        }
      }
    }
    specs.add(
        new LabelSpec(
            scheme.name(Outcome.DONE), "2ea44f", "Hydra: all stages passed; ready for a person"));
    specs.add(
        new LabelSpec(
            scheme.name(Outcome.NEEDS_INPUT),
            "e99695",
            "Hydra stopped: a person decides (retry:queued or rebuild:queued)"));
    specs.add(
        new LabelSpec(
            scheme.name(MetadataLabel.YOLO),
            "5319e7",
            "Merge automatically when done (only when set by a user with write access)"));
    specs.add(
        new LabelSpec(
            scheme.name(MetadataLabel.OPENSPEC), "c5def5", "The issue follows an OpenSpec change"));
    return List.copyOf(specs);
  }

  /**
   * Seeds the labels: one listing of the repository's labels (paginated), then only the writes
   * needed: creates the missing ones and corrects colour or description where they differ. A
   * repository already up to date costs the listing alone.
   *
   * @return one result per label, in {@link #specs} order
   * @throws ForgeException when labels cannot be listed or written; labels written before the
   *     failure stay, and a re-run completes the rest
   */
  public static List<Result> seed(Forge forge, RepoRef repo, LabelScheme scheme)
      throws ForgeException {
    Map<String, LabelSpec> existing = new HashMap<>();
    for (LabelSpec label : forge.labels(repo)) {
      existing.put(label.name(), label);
    }
    List<Result> results = new ArrayList<>();
    for (LabelSpec wanted : specs(scheme)) {
      LabelSpec have = existing.get(wanted.name());
      if (have != null && have.equals(wanted)) {
        results.add(new Result(wanted, Change.UNCHANGED));
        continue;
      }
      boolean created = forge.upsertLabel(repo, wanted);
      results.add(new Result(wanted, created ? Change.CREATED : Change.UPDATED));
    }
    return results;
  }

  private static String colour(StageState state) {
    return switch (state) {
      case QUEUED -> "fbca04";
      case RUNNING -> "1d76db";
      case PASS -> "0e8a16";
      case FAIL -> "d93f0b";
    };
  }

  private static String description(Stage stage, StageState state) {
    String who =
        switch (stage) {
          case BUILD -> "Builder";
          case CODE_REVIEW -> "code review";
          case SECURITY_REVIEW -> "security review";
          case APPLIER -> "Applier";
          case RETRY -> "one fixer pass, asked for by a person";
          case REBUILD -> "full rebuild, asked for by a person";
        };
    return "Hydra: " + who + " " + state.id();
  }
}
