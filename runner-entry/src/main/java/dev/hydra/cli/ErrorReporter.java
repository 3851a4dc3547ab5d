package dev.hydra.cli;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.container.ContainerException;
import dev.hydra.credentials.CredentialException;
import dev.hydra.event.InvalidEventException;
import dev.hydra.image.publish.ImageBuildException;
import dev.hydra.secret.WorkflowCommands;
import java.io.PrintWriter;
import java.util.Map;

/**
 * The one place where errors become what a person reads: one line on stderr naming the problem and
 * the fix, an exit code per failure family, and the stack trace only with {@code --stacktrace}. In
 * Actions the same line is also written as an {@code ::error::} annotation.
 */
final class ErrorReporter {

  private final Map<String, String> env;
  private final PrintWriter err;
  private final boolean stacktrace;

  ErrorReporter(Map<String, String> env, PrintWriter err, boolean stacktrace) {
    this.env = env;
    this.err = err;
    this.stacktrace = stacktrace;
  }

  /** Reports an error of {@code command} and returns its exit code. */
  int report(String command, Exception ex) {
    int code;
    String message;
    if (ex instanceof UsageException usage) {
      code = ExitCodes.USAGE;
      message = usage.getMessage() + " (see '" + usage.command() + " --help')";
    } else if (ex instanceof dev.hydra.wiring.TokenRefusedException) {
      code = ExitCodes.USAGE; // a persona token to replace, as a CredentialException
      message = String.valueOf(ex.getMessage());
    } else if (ex instanceof dev.hydra.forge.ForgeException) {
      code = ExitCodes.FORGE;
      message = String.valueOf(ex.getMessage());
    } else if (ex instanceof InvalidEventException
        || ex instanceof InvalidConfigurationException
        || ex instanceof CredentialException
        || ex instanceof dev.hydra.forge.TokenShapeException) {
      code = ExitCodes.USAGE;
      message = String.valueOf(ex.getMessage());
    } else if (ex instanceof StageFailedException) {
      code = ExitCodes.STAGE_FAILED;
      message = String.valueOf(ex.getMessage());
    } else if (ex instanceof ImageBuildException) {
      code = ExitCodes.RUNTIME;
      message = String.valueOf(ex.getMessage());
    } else if (ex instanceof InterruptedException) {
      code = ExitCodes.INTERRUPTED;
      message =
          "interrupted; the stage container, if one ran, was removed, and a stage left running is"
              + " recovered by 'hydra reconcile --issue N' once its timeout has passed";
    } else if (ex instanceof ContainerException) {
      code = ExitCodes.RUNTIME;
      message =
          ex.getMessage()
              + " (check that Docker runs and the image exists locally: docker image inspect)";
    } else {
      code = ExitCodes.INTERNAL;
      message =
          "internal error: "
              + ex.getClass().getName()
              + ": "
              + ex.getMessage()
              + " (run again with --stacktrace and report it)";
    }
    // Messages quote untrusted text (a forge's answer, the agent's summary): never a command.
    String line = WorkflowCommands.neutralise(command + ": error: " + message);
    err.println(line);
    if (stacktrace) {
      ex.printStackTrace(err);
    }
    if ("true".equals(env.get("GITHUB_ACTIONS"))) {
      err.println("::error title=hydra::" + escapeCommandData(line));
    }
    err.flush();
    return code;
  }

  // Workflow command data escaping, as the runner expects it: %, CR and LF.
  static String escapeCommandData(String text) {
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }
}
