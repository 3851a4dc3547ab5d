package dev.hydra.demo;

import dev.hydra.config.ForgeSelection;
import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.config.StageSettings;
import dev.hydra.container.ContainerException;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.container.docker.DockerCliRuntime;
import dev.hydra.credentials.Credentials;
import dev.hydra.credentials.Persona;
import dev.hydra.event.ForgeEvent;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.local.LocalForge;
import dev.hydra.forge.local.LocalForges;
import dev.hydra.gate.GateRunner;
import dev.hydra.image.publish.BuiltImage;
import dev.hydra.image.publish.ImageBuildException;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Outcome;
import dev.hydra.label.Stage;
import dev.hydra.label.StageState;
import dev.hydra.model.scripted.ScriptedModel;
import dev.hydra.model.scripted.ToolResult;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.pipeline.Pipeline;
import dev.hydra.pipeline.PipelineOptions;
import dev.hydra.pipeline.PipelineResult;
import dev.hydra.pipeline.RunnerStageExecutor;
import dev.hydra.pipeline.StageExecutor;
import dev.hydra.pipeline.Step;
import dev.hydra.route.HydraBranch;
import dev.hydra.route.Router;
import dev.hydra.secret.SecretMasker;
import dev.hydra.stage.StageProfile;
import dev.hydra.stage.StageRunner;
import dev.hydra.text.Texts;
import dev.hydra.workspace.GitRemote;
import dev.hydra.workspace.OutputLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * {@code hydra demo}, the embedded default: a local forge, the trigger applied by its admin, and
 * the same route → {@link Pipeline} path as {@code hydra run}: build, both reviews, the decision,
 * with the timeline printed.
 *
 * <p>Which stage executor runs is decided before anything else ({@link DemoChoice#choose}): with a
 * Docker engine that answers, the local base image and the repository's {@code images/}, every
 * stage is a real hardened container of the demo persona images ({@link DemoImages}), run by the
 * production {@link RunnerStageExecutor} → {@link StageRunner} → {@link DockerCliRuntime} with
 * fake, masked demo tokens; otherwise (or when scripted) {@link DemoStageExecutor} gives scripted
 * verdicts and prints the {@code docker run} each stage would have used. Either way {@link
 * LocalForgeStageExecutor} records the builder's push on the local forge.
 *
 * <p>With {@link DemoAgent#REAL} the containers are the real persona images instead ({@code hydra
 * image build}), checked before anything is created; in every mode each stage's model gateway
 * forwards to a {@link ScriptedModel} on loopback playing the persona's script ({@link
 * DemoScripts}), never to the Messages API, so no request leaves the machine.
 */
public final class Demo {

  /**
   * The web root the containers are told. The local forge has no web server; {@code .invalid} (RFC
   * 2606) can never resolve, and the demo images' scripted agent opens no connection.
   */
  public static final String WEB_URL = "https://local-forge.invalid";

  /** The Docker network of the demo's containers, created when missing. */
  public static final String NETWORK = "hydra-demo-net";

  // Longer container lines (stream-json) are cut for reading; runs/ keeps the records.
  static final int MAX_LINE = 200;

  /**
   * What a demo run is asked for.
   *
   * @param dir where the local forge lives; {@code null} for a new temporary directory
   * @param images the repository's {@code images/} directory
   * @param docker the docker CLI: {@code docker} on PATH, or a path
   * @param imagePrefix the images' name prefix ({@link DemoAgent#defaultPrefix} by default)
   * @param imageTag the images' tag ({@link DemoAgent#defaultTag} by default)
   * @param agent the demo images' scripted agent, or the real persona images
   * @param outcome how the stages end
   * @param scripted scripted verdicts even where containers could run
   * @param network the containers' Docker network ({@link #NETWORK} by default)
   */
  public record Options(
      @Nullable Path dir,
      Path images,
      String docker,
      String imagePrefix,
      String imageTag,
      DemoAgent agent,
      DemoOutcome outcome,
      boolean scripted,
      String network) {

    /**
     * Checks that the agent can run with the outcome ({@link DemoAgent#refusal}).
     *
     * @throws IllegalArgumentException when it cannot, with the reason
     */
    public Options {
      agent
          .refusal(outcome, scripted)
          .ifPresent(
              why -> {
                throw new IllegalArgumentException(why);
              });
    }
  }

  private final Options options;
  private final Consumer<String> print;
  private final Credentials credentials = DemoCredentials.create();

