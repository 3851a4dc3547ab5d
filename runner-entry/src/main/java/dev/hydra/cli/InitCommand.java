package dev.hydra.cli;

import dev.hydra.config.HydraRelease;
import dev.hydra.config.Variables;
import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeType;
import dev.hydra.ops.AdopterWorkflows;
import dev.hydra.ops.Doctor;
import dev.hydra.ops.ImageCheck;
import dev.hydra.ops.LabelSeeding;
import dev.hydra.ops.OriginRemote;
import dev.hydra.wiring.DockerImageProbe;
import dev.hydra.wiring.ForgeOpener;
import dev.hydra.wiring.ForgeTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.cli.Options;

/**
 * {@code hydra init}: adopts Hydra in a local clone in one command — writes the workflows pinned to
 * an action reference, seeds the labels when the builder's token is at hand, runs doctor, and
 * prints what is left to set and where. Idempotent; it never writes a secret anywhere.
 */
final class InitCommand implements CliCommand {

  private final ImageCheck.ImageProbe probe;
  private final Optional<HydraRelease> release;

  InitCommand() {
    // Made only when init runs: the command runner's logger must not exist before Logging.
    this(
        image -> new DockerImageProbe(new CommonsExecCommandRunner()).unavailable(image),
        HydraRelease.bundled());
  }

  /** The command with its own image probe and release (tests). */
  InitCommand(ImageCheck.ImageProbe probe, Optional<HydraRelease> release) {
    this.probe = probe;
    this.release = release;
  }

  @Override
  public String name() {
    return "init";
  }

  @Override
  public String summary() {
    return "Adopt Hydra in a clone: workflows, labels, doctor, and what is left to set.";
  }

  @Override
  public String description() {
    return "hydra init --repo OWNER/NAME [--dir CLONE] [--forge github|forgejo] [--action"
        + " OWNER/hydra-java@REF]: writes hydra-build.yml, hydra-review.yml and"
        + " hydra-doctor.yml into the clone's .github/workflows (or .forgejo/workflows) with"
        + " every `uses:` pinned to this release's action (or --action; on Forgejo the full URL"
        + " form), seeds the labels when HYDRA_BUILDER_TOKEN is set, runs doctor with the tokens"
        + " at hand, and prints the next steps: commit and push, the secrets and variables still"
        + " to set and where. Without --forge the clone's origin remote tells the forge"
        + " (github.com is GitHub, any other host a Forgejo at https://HOST/api/v1). Running it"
        + " again changes nothing that is current. It never writes a secret.";
  }

  @Override
  public Options options() {
    Options options = ForgeOptionsCli.options();
    options.addOption(CliOptions.arg("dir", "CLONE", "The local clone to write into. Default: ."));
    options.addOption(
        CliOptions.arg(
            "action",
            "REF",
            "The Hydra action to pin: OWNER/hydra-java@<tag or full commit sha> (Forgejo:"
                + " https://HOST/OWNER/hydra-java@REF). Default: this release's."));
    return options;
  }

