package dev.hydra.container.docker;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a program from an argument list — never a shell string — with a timeout. The seam that lets
 * tests assert the exact argv of every {@code docker} call and feed canned output.
 */
public interface CommandRunner {

  /**
   * Runs a command to completion and collects its output.
   *
   * @param argv the program and its arguments
   * @param timeout how long it may take; it is killed after that
   * @return exit code and output
   * @throws IOException when the program cannot be started
   * @throws InterruptedException when interrupted while waiting
   */
  Result run(List<String> argv, Duration timeout) throws IOException, InterruptedException;

  /**
   * Runs a command to completion with these bytes on its standard input, then end of input: the way
   * a secret reaches a program ({@code docker login --password-stdin}), never in its argv.
   *
   * @param argv the program and its arguments
   * @param timeout how long it may take; it is killed after that
   * @param stdin what the program reads
   * @return exit code and output
   * @throws IOException when the program cannot be started
   * @throws InterruptedException when interrupted while waiting
   */
  default Result run(List<String> argv, Duration timeout, byte[] stdin)
      throws IOException, InterruptedException {
    throw new UnsupportedOperationException("this command runner feeds no standard input");
  }

  /**
   * Runs a command, handing each output line to the sinks as it arrives.
   *
   * @param argv the program and its arguments
   * @param timeout how long it may take; it is killed after that
   * @param stdout receives stdout lines
   * @param stderr receives stderr lines
   * @return the exit code and whether the timeout killed it
   * @throws IOException when the program cannot be started
   * @throws InterruptedException when interrupted while waiting; the program is killed first
   */
  Streamed stream(
      List<String> argv, Duration timeout, Consumer<String> stdout, Consumer<String> stderr)
      throws IOException, InterruptedException;

  /**
   * A finished command.
   *
   * @param exitCode its exit code
   * @param stdout what it printed
   * @param stderr what it printed on stderr
   */
  record Result(int exitCode, String stdout, String stderr) {}

  /**
   * A finished streamed command.
   *
   * @param exitCode its exit code
   * @param timedOut whether the timeout killed it
   */
  record Streamed(int exitCode, boolean timedOut) {}
}
