package dev.hydra.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Entry point of {@code hydra.jar}. The only class that reads the real environment. */
public final class Main {

  private Main() {}

  /** Runs {@code hydra} and exits with its code. */
  @SuppressWarnings("SystemOut") // the one place that owns the process's stdout and stderr
  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    System.exit(run(args, System.getenv(), out, err));
  }

  /**
   * Runs {@code hydra} with an explicit environment and streams; tests call this.
   *
   * @return the exit code
   */
  static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    return new Cli(Cli.defaultCommands(), env, out, err).run(args);
  }
}
