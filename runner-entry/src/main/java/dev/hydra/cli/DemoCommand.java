package dev.hydra.cli;

import dev.hydra.config.ForgeSelection;
import dev.hydra.credentials.Persona;
import dev.hydra.event.EventAction;
import dev.hydra.event.EventName;
import dev.hydra.event.ForgeEvent;
import dev.hydra.event.IssueSnapshot;
import dev.hydra.event.PullRequestSnapshot;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.local.LocalForge;
import dev.hydra.forge.local.LocalForges;
import dev.hydra.label.LabelScheme;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.pipeline.DemoStageExecutor;
import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineOptions;
import dev.hydra.pipeline.PipelineResult;
import dev.hydra.pipeline.Step;
import dev.hydra.route.RouteDecision;
import dev.hydra.route.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code hydra demo}: the embedded default. A local forge, the trigger applied by its admin, and
 * the same route → {@link Pipeline} path as {@code hydra run}: build, both reviews, the decision,
 * with the timeline printed. Wiring only.
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
        + " real pipeline code path: route, build, draft PR, code and security review, decision."
        + " Prints the timeline. The persona containers are replaced by scripted verdicts and the"
        + " plan of each container is printed.";
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
                .get());
  }

  @Override
  public int run(Invocation in) throws Exception {
    Path dir =
        in.flag("dir") ? Path.of(in.option("dir")) : Files.createTempDirectory("hydra-demo-");
    LabelScheme scheme = LabelScheme.canonical();
    Issue issue = LocalForges.demo(dir);
    LocalForge mona = LocalForge.asUser(dir, LocalForges.DEMO_ADMIN);
    LabelSeeding.seed(mona, LocalForges.DEMO_REPO, scheme);
    mona.addLabel(LocalForges.DEMO_REPO, issue.number(), scheme.trigger());
    in.out().println("local forge: " + dir);
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    for (Persona persona : Persona.values()) {
      forges.put(persona, LocalForge.forPersona(dir, persona.id()));
    }
    LocalForge builder = LocalForge.forPersona(dir, Persona.BUILDER.id());
    in.out()
        .println(
            "Docker images for the demo personas are not in this build: start Docker and build"
                + " images/demo/ to run real containers; until then each stage is a scripted"
                + " verdict and its container is shown as a plan.");
    Pipeline pipeline =
        new Pipeline(
            forges,
            new DemoStageExecutor(
                builder, issue.title(), line -> in.out().println("  plan: " + line)),
            PipelineOptions.defaults(scheme).withRunRecordDir(dir.resolve("runs")),
            line -> in.out().println("  " + line));
    ForgeSelection forge = new ForgeSelection(ForgeType.GITHUB, "the local demo forge");
    Issue live = builder.issue(LocalForges.DEMO_REPO, issue.number());
    ForgeEvent labeled =
        new ForgeEvent(
            EventName.ISSUES,
            EventAction.LABELED,
            "labeled",
            LocalForges.DEMO_REPO,
            "main",
            LocalForges.DEMO_ADMIN,
            scheme.trigger(),
            new IssueSnapshot(
                live.number(),
                live.title(),
                live.body(),
                live.open(),
                live.author(),
                live.labels(),
                false),
            null,
            null);
    int printed = print(in, dir, 0);
    PipelineResult build =
        pipeline.run(Router.route(labeled, scheme, forge), null, Step.ALL, Map.of());
    printed = print(in, dir, printed);
    PipelineResult result = build;
    if (build.status() == PipelineResult.Status.PASSED) {
      PullRequest pr = builder.findPullRequest(LocalForges.DEMO_REPO, head(issue)).orElseThrow();
      ForgeEvent opened =
          new ForgeEvent(
              EventName.PULL_REQUEST,
              EventAction.OPENED,
              "opened",
              LocalForges.DEMO_REPO,
              "main",
              "hydra-builder",
              null,
              null,
              new PullRequestSnapshot(
                  pr.number(),
                  pr.title(),
                  pr.body(),
                  pr.open(),
                  pr.merged(),
                  pr.draft(),
                  pr.head(),
                  pr.headSha(),
                  LocalForges.DEMO_REPO.fullName(),
                  pr.base(),
                  List.of(),
                  pr.author(),
                  pr.nodeId(),
                  pr.url()),
              null);
      RouteDecision review = Router.route(opened, scheme, forge);
      result = pipeline.run(review, opened.pullRequestSnapshot().orElseThrow(), Step.ALL, Map.of());
      print(in, dir, printed);
    }
    in.out()
        .println("result: " + result.stage() + " " + result.status().id() + ": " + result.reason());
    in.out().println("files: " + dir + " (issues, pulls, timeline.log, runs/)");
    return ExitCodes.OK;
  }

  private static String head(Issue issue) {
    return dev.hydra.route.HydraBranch.forIssue(issue.number(), issue.title()).name();
  }

  private static int print(Invocation in, Path dir, int from) throws Exception {
    List<String> lines = LocalForges.timeline(dir, LocalForges.DEMO_REPO);
    for (int i = from; i < lines.size(); i++) {
      in.out().println("timeline | " + lines.get(i));
    }
    return lines.size();
  }
}
