package dev.hydra.cli;

import dev.hydra.config.HydraRelease;
import dev.hydra.container.docker.CommandRunner;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.image.publish.BuiltImage;
import dev.hydra.image.publish.ImageBuildPlanner;
import dev.hydra.image.publish.ImageBuilder;
import dev.hydra.image.publish.ImageReport;
import dev.hydra.image.publish.ImageSet;
import dev.hydra.image.publish.OverlayBuilder;
import dev.hydra.image.publish.OverlayPlanner;
import dev.hydra.image.publish.OverlayRequest;
import dev.hydra.pipeline.ActionsOutput;
import dev.hydra.secret.StopCommands;
import dev.hydra.secret.WorkflowCommands;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.cli.Options;
import org.jspecify.annotations.Nullable;

/**
 * {@code hydra image build}: builds the persona images (base first), tags them, optionally pushes
 * them, and reports their digests. Wiring only: {@link ImageBuildPlanner} decides what to build,
 * {@link ImageBuilder} builds it, {@link ImageReport} says what was built.
 */
final class ImageCommand implements CliCommand {

  /** The limit for one {@code docker build} or {@code docker push}. */
  static final Duration STEP_TIMEOUT = Duration.ofMinutes(30);

  private final Function<Map<String, String>, CommandRunner> runners;
  private final Clock clock;

  ImageCommand() {
    this(CommonsExecCommandRunner::new, Clock.systemUTC());
  }

  /**
   * @param runners makes the runner of {@code docker} and {@code git} from the environment
   * @param clock the build time
   */
  ImageCommand(Function<Map<String, String>, CommandRunner> runners, Clock clock) {
    this.runners = runners;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "image";
  }

  @Override
  public String summary() {
    return "image build: build the persona images, tag, push, and report the digests.";
  }

  @Override
  public String description() {
    return "hydra image build [--push]: builds images/base, then each persona image on it, with"
        + " docker build; tags each <prefix>-<role>:<tag> and with an immutable tag (the commit:"
        + " GITHUB_SHA, else git rev-parse HEAD of the context; else the UTC build time); adds the"
        + " OCI labels. With --push, pushes every tag and reports the registry digests: on"
        + " stdout, in $GITHUB_OUTPUT (<role>_image, <role>_digest, immutable_tag, …) and as a"
        + " table in $GITHUB_STEP_SUMMARY. Prefix default: ghcr.io/<owner>/hydra on GitHub,"
        + " <forge host>/<owner>/hydra on Forgejo. Exits 2 on bad input, 4 when Docker, a build"
        + " or a push fails.";
  }

  @Override
  public Options options() {
    return CliOptions.of(
        CliOptions.flag(
            "push", "Push every tag and report the registry digests (needs docker login)."),
        CliOptions.arg(
            "prefix",
            "P",
            "Image name prefix; role r becomes <P>-r. Default: $HYDRA_IMAGE_PREFIX, else"
                + " ghcr.io/<owner>/hydra (GitHub) or <forge host>/<owner>/hydra"
                + " (Forgejo)."),
        CliOptions.arg("tag", "T", "The moving tag. Default: $HYDRA_IMAGE_TAG, else latest."),
        CliOptions.arg(
            "roles",
            "LIST",
            "Comma-separated personas to build. Default: builder,reviewer,security,applier."),
        CliOptions.arg(
            "context",
            "DIR",
            "The images/ directory (the build context). Default: ./images, else"
                + " $HYDRA_ACTION_PATH/images."),
        CliOptions.arg(
            "extra-ca",
            "FILE",
            "PEM file with the CA of a TLS-intercepting proxy, for the download in the"
                + " base image's build; copied into a temporary context, never into an"
                + " image or the repository."),
        CliOptions.flag("demo", "Build the demo images (images/demo/, a scripted agent) instead."),
        CliOptions.arg(
            "overlay",
            "DIR",
            "Customise Hydra's own images with this overlay folder of your repository (for"
                + " example .hydra/images: CLAUDE.md, <role>/tools.txt, packages.txt; see"
                + " images/README.md). Each persona is tagged <version>-<hash of what it"
                + " consumes> and rebuilt only when that changes. Hydra's images/ comes from"
                + " --context or the action, never from ./images."),
        CliOptions.arg(
            "from",
            "PREFIX:TAG",
            "With --overlay: the Hydra images to customise (<PREFIX>-<role>:<TAG>). Default: the"
                + " images of this Hydra's release."));
  }

