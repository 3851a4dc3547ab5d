package dev.hydra.container.docker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.Executor;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link CommandRunner} on commons-exec: argument lists, a watchdog, line-by-line streaming. */
public final class CommonsExecCommandRunner implements CommandRunner {

  private static final Logger LOG = LoggerFactory.getLogger(CommonsExecCommandRunner.class);

  private final @Nullable Map<String, String> environment;

  /** A runner whose programs inherit this process's environment. */
  public CommonsExecCommandRunner() {
    this.environment = null;
  }

  /**
   * A runner whose programs get exactly this environment instead of this process's own: the
   * environment map the command line read once ({@code DOCKER_CONFIG}, {@code DOCKER_HOST} …), so a
   * test can give {@code docker} its own configuration directory.
   *
   * @param environment the whole environment of every program run
   */
  public CommonsExecCommandRunner(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public Result run(List<String> argv, Duration timeout) throws IOException, InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = execute(argv, timeout, new PumpStreamHandler(out, err), environment).exitCode();
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Override
  public Result run(List<String> argv, Duration timeout, byte[] stdin)
      throws IOException, InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PumpStreamHandler streams = new PumpStreamHandler(out, err, new ByteArrayInputStream(stdin));
    int code = execute(argv, timeout, streams, environment).exitCode();
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Override
  public Streamed stream(
      List<String> argv, Duration timeout, Consumer<String> stdout, Consumer<String> stderr)
      throws IOException, InterruptedException {
    try (LineStream out = new LineStream(stdout);
        LineStream err = new LineStream(stderr)) {
      return execute(argv, timeout, new PumpStreamHandler(out, err), environment);
    }
  }

  private static Streamed execute(
      List<String> argv,
      Duration timeout,
      PumpStreamHandler streams,
      @Nullable Map<String, String> environment)
      throws IOException, InterruptedException {
    LOG.debug("exec {}", argv);
    CommandLine command = new CommandLine(argv.get(0));
    for (String arg : argv.subList(1, argv.size())) {
      command.addArgument(arg, false); // no quoting: each element is one argument as it is
    }
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
    DefaultExecutor executor = DefaultExecutor.builder().setExecuteStreamHandler(streams).get();
    executor.setWatchdog(watchdog);
    executor.setExitValues(null); // a non-zero exit is a result, not an exception
    DefaultExecuteResultHandler handler = new DefaultExecuteResultHandler();
    executor.execute(command, environment, handler);
    try {
      handler.waitFor();
    } catch (InterruptedException e) {
      watchdog.destroyProcess();
      throw e;
    }
    // A program that cannot be started ends with commons-exec's INVALID_EXITVALUE (0xdeadbeef)
    // and the launch error as the exception; a program that ran has a real exit value.
    int exit = handler.getExitValue();
    if (handler.getException() != null
        && (exit == Executor.INVALID_EXITVALUE || exit == Integer.MIN_VALUE)) {
      throw new IOException(
          "cannot run " + argv.get(0) + ": " + handler.getException().getMessage(),
          handler.getException());
    }
    return new Streamed(handler.getExitValue(), watchdog.killedProcess());
  }

  /** Hands complete lines to a consumer, as UTF-8. */
  private static final class LineStream extends LogOutputStream {
    private final Consumer<String> sink;

    LineStream(Consumer<String> sink) {
      super(0, StandardCharsets.UTF_8);
      this.sink = sink;
    }

    @Override
    protected void processLine(String line, int logLevel) {
      sink.accept(line);
    }
  }
}
