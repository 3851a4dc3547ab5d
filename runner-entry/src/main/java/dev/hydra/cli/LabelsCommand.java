package dev.hydra.cli;

import dev.hydra.forge.Forge;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.text.Texts;
import dev.hydra.wiring.ForgeOpener;
import dev.hydra.wiring.ForgeTarget;
import java.util.List;
import org.apache.commons.cli.Options;

/** {@code hydra labels seed}: creates every Hydra label in a repository, idempotently. */
final class LabelsCommand implements CliCommand {

  @Override
  public String name() {
    return "labels";
  }

  @Override
  public String summary() {
    return "labels seed: create every Hydra label with colours (idempotent, prefix-aware).";
  }

  @Override
  public String description() {
    return "hydra labels seed --repo OWNER/NAME [--prefix P]: creates every label Hydra manages"
        + " (the trigger, each stage's queued/running/pass/fail, done, needs-input) and the"
        + " metadata labels yolo and openspec, with colours and descriptions; corrects colours"
        + " that differ; changes nothing on a second run. Uses the builder persona's token"
        + " (HYDRA_BUILDER_TOKEN), which needs issues: write.";
  }

  @Override
  public Options options() {
    return ForgeOptionsCli.options();
  }

  @Override
  public boolean acceptsArguments() {
    return true;
  }

  @Override
  public int run(Invocation in) throws Exception {
    List<String> args = in.args().getArgList();
    if (args.size() != 1 || !args.get(0).equals("seed")) {
      throw new UsageException(
          "hydra labels",
          "expected `hydra labels seed`, got " + Texts.quote(String.join(" ", args)));
    }
    ForgeTarget target = ForgeOptionsCli.resolve(in);
    // Seeding writes as the builder: an admin token is refused first (on GitHub the repository
    // read is the one seeding makes anyway).
    Forge forge = ForgeOpener.builder(target, in.env());
    List<LabelSeeding.Result> results =
        LabelSeeding.seed(forge, target.repo(), target.settings().labels());
    int changed = 0;
    for (LabelSeeding.Result r : results) {
      in.out()
          .printf(
              "%-9s %s%n", r.change().name().toLowerCase(java.util.Locale.ROOT), r.label().name());
      if (r.change() != LabelSeeding.Change.UNCHANGED) {
        changed++;
      }
    }
    in.out()
        .println(
            results.size()
                + " labels in "
                + target.repo()
                + ", "
                + changed
                + " created or updated");
    return ExitCodes.OK;
  }
}