  @Override
  public boolean acceptsArguments() {
    return true;
  }

  @Override
  public int run(Invocation in) throws Exception {
    List<String> args = in.args().getArgList();
    if (args.size() != 1 || !args.get(0).equals("build")) {
      throw new UsageException(
          in.command(),
          "expected `hydra image build`, got "
              + (args.isEmpty()
                  ? "no sub-command"
                  : dev.hydra.text.Texts.quote(String.join(" ", args))));
    }
    CommandRunner runner = runners.apply(in.env());
    if (!in.option("overlay").isBlank()) {
      return overlay(in, runner);
    }
    ImageBuildPlanner.Plan plan =
        ImageBuildPlanner.plan(
            new ImageBuildPlanner.Options(
                in.option("prefix"),
                in.option("tag"),
                in.option("roles"),
                in.option("context"),
                in.option("extra-ca"),
                in.flag("push"),
                in.flag("demo") ? ImageSet.DEMO : ImageSet.PERSONAS),
            in.env(),
            Path.of("").toAbsolutePath(),
            runner,
            clock.instant());
    plan.notes().forEach(note -> in.err().println("hydra image: " + note));
    ImageBuilder builder = new ImageBuilder(runner, STEP_TIMEOUT, line -> in.err().println(line));
    builder.requireDocker();
    List<BuiltImage> built = fenced(in, () -> builder.build(plan.request()));
    ImageReport.lines(built).forEach(in.out()::println);
    RunCommand.append(
        in.env().getOrDefault("GITHUB_OUTPUT", ""),
        ActionsOutput.render(ImageReport.outputs(plan.request(), built)));
    RunCommand.append(
        in.env().getOrDefault("GITHUB_STEP_SUMMARY", ""),
        ImageReport.summary(plan.request(), built));
    return ExitCodes.OK;
  }

  /** {@code hydra image build --overlay DIR}: Hydra's images customised, unchanged ones reused. */
  private int overlay(Invocation in, CommandRunner runner) throws Exception {
    if (in.flag("demo")) {
      throw new UsageException(in.command(), "--overlay customises the personas, not --demo");
    }
    OverlayRequest request =
        OverlayPlanner.plan(
            new OverlayPlanner.Options(
                in.option("overlay"),
                in.option("from"),
                in.option("prefix"),
                in.option("tag"),
                in.option("roles"),
                in.option("context"),
                in.flag("push")),
            in.env(),
            Path.of("").toAbsolutePath(),
            runner,
            HydraRelease.bundled());
    new ImageBuilder(runner, STEP_TIMEOUT, line -> in.err().println(line)).requireDocker();
    OverlayBuilder builder =
        new OverlayBuilder(runner, STEP_TIMEOUT, line -> in.err().println(line));
    OverlayBuilder.Result result = fenced(in, () -> builder.build(request));
    ImageReport.lines(result.images()).forEach(in.out()::println);
    in.out()
        .println(
            "rebuilt: "
                + (result.rebuilt().isEmpty() ? "none" : String.join(", ", result.rebuilt())));
    RunCommand.append(
        in.env().getOrDefault("GITHUB_OUTPUT", ""),
        ActionsOutput.render(ImageReport.outputs(request, result)));
    RunCommand.append(
        in.env().getOrDefault("GITHUB_STEP_SUMMARY", ""), ImageReport.summary(request, result));
    return ExitCodes.OK;
  }

  /** A build that may throw, for {@link #fenced}. */
  private interface Build<T> {
    T run() throws Exception;
  }

  // The build's output (apt, curl, npm) is shown, never obeyed as workflow commands.
  private static <T> T fenced(Invocation in, Build<T> build) throws Exception {
    @Nullable StopCommands fence =
        "true".equals(in.env().get("GITHUB_ACTIONS")) ? WorkflowCommands.stopCommands() : null;
    try {
      if (fence != null) {
        in.err().println(fence.stopLine());
      }
      return build.run();
    } finally {
      if (fence != null) {
        in.err().println(fence.resumeLine());
      }
    }
  }
}
