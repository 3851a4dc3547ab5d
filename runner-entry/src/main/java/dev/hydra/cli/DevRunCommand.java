package dev.hydra.cli;

import dev.hydra.config.StageSettings;
import dev.hydra.forge.Issue;
import dev.hydra.forge.RepoRef;
import dev.hydra.input.IssueInput;
import dev.hydra.label.Stage;
import dev.hydra.stage.StageProfile;
import dev.hydra.wiring.StageRuns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.cli.Options;

/**
 * {@code hydra dev-run <stage>}: one stage run directly while developing the persona images (issue
 * 14, model 1). The machinery of {@code stage-run} ({@link StageRunCommand#execute}) with a
 * developer's defaults: the local images ({@code localhost/hydra-<role>:latest}), a fixture issue
 * rendered as the pipeline renders a real one, a local checkout as the workspace, and no forge at
 * all — the URLs the stage is told are on {@code dev-run.invalid} (RFC 2606), so nothing is
 * claimed, labelled or pushed anywhere.
 */
final class DevRunCommand implements CliCommand {

  /** The reserved host of the URLs a dev-run stage is told: nothing answers there. */
  static final String HOST = "https://dev-run.invalid/local/dev-run";

  /**
   * The image prefix and tag when the environment sets none: {@code hydra image build --demo}'s.
   */
  static final String LOCAL_PREFIX = "localhost/hydra";

  static final String LOCAL_TAG = "latest";

  static final Issue FIXTURE =
      new Issue(
          1,
          "Add a /health endpoint",
          "The service needs a `GET /health` endpoint that answers 200 with `ok`, and a test.",
          true,
          "developer",
          List.of(),
          false);

  @Override
  public String name() {
    return "dev-run";
  }

  @Override
  public String summary() {
    return "Run one stage on local images with a fixture issue, for image development.";
  }

  @Override
  public String description() {
    return "Run one stage (build, code-review, security-review or applier) directly, as stage-run"
        + " does — the same hardening, model gateway and verdict, on the runtime HYDRA_RUNTIME"
        + " chooses — with a developer's defaults: the local images "
        + LOCAL_PREFIX
        + "-<role>:"
        + LOCAL_TAG
        + " (HYDRA_IMAGE_PREFIX and HYDRA_IMAGE_TAG still win), a fixture issue at"
        + " /input/issue.md (--issue FILE, else a built-in one), a copy of a local checkout at"
        + " /workspace/repo (--repo DIR), and the agent's whole log on stdout, masked and"
        + " timestamped. No forge is opened: the stage is told URLs on dev-run.invalid, so"
        + " nothing is claimed, labelled or pushed. --out keeps what the stage left in"
        + " /workspace/out (its bundle). Claude tokens as for stage-run. Exits 0 when the stage"
        + " passed, 1 when it failed, 4 when the container could not run.";
  }

  @Override
  public Options options() {
    Options options =
        CliOptions.of(
            CliOptions.arg(
                "issue",
                "FILE",
                "A Markdown issue: a first line `# Title`, then the body. Default: a built-in"
                    + " fixture."),
            CliOptions.arg("repo", "DIR", "A local checkout copied to /workspace/repo."),
            CliOptions.arg("out", "DIR", "Keep /workspace/out (the stage's bundle) here."));
    StageRunCommand.shared(
            "Image to run. Default: "
                + LOCAL_PREFIX
                + "-<role>:"
                + LOCAL_TAG
                + ", unless HYDRA_IMAGE_PREFIX or HYDRA_IMAGE_TAG say otherwise.")
        .getOptions()
        .forEach(options::addOption);
    return options;
  }

  @Override
  public boolean acceptsArguments() {
    return true;
  }

  @Override
  public int run(Invocation in) throws Exception {
    List<String> args = in.args().getArgList();
    if (args.size() > 1) {
      throw new UsageException(
          in.command(),
          "one stage at a time; unexpected " + dev.hydra.text.Texts.quote(args.get(1)));
    }
    Stage stage =
        StageRunCommand.stage(in, args.isEmpty() ? "" : args.get(0), "hydra dev-run <stage>");
    StageSettings settings = StageSettings.from(localImages(in.env()));
    StageProfile profile = StageProfile.from(stage, settings);
    RepoRef repo = RepoRef.parse("local/dev-run");
    String issue = IssueInput.render(repo, fixture(in), List.of());
    StageRunCommand.Target target =
        new StageRunCommand.Target(
            HOST, HOST + "/issues/1", stage == Stage.BUILD ? null : HOST + "/pull/1");
    return StageRunCommand.execute(
        in,
        profile,
        settings,
        target,
        new StageRuns.Folders(
            StageRunCommand.spec(in), Optional.of(issue), folder(in, "repo"), folder(in, "out")));
  }

  /** The environment with the local image prefix and tag where it sets none. */
  static Map<String, String> localImages(Map<String, String> env) {
    Map<String, String> local = new HashMap<>(env);
    if (local.getOrDefault("HYDRA_IMAGE_PREFIX", "").isBlank()) {
      local.put("HYDRA_IMAGE_PREFIX", LOCAL_PREFIX);
    }
    if (local.getOrDefault("HYDRA_IMAGE_TAG", "").isBlank()) {
      local.put("HYDRA_IMAGE_TAG", LOCAL_TAG);
    }
    return local;
  }

  /** The fixture issue: {@code --issue FILE} (a first line {@code # Title}), else the built-in. */
  static Issue fixture(Invocation in) throws UsageException {
    String file = in.option("issue");
    if (file.isEmpty()) {
      return FIXTURE;
    }
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException(in.command(), "--issue: cannot read " + file + ": " + e);
    }
    return issue(text, String.valueOf(Path.of(file).getFileName()));
  }

  /** A Markdown issue: a first line {@code # Title} and the body; else all body, titled so. */
  static Issue issue(String text, String untitled) {
    String first = text.lines().findFirst().orElse("").strip();
    boolean titled = first.startsWith("# ");
    String title = titled ? first.substring(2).strip() : untitled;
    String body = titled ? text.substring(text.indexOf(first) + first.length()).strip() : text;
    return new Issue(1, title, body, true, "developer", List.of(), false);
  }

  private static Optional<Path> folder(Invocation in, String option) throws UsageException {
    String value = in.option(option);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Path path = Path.of(value);
    if (option.equals("repo") && !Files.isDirectory(path)) {
      throw new UsageException(in.command(), "--repo: " + value + " is not a directory");
    }
    return Optional.of(path);
  }
}
