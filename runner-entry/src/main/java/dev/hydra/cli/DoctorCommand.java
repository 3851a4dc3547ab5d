package dev.hydra.cli;

import dev.hydra.container.docker.CommonsExecCommandRunner;
import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeType;
import dev.hydra.label.Stage;
import dev.hydra.ops.ClaudeTokenCheck;
import dev.hydra.ops.Doctor;
import dev.hydra.ops.ImageCheck;
import dev.hydra.ops.TokenScopes;
import dev.hydra.ops.TrustCheck;
import dev.hydra.secret.Secret;
import dev.hydra.stage.StageProfile;
import dev.hydra.wiring.DockerImageProbe;
import dev.hydra.wiring.ForgeOpener;
import dev.hydra.wiring.ForgeTarget;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.cli.Options;

/** {@code hydra doctor}: checks the whole setup against the live forge, with a fix per problem. */
final class DoctorCommand implements CliCommand {

  private final ImageCheck.ImageProbe probe;

  /**
   * The command with the registry asked through the docker CLI, made only when doctor runs: the
   * command runner's logger must not be created before {@link Logging} sets the level.
   */
  DoctorCommand() {
    this(image -> new DockerImageProbe(new CommonsExecCommandRunner()).unavailable(image));
  }

  /** The command with its own image probe (tests). */
  DoctorCommand(ImageCheck.ImageProbe probe) {
    this.probe = probe;
  }

  @Override
  public String name() {
    return "doctor";
  }

  @Override
  public String summary() {
    return "Check tokens, accounts, Claude tokens, trust, labels and images; a fix for each problem.";
  }

  @Override
  public String description() {
    return "Checks each persona token (HYDRA_BUILDER_TOKEN, HYDRA_REVIEWER_TOKEN,"
        + " HYDRA_SECURITY_TOKEN, HYDRA_APPLIER_TOKEN): present, distinct from the others, valid"
        + " for this forge, of four distinct accounts, not admin on the repository, with the"
        + " access its persona needs; the Claude tokens (how many: one cannot rotate); on Forgejo"
        + " the trusted labellers; that the labels are seeded; and that each persona image can be"
        + " pulled (docker manifest inspect). Prints a table (in Actions also in the job"
        + " summary); never prints a token. Exits 1 when anything is wrong.";
  }

  @Override
  public Options options() {
    return ForgeOptionsCli.options();
  }

  @Override
  public int run(Invocation in) throws Exception {
    ForgeTarget target = ForgeOptionsCli.resolve(in);
    Doctor.Report report = check(target, in.env(), probe);
    print(report, in.out());
    RunCommand.append(in.env().getOrDefault("GITHUB_STEP_SUMMARY", ""), summary(report));
    return report.healthy() ? ExitCodes.OK : ExitCodes.STAGE_FAILED;
  }

  /** Every check of the setup, in the order a person fixes them. */
  static Doctor.Report check(
      ForgeTarget target, Map<String, String> env, ImageCheck.ImageProbe probe) throws Exception {
    Map<Persona, Optional<Secret>> tokens = ForgeOpener.tokens(env);
    Doctor.Report report =
        Doctor.check(
            target.repo(),
            target.settings().labels(),
            tokens,
            persona ->
                target.open(
                    persona.id(),
                    tokens.getOrDefault(persona, Optional.empty()).orElseThrow().reveal()),
            target.settings().personaLogins());
    ForgeType forge = target.settings().forge().type();
    List<Doctor.Row> scopes = new ArrayList<>();
    for (Persona persona : report.accounts().keySet()) {
      Secret token = tokens.getOrDefault(persona, Optional.empty()).orElseThrow();
      scopes.addAll(
          TokenScopes.rows(
              forge,
              persona,
              forge == ForgeType.GITHUB
                  ? TokenScopes.githubHeader(target.apiUrl(), token)
                  : Optional.empty()));
    }
    return report
        .plus(scopes)
        .plus(ClaudeTokenCheck.rows(env))
        .plus(
            TrustCheck.rows(
                target.settings().forge().type(),
                target.settings().trustedLabelers(),
                report.accounts().values()))
        .plus(
            ImageCheck.rows(
                persona ->
                    StageProfile.defaults(stageOf(persona)).image(target.settings().stages()),
                probe));
  }

  /** The container stage each persona runs. */
  static Stage stageOf(Persona persona) {
    return switch (persona) {
      case BUILDER -> Stage.BUILD;
      case REVIEWER -> Stage.CODE_REVIEW;
      case SECURITY -> Stage.SECURITY_REVIEW;
      case APPLIER -> Stage.APPLIER;
    };
  }

  static void print(Doctor.Report report, PrintWriter out) {
    out.printf("%-9s %-18s %-5s %s%n", "SUBJECT", "CHECK", "", "DETAIL / FIX");
    for (Doctor.Row row : report.rows()) {
      out.printf("%-9s %-18s %-5s %s%n", row.subject(), row.check(), row.status(), row.detail());
      if (!row.fix().isEmpty()) {
        out.printf("%-9s %-18s %-5s fix: %s%n", "", "", "", row.fix());
      }
    }
    out.println(report.healthy() ? "healthy" : "problems found: see the fixes above");
  }

  /** The report as a Markdown table for the job summary; every cell's pipes escaped. */
  static String summary(Doctor.Report report) {
    StringBuilder out =
        new StringBuilder("### Hydra doctor: ")
            .append(report.healthy() ? "healthy" : "problems found")
            .append("\n\n| subject | check | status | detail | fix |\n|---|---|---|---|---|\n");
    for (Doctor.Row row : report.rows()) {
      out.append("| ")
          .append(cell(row.subject()))
          .append(" | ")
          .append(cell(row.check()))
          .append(" | ")
          .append(row.status())
          .append(" | ")
          .append(cell(row.detail()))
          .append(" | ")
          .append(cell(row.fix()))
          .append(" |\n");
    }
    return out.append('\n').toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