  /**
   * @param options what to run
   * @param out receives every line to show, one at a time; each is masked first, so that the fake
   *     tokens never show either
   */
  public Demo(Options options, Consumer<String> out) {
    SecretMasker masker = SecretMasker.of(credentials.secrets());
    this.options = options;
    this.print = line -> out.accept(masker.mask(line));
  }

  /**
   * Runs the demo to its end.
   *
   * @return how the last pipeline run ended: the build's when it did not pass, else the reviews'
   * @throws ContainerException when real containers were chosen and the demo images cannot be built
   * @throws InvalidConfigurationException when the real persona images were asked for and Docker or
   *     one of them is missing: nothing was created
   */
  public PipelineResult run() throws Exception {
    DemoImages demoImages =
        new DemoImages(
            new CommonsExecCommandRunner(),
            options.docker(),
            line -> print.accept("image: " + line));
    DemoChoice choice = choice(demoImages);
    choice.lines().forEach(print);
    DemoOutcome outcome = options.outcome();
    print.accept("outcome: " + outcome.id() + " (" + outcome.description() + ")");
    List<BuiltImage> built =
        choice.containers() && options.agent() == DemoAgent.DEMO ? ensure(demoImages) : List.of();

    Path dir = options.dir() != null ? options.dir() : Files.createTempDirectory("hydra-demo-");
    LabelScheme scheme = LabelScheme.canonical();
    Issue issue = LocalForges.demo(dir);
    LocalForge mona = LocalForge.asUser(dir, LocalForges.DEMO_ADMIN);
    int beforeSeeding = LocalForges.timeline(dir, LocalForges.DEMO_REPO).size();
    List<LabelSeeding.Result> seeded = LabelSeeding.seed(mona, LocalForges.DEMO_REPO, scheme);
    int afterSeeding = LocalForges.timeline(dir, LocalForges.DEMO_REPO).size();
    mona.addLabel(LocalForges.DEMO_REPO, issue.number(), scheme.trigger());
    print.accept("local forge: " + dir);
    DemoTimeline timeline = new DemoTimeline(dir, print);
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
    String head = HydraBranch.forIssue(issue.number(), issue.title()).name();
    PipelineResult result;
    try (ScriptedModel model =
        ScriptedModel.forPersonas(DemoScripts.forIssue(issue.number(), head))) {
      Pipeline pipeline =
          new Pipeline(
              forges,
              executor(choice, dir, issue, builder, narrate, model),
              PipelineOptions.defaults(scheme).withRunRecordDir(dir.resolve("runs")),
              line -> narrate.accept("  " + line));
      Events events = new Events(pipeline, scheme, builder, issue.number(), head, timeline);
      result = events.labeled(scheme.trigger());
      if (result.status() == PipelineResult.Status.PASSED) {
        result = events.pullRequest("opened");
      }
      if (outcome == DemoOutcome.RETRY
          && result.status() == PipelineResult.Status.NEEDS_INPUT
          && result.stage().equals("decision")) {
        result = retry(mona, scheme, events, narrate);
      }
      if (options.agent() == DemoAgent.REAL) {
        print.accept(
            "model: the scripted model at "
                + model.baseUrl()
                + " (every gateway's upstream, on loopback) answered "
                + model.requests().size()
                + " requests; no request left this machine");
      }
    }
    print.accept("result: " + result.stage() + " " + result.status().id() + ": " + result.reason());
    print.accept(filesLine(dir));
    if (!built.isEmpty()) {
      print.accept(
          "images: "
              + String.join(" ", built.stream().map(BuiltImage::reference).toList())
              + " (kept for the next run; docker image rm them to free the space)");
    }
    print.accept(next(outcome));
    return result;
  }

  /**
   * Real containers or scripted verdicts, decided before anything is created. The real persona
   * images are never replaced by scripted verdicts: when one is missing the demo stops, naming it
   * and the command that builds it.
   */
  private DemoChoice choice(DemoImages demoImages)
      throws InvalidConfigurationException, InterruptedException {
    if (options.agent() == DemoAgent.DEMO) {
      return DemoChoice.choose(
          options.scripted(), options.scripted() ? List.of() : demoImages.check(options.images()));
    }
    List<DemoImages.Missing> missing =
        demoImages.checkPersonas(options.imagePrefix(), options.imageTag());
    if (!missing.isEmpty()) {
      throw new InvalidConfigurationException(
          "--agent real cannot start, nothing was created: "
              + missing.stream().map(DemoImages.Missing::what).collect(Collectors.joining(", "))
              + "; fix: "
              + missing.stream()
                  .map(DemoImages.Missing::fix)
                  .distinct()
                  .collect(Collectors.joining("; ")));
    }
    return DemoChoice.real(options.imagePrefix(), options.imageTag());
  }

