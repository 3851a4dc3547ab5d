package dev.hydra.cli;

import dev.hydra.credentials.Persona;
import dev.hydra.demo.Demo;
import dev.hydra.demo.DemoAgent;
import dev.hydra.demo.DemoOutcome;
import dev.hydra.image.ImageRef;
import dev.hydra.text.Texts;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code hydra demo}: the embedded default, {@link Demo} in the library. This class parses the
 * options, checks the outcome and the image prefix (exit 2), and prints the demo's lines.
 */
final class DemoCommand implements CliCommand {

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "Run the whole pipeline on an embedded local forge; no account or token needed.";
  }

  @Override
  public String description() {
    return "Create a local forge (files in --dir), apply ready-to-build as its admin, and run the"
        + " real pipeline code path: route, build, draft PR, code and security review, decision,"
        + " printing the timeline. With a Docker engine, the local debian:bookworm-slim and the"
        + " repository's images/, each stage is a real hardened container of the demo persona"
        + " images (built once, scripted agent, fake masked tokens). Otherwise each stage is a"
        + " scripted verdict, the docker run it would use is printed, and the demo says what is"
        + " missing. With --agent real, each stage is a real container of the real persona images"
        + " (bin/hydra image build --prefix "
        + DemoAgent.REAL_PREFIX
        + ", once) running the real Claude Code CLI, its model gateway forwarding to a scripted"
        + " model on loopback: no account, nothing leaves the machine.";
  }

  @Override
  public Options options() {
    return new Options()
        .addOption(
            Option.builder()
                .longOpt("dir")
                .hasArg()
                .argName("DIR")
                .desc("Where the local forge lives. Default: a new temporary directory.")
                .get())
        .addOption(
            Option.builder()
                .longOpt("images")
                .hasArg()
                .argName("DIR")
                .desc("The repository's images/ directory. Default: ./images.")
                .get())
        .addOption(
            CliOptions.arg(
                "agent",
                "AGENT",
                "Which agent the containers run. " + DemoAgent.help() + ". Default: demo."))
        .addOption(
            CliOptions.arg(
                "image-prefix",
                "PREFIX",
                "Name prefix of the images: PREFIX-builder:TAG, … Default: "
                    + DemoAgent.DEMO.defaultPrefix()
                    + " (--agent real: "
                    + DemoAgent.REAL.defaultPrefix()
                    + ")."))
        .addOption(
            CliOptions.arg(
                "image-tag",
                "TAG",
                "Tag of the images. Default: "
                    + DemoAgent.DEMO.defaultTag()
                    + " (--agent real: "
                    + DemoAgent.REAL.defaultTag()
                    + ")."))
        .addOption(
            Option.builder()
                .longOpt("outcome")
                .hasArg()
                .argName("OUTCOME")
                .desc("How the stages end. " + DemoOutcome.help() + ". Default: pass.")
                .get())
        .addOption(
            Option.builder()
                .longOpt("scripted")
                .desc("Scripted verdicts and printed plans even where containers could run.")
                .get())
        .addOption(DockerOptions.docker())
        .addOption(
            Option.builder()
                .longOpt("network")
                .hasArg()
                .argName("NAME")
                .desc(
                    "Docker network of the containers, created when missing. Default: "
                        + Demo.NETWORK)
                .get());
  }

  @Override
  public int run(Invocation in) throws Exception {
    String outcomeId = or(in.option("outcome"), "pass");
    DemoOutcome outcome =
        DemoOutcome.fromId(outcomeId)
            .orElseThrow(
                () ->
                    new UsageException(
                        in.command(),
                        "unknown outcome "
                            + Texts.quote(outcomeId)
                            + "; choose "
                            + DemoOutcome.choices()));
    String agentId = or(in.option("agent"), DemoAgent.DEMO.id());
    DemoAgent agent =
        DemoAgent.fromId(agentId)
            .orElseThrow(
                () ->
                    new UsageException(
                        in.command(),
                        "unknown agent " + Texts.quote(agentId) + "; choose demo or real"));
    Optional<String> refused = agent.refusal(outcome, in.flag("scripted"));
    if (refused.isPresent()) {
      throw new UsageException(in.command(), refused.get());
    }
    String prefix = or(in.option("image-prefix"), agent.defaultPrefix());
    String tag = or(in.option("image-tag"), agent.defaultTag());
    try {
      ImageRef.forRole(prefix, Persona.BUILDER.id(), tag);
    } catch (IllegalArgumentException e) {
      throw new UsageException(in.command(), "--image-prefix/--image-tag: " + e.getMessage());
    }
    Demo.Options options =
        new Demo.Options(
            in.flag("dir") ? Path.of(in.option("dir")) : null,
            Path.of(or(in.option("images"), "images")),
            or(in.option("docker", "HYDRA_DOCKER"), "docker"),
            prefix,
            tag,
            agent,
            outcome,
            in.flag("scripted"),
            or(in.option("network"), Demo.NETWORK));
    // Flushed per line: a newcomer watches the stages happen, not a page at the end.
    new Demo(
            options,
            line -> {
              in.out().println(line);
              in.out().flush();
            })
        .run();
    return ExitCodes.OK;
  }

  private static String or(String value, String fallback) {
    return value.isBlank() ? fallback : value;
  }
}
