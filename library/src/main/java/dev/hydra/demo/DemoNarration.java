package dev.hydra.demo;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.gate.GateTable;
import dev.hydra.pipeline.BuildGates;
import dev.hydra.pipeline.StageExecutor;
import dev.hydra.stage.StageResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the demo shows of its stages besides the runner's own lines, around any stage executor (the
 * real containers or the scripted verdicts): every gate table as it is decided on — each gated
 * builder pass's, red or green, with what follows (a fix pass, or the stop), and the recheck's on
 * the final head — and after each stage the lines {@code after} gives (the real agent's tool
 * calls). Everything else is the delegate's, unchanged.
 */
final class DemoNarration implements StageExecutor {

  private final StageExecutor delegate;
  private final Consumer<String> print;
  private final Function<Call, List<String>> after;

  /**
   * @param delegate runs the stages and the gates
   * @param print receives each line
   * @param after the lines to show after a stage ran
   */
  DemoNarration(
      StageExecutor delegate, Consumer<String> print, Function<Call, List<String>> after) {
    this.delegate = delegate;
    this.print = print;
    this.after = after;
  }

  @Override
  public StageResult execute(Call call) throws InterruptedException {
    BuildGates policy = call.gates();
    StageResult result = delegate.execute(policy == null ? call : call.withGates(shown(policy)));
    after.apply(call).forEach(print);
    return result;
  }

  @Override
  public Optional<GateTable> recheckGates(Persona persona, RepoRef repo, PullRequest pullRequest)
      throws InterruptedException {
    Optional<GateTable> table = delegate.recheckGates(persona, repo, pullRequest);
    table.ifPresent(
        t ->
            table(
                "gates rechecked on PR #"
                    + pullRequest.number()
                    + "'s final head "
                    + pullRequest
                        .headSha()
                        .substring(0, Math.min(12, pullRequest.headSha().length())),
                t));
    return table;
  }

  /** The policy as decided, each pass's table and its consequence printed. */
  private BuildGates shown(BuildGates policy) {
    AtomicInteger pass = new AtomicInteger();
    return table -> {
      table("gates on the builder's commits, pass " + pass.incrementAndGet(), table);
      BuildGates.Next next = policy.afterGates(table);
      if (next instanceof BuildGates.FixPass fix) {
        print.accept(
            "  fix pass: the builder runs again with /input/"
                + String.join(", /input/", fix.inputs().keySet()));
      } else if (next instanceof BuildGates.Stop stop) {
        print.accept("  gates stop the build: " + stop.why());
      } else {
        print.accept("  gates green: the runner pushes the commits");
      }
      return next;
    };
  }

  private void table(String title, GateTable table) {
    print.accept("  " + title + ": " + table.note());
    if (!table.results().isEmpty()) {
      table.markdown().lines().forEach(line -> print.accept("  gates | " + line));
    }
  }
}