  private List<BuiltImage> ensure(DemoImages demoImages)
      throws ContainerException, InterruptedException {
    try {
      return demoImages.ensure(options.images(), options.imagePrefix(), options.imageTag());
    } catch (ImageBuildException e) {
      throw new ContainerException(
          "the demo images could not be built: "
              + e.getMessage()
              + "; run with --scripted to see the pipeline without containers",
          e);
    }
  }

  /**
   * {@code --outcome retry} after the round's {@code needs-input}: the admin {@code mona}, a person
   * with write access, removes {@code needs-input} and applies {@code retry:queued}, as on the
   * forge's issue page; the build workflow's event for it takes the same route → pipeline code as
   * any ({@code RetryStep}: the builder's one fixer pass), and when the pass pushed, the reopened
   * pull request's event runs round 2 of both reviews and the decision.
   */
  private PipelineResult retry(
      LocalForge mona, LabelScheme scheme, Events events, Consumer<String> narrate)
      throws ForgeException, InterruptedException {
    String needsInput = scheme.name(Outcome.NEEDS_INPUT);
    String retry = scheme.name(Stage.RETRY, StageState.QUEUED);
    narrate.accept(
        "person: "
            + LocalForges.DEMO_ADMIN
            + " (the admin, with write access) removes `"
            + needsInput
            + "` and applies `"
            + retry
            + "`: one fixer pass on the findings, then the reviews again");
    mona.takeLabel(LocalForges.DEMO_REPO, events.issue(), needsInput);
    mona.addLabel(LocalForges.DEMO_REPO, events.issue(), retry);
    PipelineResult result = events.labeled(retry);
    if (result.status() == PipelineResult.Status.PASSED) {
      result = events.pullRequest("reopened");
    }
    return result;
  }

  /**
   * The events the forge's workflows would receive, each run through {@link Router} and {@link
   * Pipeline} as {@code hydra run} runs it, the timeline printed after each.
   */
  private record Events(
      Pipeline pipeline,
      LabelScheme scheme,
      LocalForge builder,
      int issue,
      String head,
      DemoTimeline timeline) {

    private static final ForgeSelection FORGE =
        new ForgeSelection(ForgeType.GITHUB, "the local demo forge");

    /** A label the admin applied to the demo issue. */
    PipelineResult labeled(String label) throws ForgeException, InterruptedException {
      Issue live = builder.issue(LocalForges.DEMO_REPO, issue);
      return run(
          ForgeEvent.ofIssue(
              new ForgeEvent.Origin(LocalForges.DEMO_REPO, "main", LocalForges.DEMO_ADMIN, false),
              "labeled",
              label,
              live));
    }

    /** The builder's pull request {@code opened} or {@code reopened} by the builder. */
    PipelineResult pullRequest(String action) throws ForgeException, InterruptedException {
      PullRequest pr = builder.findPullRequest(LocalForges.DEMO_REPO, head).orElseThrow();
      return run(
          ForgeEvent.ofPullRequest(
              new ForgeEvent.Origin(LocalForges.DEMO_REPO, "main", "hydra-builder", false),
              action,
              null,
              pr));
    }

    private PipelineResult run(ForgeEvent event) throws ForgeException, InterruptedException {
      timeline.flush();
      PipelineResult result =
          pipeline.run(Router.route(event, scheme, FORGE), event, Step.ALL, Map.of());
      timeline.flush();
      return result;
    }
  }

