package dev.hydra.cli;

import dev.hydra.config.ForgeSelection;
import dev.hydra.container.ContainerException;
import dev.hydra.container.DemoContainerRuntime;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.container.docker.DockerCliRuntime;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.DemoCredentials;
import dev.hydra.credentials.Persona;
import dev.hydra.event.ForgeEvent;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.local.LocalForge;
import dev.hydra.forge.local.LocalForges;
import dev.hydra.image.ImageRef;
import dev.hydra.image.publish.BuiltImage;
import dev.hydra.image.publish.DemoImages;
import dev.hydra.image.publish.ImageBuildException;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.pipeline.DemoOutcome;
import dev.hydra.pipeline.DemoStageExecutor;
import dev.hydra.pipeline.LocalForgeStageExecutor;
import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineOptions;
import dev.hydra.pipeline.PipelineResult;
import dev.hydra.pipeline.RunnerStageExecutor;
import dev.hydra.pipeline.StageExecutor;
import dev.hydra.pipeline.Step;
import dev.hydra.route.HydraBranch;
import dev.hydra.route.RouteDecision;
import dev.hydra.route.Router;
import dev.hydra.secret.SecretMasker;
import dev.hydra.stage.StageProfile;
import dev.hydra.stage.StageRunner;
import dev.hydra.text.Texts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code hydra demo}: the embedded default. A local forge, the trigger applied by its admin, and
 * the same route → {@link Pipeline} path as {@code hydra run}: build, both reviews, the decision,
 * with the timeline printed. Wiring only.
 *
 * <p>Which stage executor runs is decided before anything else ({@link #choose}): with a Docker
 * engine that answers, the local base image and the repository's {@code images/}, every stage is a
 * real hardened container of the demo persona images ({@link DemoImages}), run by the production
 * {@link RunnerStageExecutor} → {@link StageRunner} → {@link DockerCliRuntime} with fake, masked
 * demo tokens; otherwise (or with {@code --scripted}) {@link DemoStageExecutor} gives scripted
 * verdicts and prints the {@code docker run} each stage would have used. Either way {@link
 * LocalForgeStageExecutor} records the builder's push on the local forge.
 */
final class DemoCommand implements CliCommand {

  /**
   * The web root the containers are told. The local forge has no web server; {@code .invalid} (RFC
   * 2606) can never resolve, and the demo images' scripted agent opens no connection.
   */
  static final String WEB_URL = "https://local-forge.invalid";

  /** The Docker network of the demo's containers, created when missing. */
  static final String NETWORK = "hydra-demo-net";

  // Longer container lines (stream-json) are cut for reading; runs/ keeps the records.
  private static final int MAX_LINE = 200;

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
        + " missing.";
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
            Option.builder()
                .longOpt("image-prefix")
                .hasArg()
                .argName("PREFIX")
                .desc(
                    "Name prefix of the demo images: PREFIX-builder:local, … Default: "
                        + DemoImages.PREFIX
                        + ".")
                .get())
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
                .desc("Docker network of the containers, created when missing. Default: " + NETWORK)
                .get());
  }

  /**
   * Which executor runs the stages, and the lines that say so.
   *
   * @param containers whether the stages run as real containers
   * @param lines what to print about it: why, and what is missing with the fix
   */
  record Choice(boolean containers, List<String> lines) {
    Choice {
      lines = List.copyOf(lines);
    }
  }

  /**
   * Chooses the executor: real containers when nothing is missing and scripting was not asked for;
   * scripted verdicts otherwise, saying why and, for each missing piece, the fix. Pure.
   */
  static Choice choose(boolean scripted, List<DemoImages.Missing> missing) {
    if (scripted) {
      return new Choice(
          false,
          List.of(
              "containers: off (--scripted): each stage is a scripted verdict; the docker run it"
                  + " would use is printed as its plan"));
    }
    if (missing.isEmpty()) {
      return new Choice(
          true,
          List.of(
              "containers: every stage runs as a real hardened container on the local Docker"
                  + " engine (demo persona images, scripted agent, fake demo tokens shown as ***)"));
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "containers: cannot run here, so each stage is a scripted verdict and the docker run it"
            + " would use is printed as its plan. Missing:");
    for (DemoImages.Missing m : missing) {
      lines.add("  - " + m.what() + "; fix: " + m.fix());
    }
    return new Choice(false, lines);
  }

  @Override
  public int run(Invocation in) throws Exception {
    String outcomeId = in.option("outcome").isEmpty() ? "pass" : in.option("outcome");
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
    Path images = Path.of(in.option("images").isEmpty() ? "images" : in.option("images"));
    String docker = or(in.option("docker", "HYDRA_DOCKER"), "docker");
    String prefix = or(in.option("image-prefix"), DemoImages.PREFIX);
    try {
      ImageRef.forRole(prefix, Persona.BUILDER.id(), DemoImages.TAG);
    } catch (IllegalArgumentException e) {
      throw new UsageException(in.command(), "--image-prefix: " + e.getMessage());
    }
    Credentials credentials = DemoCredentials.create();
    // Everything the demo prints passes the masker: the fake tokens must never show either.
    SecretMasker masker = SecretMasker.of(credentials.secrets());
    // Flushed per line: a newcomer watches the stages happen, not a page at the end.
    Consumer<String> print =
        line -> {
          in.out().println(masker.mask(line));
          in.out().flush();
        };

    DemoImages demoImages =
        new DemoImages(
            new CommonsExecCommandRunner(), docker, line -> print.accept("image: " + line));
    Choice choice =
        choose(in.flag("scripted"), in.flag("scripted") ? List.of() : demoImages.check(images));
    choice.lines().forEach(print);
    print.accept("outcome: " + outcome.id() + " (" + outcome.description() + ")");
    List<BuiltImage> built = List.of();
    if (choice.containers()) {
      try {
        built = demoImages.ensure(images, prefix, DemoImages.TAG);
      } catch (ImageBuildException e) {
        throw new ContainerException(
            "the demo images could not be built: "
                + e.getMessage()
                + "; run with --scripted to see the pipeline without containers",
            e);
      }
    }

    Path dir =
        in.flag("dir") ? Path.of(in.option("dir")) : Files.createTempDirectory("hydra-demo-");
    LabelScheme scheme = LabelScheme.canonical();
    Issue issue = LocalForges.demo(dir);
    LocalForge mona = LocalForge.asUser(dir, LocalForges.DEMO_ADMIN);
    int beforeSeeding = LocalForges.timeline(dir, LocalForges.DEMO_REPO).size();
    List<LabelSeeding.Result> seeded = LabelSeeding.seed(mona, LocalForges.DEMO_REPO, scheme);
    int afterSeeding = LocalForges.timeline(dir, LocalForges.DEMO_REPO).size();
    mona.addLabel(LocalForges.DEMO_REPO, issue.number(), scheme.trigger());
    print.accept("local forge: " + dir);
    Timeline timeline = new Timeline(dir, print);
    timeline.flushUpTo(beforeSeeding);
    print.accept(seededLine(seeded));
    timeline.skipTo(afterSeeding);
    // Narration flushes the forge's timeline first, so lines appear in the order things happened.
    Consumer<String> narrate =
        line -> {
          timeline.flush();
          print.accept(line);
        };
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    for (Persona persona : Persona.values()) {
      forges.put(persona, LocalForge.forPersona(dir, persona.id()));
    }
    LocalForge builder = LocalForge.forPersona(dir, Persona.BUILDER.id());
    Pipeline pipeline =
        new Pipeline(
            forges,
            executor(in, choice, outcome, issue, builder, credentials, docker, prefix, narrate),
            PipelineOptions.defaults(scheme).withRunRecordDir(dir.resolve("runs")),
            line -> narrate.accept("  " + line));
    ForgeSelection forge = new ForgeSelection(ForgeType.GITHUB, "the local demo forge");
    Issue live = builder.issue(LocalForges.DEMO_REPO, issue.number());
    ForgeEvent labeled =
        ForgeEvent.ofIssue(
            new ForgeEvent.Origin(LocalForges.DEMO_REPO, "main", LocalForges.DEMO_ADMIN, false),
            "labeled",
            scheme.trigger(),
            live);
    timeline.flush();
    PipelineResult build =
        pipeline.run(Router.route(labeled, scheme, forge), labeled, Step.ALL, Map.of());
    timeline.flush();
    PipelineResult result = build;
    if (build.status() == PipelineResult.Status.PASSED) {
      PullRequest pr = builder.findPullRequest(LocalForges.DEMO_REPO, head(issue)).orElseThrow();
      ForgeEvent opened =
          ForgeEvent.ofPullRequest(
              new ForgeEvent.Origin(LocalForges.DEMO_REPO, "main", "hydra-builder", false),
              "opened",
              null,
              pr);
      RouteDecision review = Router.route(opened, scheme, forge);
      result = pipeline.run(review, opened, Step.ALL, Map.of());
      timeline.flush();
    }
    print.accept("result: " + result.stage() + " " + result.status().id() + ": " + result.reason());
    Path repoDir = LocalForges.repoDir(dir, LocalForges.DEMO_REPO);
    print.accept(
        "files: "
            + dir
            + " (the forge: "
            + dir.relativize(repoDir.resolve("issues"))
            + "/, "
            + dir.relativize(repoDir.resolve("pulls"))
            + "/, "
            + dir.relativize(repoDir.resolve("timeline.log"))
            + "; the stage records: runs/)");
    if (!built.isEmpty()) {
      print.accept(
          "images: "
              + String.join(" ", built.stream().map(BuiltImage::reference).toList())
              + " (kept for the next run; docker image rm them to free the space)");
    }
    print.accept(next(outcome));
    return ExitCodes.OK;
  }

  /** The one line that stands for the seeding's many label writes. */
  static String seededLine(List<LabelSeeding.Result> seeded) {
    long created = seeded.stream().filter(r -> r.change() == LabelSeeding.Change.CREATED).count();
    long updated = seeded.stream().filter(r -> r.change() == LabelSeeding.Change.UPDATED).count();
    return "labels: seeded "
        + seeded.size()
        + " Hydra labels ("
        + created
        + " created, "
        + updated
        + " updated), as `hydra labels seed` does on a real forge";
  }

  /** The last line: what to try after this run. */
  static String next(DemoOutcome outcome) {
    String other =
        outcome == DemoOutcome.fromId("review-fail").orElse(null)
            ? "--outcome fixes"
            : "--outcome review-fail";
    return "Next: bin/hydra demo "
        + other
        + "; bin/hydra explain --example; to adopt Hydra on your repository, README.md";
  }

  /**
   * The local forge's timeline, printed as it grows: each line once, comments with their visible
   * text (the lines a person sees, without HTML comments and tables), an edited comment only with
   * its new lines.
   */
  static final class Timeline {
    private static final java.util.regex.Pattern COMMENT =
        java.util.regex.Pattern.compile("(?:edit )?comment #(\\d+) \\(id (\\d+)\\)");

    private final Path dir;
    private final Consumer<String> print;
    private final Map<Long, java.util.Set<String>> shown = new java.util.HashMap<>();
    private int printed;

    Timeline(Path dir, Consumer<String> print) {
      this.dir = dir;
      this.print = print;
    }

    void skipTo(int line) {
      printed = Math.max(printed, line);
    }

    void flush() {
      try {
        flushUpTo(Integer.MAX_VALUE);
      } catch (dev.hydra.forge.ForgeException e) {
        throw new IllegalStateException("the local forge's timeline cannot be read: " + e, e);
      }
    }

    void flushUpTo(int limit) throws dev.hydra.forge.ForgeException {
      List<String> lines = LocalForges.timeline(dir, LocalForges.DEMO_REPO);
      int end = Math.min(limit, lines.size());
      for (; printed < end; printed++) {
        String line = lines.get(printed);
        print.accept("timeline | " + line);
        java.util.regex.Matcher m = COMMENT.matcher(line);
        if (m.find()) {
          visibleText(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
        }
      }
    }

    private void visibleText(int issue, long id) throws dev.hydra.forge.ForgeException {
      java.util.Set<String> seen = shown.computeIfAbsent(id, k -> new java.util.HashSet<>());
      for (String line :
          visibleLines(LocalForges.commentBody(dir, LocalForges.DEMO_REPO, issue, id))) {
        if (seen.add(line)) {
          print.accept("         |   " + line);
        }
      }
    }
  }

  /** The lines of a comment a person sees: no HTML comments, no tables, no blank lines. */
  static List<String> visibleLines(String body) {
    String text = body.replaceAll("(?s)<!--.*?-->", "");
    List<String> lines = new ArrayList<>();
    for (String line : text.lines().toList()) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("|")) {
        continue;
      }
      // Escaped like every untrusted line; a backtick is harmless on a terminal and reads better.
      lines.add(Texts.escape(t, MAX_LINE).replace("\\u0060", "`"));
    }
    return lines;
  }

  /**
   * The stage executor: the production one over Docker, or the scripted one that prints the
   * production one's plans; both behind the local forge's adapter.
   */
  private static StageExecutor executor(
      Invocation in,
      Choice choice,
      DemoOutcome outcome,
      Issue issue,
      LocalForge builder,
      Credentials credentials,
      String docker,
      String prefix,
      Consumer<String> print)
      throws java.io.IOException {
    Clock clock = Clock.systemUTC();
    String slug = HydraBranch.forIssue(issue.number(), issue.title()).slug();
    DemoContainerRuntime runtime =
        new DemoContainerRuntime(
            DockerCliRuntime.create(docker, clock),
            outcome.containerEnv(slug),
            Runtime.getRuntime().availableProcessors());
    StageRunner runner =
        new StageRunner(
            runtime,
            clock,
            wait -> Thread.sleep(wait.toMillis()),
            line -> print.accept("  " + cut(line)),
            StageRunner.Options.defaults().withNetwork(or(in.option("network"), NETWORK)));
    RunnerStageExecutor real =
        new RunnerStageExecutor(runner, stageEnv(prefix), credentials, WEB_URL);
    StageExecutor stages =
        choice.containers()
            ? real
            : new DemoStageExecutor(
                issue.title(), outcome, real::plan, line -> print.accept("  plan: " + line));
    return new LocalForgeStageExecutor(stages, builder, WEB_URL);
  }

  /**
   * What {@link RunnerStageExecutor} reads from the environment, for the demo: the demo images'
   * names and stage timeouts of 5 minutes, so a stuck container never holds a newcomer for 35.
   */
  static Map<String, String> stageEnv(String prefix) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HYDRA_IMAGE_PREFIX", prefix);
    env.put("HYDRA_IMAGE_TAG", DemoImages.TAG);
    for (Stage stage :
        List.of(Stage.BUILD, Stage.CODE_REVIEW, Stage.SECURITY_REVIEW, Stage.APPLIER)) {
      env.put(StageProfile.timeoutVariable(stage), "5");
    }
    return env;
  }

  private static String cut(String line) {
    return line.length() <= MAX_LINE
        ? line
        : line.substring(0, MAX_LINE) + "… (" + (line.length() - MAX_LINE) + " more)";
  }

  private static String or(String value, String fallback) {
    return value.isBlank() ? fallback : value;
  }

  private static String head(Issue issue) {
    return HydraBranch.forIssue(issue.number(), issue.title()).name();
  }
}
