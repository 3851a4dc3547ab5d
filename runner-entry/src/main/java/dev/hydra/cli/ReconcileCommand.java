package dev.hydra.cli;

import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineResult;
import dev.hydra.secret.WorkflowCommands;
import dev.hydra.text.Texts;
import dev.hydra.wiring.ForgeTarget;
import dev.hydra.wiring.RunWiring;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code hydra reconcile}: recovers stages left queued or running past their timeout plus grace
 * ({@code :fail} + {@code needs-input}, one comment). Wiring only.
 */
final class ReconcileCommand implements CliCommand {

  @Override
  public String name() {
    return "reconcile";
  }

  @Override
  public String summary() {
    return "Recover stages left running past their timeout (a killed runner).";
  }

  @Override
  public String description() {
    return "For each --issue, recover a stage left queued or running past its timeout"
        + " (HYDRA_BUILD_TIMEOUT, …, as the stage ran with) plus 10 minutes' grace: mark it"
        + " failed, add needs-input and one comment. Acts as the builder persona"
        + " (HYDRA_BUILDER_TOKEN). Exits 0.";
  }

  @Override
  public Options options() {
    return ForgeOptionsCli.options()
        .addOption(
            Option.builder()
                .longOpt("issue")
                .hasArgs()
                .argName("N")
                .desc("An issue to check; repeat for several.")
                .get());
  }

  @Override
  public int run(Invocation in) throws Exception {
    ForgeTarget target = ForgeOptionsCli.resolve(in);
    String[] issues = in.args().getOptionValues("issue");
    if (issues == null || issues.length == 0) {
      throw new UsageException(in.command(), "--issue N is required (repeat for several)");
    }
    Pipeline pipeline =
        RunWiring.reconcile(
            target,
            in.env(),
            line -> in.err().println(WorkflowCommands.neutralise("hydra reconcile: " + line)));
    for (String issue : issues) {
      int number;
      try {
        number = Integer.parseInt(issue.strip());
      } catch (NumberFormatException e) {
        throw new UsageException(in.command(), "--issue: not a number: " + Texts.quote(issue));
      }
      PipelineResult result = pipeline.reconcile(target.repo(), number);
      in.out()
          .println(
              WorkflowCommands.neutralise(
                  "#" + number + ": " + result.status().id() + ": " + result.reason()));
    }
    return ExitCodes.OK;
  }
}