  /**
   * The stage executor: the production one over Docker, or the scripted one that prints the
   * production one's plans; both behind the local forge's adapter. The gateways' upstream is the
   * scripted model; with the real agent, each stage's tool results follow its container's output.
   */
  private StageExecutor executor(
      DemoChoice choice,
      Path dir,
      Issue issue,
      LocalForge builder,
      Consumer<String> narrate,
      ScriptedModel model)
      throws IOException {
    Clock clock = Clock.systemUTC();
    String slug = HydraBranch.forIssue(issue.number(), issue.title()).slug();
    boolean real = options.agent() == DemoAgent.REAL;
    DemoContainerRuntime runtime =
        new DemoContainerRuntime(
            DockerCliRuntime.create(options.docker(), clock),
            real ? Map.of() : options.outcome().containerEnv(slug),
            Runtime.getRuntime().availableProcessors(),
            real ? List.of(DemoHosts.write(dir)) : List.of());
    StageRunner runner =
        new StageRunner(
            runtime,
            clock,
            wait -> Thread.sleep(wait.toMillis()),
            line -> narrate.accept("  " + cut(line)),
            StageRunner.Options.defaults()
                .withNetwork(options.network())
                .withModelUpstream(model.baseUrl()));
    Path bare =
        DemoRepository.create(dir, LocalForges.DEMO_REPO, options.outcome().declaresGates());
    Map<Persona, GitRemote> remotes = new EnumMap<>(Persona.class);
    for (Persona persona : Persona.values()) {
      remotes.put(persona, new GitRemote(bare.toUri(), persona.id(), null));
    }
    RunnerStageExecutor production =
        new RunnerStageExecutor(
                runner,
                StageSettings.from(stageEnv(options.imagePrefix(), options.imageTag())),
                credentials,
                WEB_URL,
                new RunnerStageExecutor.Git(remotes, DemoRepository.BASE, OutputLimits.defaults()))
            .withGates(new GateRunner(runtime, SecretMasker.of(credentials.secrets())));
    StageExecutor stages =
        choice.containers()
            ? production
            : new DemoStageExecutor(
                issue.title(),
                options.outcome(),
                production::plan,
                line -> narrate.accept("  plan: " + line));
    return new LocalForgeStageExecutor(
        new DemoNarration(
            stages,
            narrate,
            call ->
                real
                    ? toolLines(model.results(call.persona().id()), call.persona().id())
                    : List.of()),
        builder,
        WEB_URL,
        branch -> DemoRepository.head(bare, branch));
  }

  /**
   * What the real agent did in a stage, as the scripted model saw it: one line per tool call with
   * the start of what came back (the agent's own view of the input folder and the clone).
   */
  static List<String> toolLines(List<ToolResult> results, String persona) {
    return results.stream()
        .map(
            r -> {
              String first = r.content().strip().lines().findFirst().orElse("").replace('\t', ' ');
              String text = r.call().describe() + (r.isError() ? " → ERROR: " : " → ") + first;
              // Escaped like every untrusted line; a backtick is harmless on a terminal.
              return "  model | "
                  + persona
                  + " "
                  + Texts.escape(text, MAX_LINE).replace("\\u0060", "`");
            })
        .toList();
  }

  /**
   * What {@link RunnerStageExecutor} reads from the environment, for the demo: the images' names
   * and stage timeouts of 5 minutes, so a stuck container never holds a newcomer for 35.
   */
  static Map<String, String> stageEnv(String prefix, String tag) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HYDRA_IMAGE_PREFIX", prefix);
    env.put("HYDRA_IMAGE_TAG", tag);
    for (Stage stage :
        List.of(Stage.BUILD, Stage.CODE_REVIEW, Stage.SECURITY_REVIEW, Stage.APPLIER)) {
      env.put(StageProfile.timeoutVariable(stage), "5");
    }
    return env;
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

  /** Where the forge's files and the stage records are. */
  private static String filesLine(Path dir) {
    Path repoDir = LocalForges.repoDir(dir, LocalForges.DEMO_REPO);
    return "files: "
        + dir
        + " (the forge: "
        + dir.relativize(repoDir.resolve("issues"))
        + "/, "
        + dir.relativize(repoDir.resolve("pulls"))
        + "/, "
        + dir.relativize(repoDir.resolve("timeline.log"))
        + "; the stage records: runs/)";
  }

  /**
   * The last line: what to try after this run, the outcome that shows what this one did not: a
   * failed review, a person's retry of it, a gate, a reviewer's fix.
   */
  static String next(DemoOutcome outcome) {
    DemoOutcome other =
        switch (outcome) {
          case PASS, FIXES -> DemoOutcome.REVIEW_FAIL;
          case REVIEW_FAIL -> DemoOutcome.RETRY;
          case RETRY -> DemoOutcome.GATE_FAIL;
          case GATE_FAIL -> DemoOutcome.FIXES;
        };
    return "Next: bin/hydra demo --outcome "
        + other.id()
        + "; bin/hydra explain --example; to adopt Hydra on your repository, README.md";
  }

  private static String cut(String line) {
    return line.length() <= MAX_LINE
        ? line
        : line.substring(0, MAX_LINE) + "… (" + (line.length() - MAX_LINE) + " more)";
  }
}