  @Override
  public int run(Invocation in) throws Exception {
    String clone = in.option("dir").isBlank() ? "." : in.option("dir");
    Path dir = Path.of(clone);
    if (!Files.isDirectory(dir.resolve(".git"))) {
      throw new UsageException(
          "hydra init",
          "--dir "
              + dir
              + " is not a git clone: clone "
              + (in.option("repo").isBlank() ? "the repository" : in.option("repo"))
              + " first");
    }
    ForgeTarget target = target(in, dir);
    ForgeType forge = target.settings().forge().type();
    String action = action(in, forge);
    Path folder = dir.resolve(AdopterWorkflows.folder(forge));
    Files.createDirectories(folder);
    List<String> texts = new ArrayList<>();
    try {
      for (String file : AdopterWorkflows.FILES) {
        texts.add(
            AdopterWorkflows.render(
                template(forge, file),
                action,
                release.map(HydraRelease::version).orElse(version())));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("hydra init", String.valueOf(e.getMessage()));
    }
    for (int i = 0; i < texts.size(); i++) {
      String file = AdopterWorkflows.FILES.get(i);
      String text = texts.get(i);
      Path path = folder.resolve(file);
      String was = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : null;
      if (!text.equals(was)) {
        Files.writeString(path, text, StandardCharsets.UTF_8);
      }
      in.out()
          .printf(
              "%-9s %s%n",
              was == null ? "written" : text.equals(was) ? "unchanged" : "updated",
              AdopterWorkflows.folder(forge) + "/" + file);
    }
    if (in.env().getOrDefault(Persona.BUILDER.envVariable(), "").isBlank()) {
      in.out()
          .println(
              "labels    not seeded: set HYDRA_BUILDER_TOKEN here and run init again, or run"
                  + " `hydra labels seed --repo "
                  + target.repo()
                  + "`");
    } else {
      List<LabelSeeding.Result> seeded =
          LabelSeeding.seed(
              ForgeOpener.builder(target, in.env()), target.repo(), target.settings().labels());
      long changed =
          seeded.stream().filter(r -> r.change() != LabelSeeding.Change.UNCHANGED).count();
      in.out()
          .println("labels    " + seeded.size() + " labels, " + changed + " created or updated");
    }
    in.out().println();
    Doctor.Report report = DoctorCommand.check(target, in.env(), probe);
    DoctorCommand.print(report, in.out());
    in.out().println();
    String logins = report.accounts().size() == Persona.values().length ? loginsValue(report) : "";
    AdopterWorkflows.nextSteps(
            forge,
            target.repo(),
            target.webUrl(),
            logins,
            clone,
            target.settings().labels().trigger())
        .forEach(in.out()::println);
    return ExitCodes.OK;
  }

  /**
   * The forge target: {@code --forge} or {@code HYDRA_FORGE} when set, else the clone's origin
   * remote tells the forge and, unless {@code --api-url} is given, the API URL.
   */
  private static ForgeTarget target(Invocation in, Path dir) throws Exception {
    String forgeOption = in.option("forge");
    String apiUrl = in.option("api-url");
    if (forgeOption.isBlank() && in.env().getOrDefault(Variables.FORGE.name(), "").isBlank()) {
      Path config = dir.resolve(".git/config");
      Optional<OriginRemote> origin =
          Files.isRegularFile(config)
              ? OriginRemote.originUrl(Files.readString(config, StandardCharsets.UTF_8))
                  .flatMap(OriginRemote::of)
              : Optional.empty();
      if (origin.isPresent()) {
        forgeOption = origin.get().forge().id();
        apiUrl = apiUrl.isBlank() ? origin.get().apiUrl() : apiUrl;
        in.out()
            .println(
                "forge     "
                    + forgeOption
                    + " at "
                    + apiUrl
                    + " (from the origin remote; --forge overrides)");
      }
    }
    return ForgeOptionsCli.resolve(in, forgeOption, apiUrl);
  }

  /** {@code --action}, else this release's action; an unreleased build must be told. */
  private String action(Invocation in, ForgeType forge) throws UsageException {
    String action = in.option("action");
    if (!action.isBlank()) {
      return action;
    }
    return release
        .flatMap(r -> r.action(forge))
        .orElseThrow(
            () ->
                new UsageException(
                    "hydra init",
                    "this Hydra is not a release: pass --action OWNER/hydra-java@<full commit"
                        + " sha>"));
  }

  private static String loginsValue(Doctor.Report report) {
    List<String> parts = new ArrayList<>();
    for (Persona persona : Persona.values()) {
      parts.add(persona.id() + "=" + report.accounts().get(persona));
    }
    return String.join(",", parts);
  }

  /** Hydra's own workflow, as this jar carries it. */
  static String template(ForgeType forge, String file) throws IOException {
    String resource = "adopt/" + forge.id() + "/" + file;
    try (InputStream in = InitCommand.class.getResourceAsStream(resource)) {
      Objects.requireNonNull(in, () -> "the jar carries no " + resource);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String version() throws IOException {
    String text = Version.text();
    return text.lines().findFirst().orElse("hydra").replaceFirst("^hydra ", "");
  }
}
