package dev.hydra.cli;

import dev.hydra.credentials.Persona;
import dev.hydra.ops.Doctor;
import dev.hydra.secret.Secret;
import dev.hydra.wiring.ForgeOpener;
import dev.hydra.wiring.ForgeTarget;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.cli.Options;

/** {@code hydra doctor}: checks the deployment against the live forge, with a fix per problem. */
final class DoctorCommand implements CliCommand {

  @Override
  public String name() {
    return "doctor";
  }

  @Override
  public String summary() {
    return "Check persona tokens and labels against the live forge; a fix for every problem.";
  }

  @Override
  public String description() {
    return "Checks each persona token (HYDRA_BUILDER_TOKEN, HYDRA_REVIEWER_TOKEN,"
        + " HYDRA_SECURITY_TOKEN, HYDRA_APPLIER_TOKEN): present, distinct from the others, valid"
        + " for this forge, not admin on the repository, with the access its persona needs; and"
        + " that the labels are seeded. Prints a table; never prints a token. Exits 1 when"
        + " anything is wrong.";
  }

  @Override
  public Options options() {
    return ForgeOptionsCli.options();
  }

  @Override
  public int run(Invocation in) throws Exception {
    ForgeTarget target = ForgeOptionsCli.resolve(in);
    Map<Persona, Optional<Secret>> tokens = ForgeOpener.tokens(in.env());
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
    in.out().printf("%-9s %-18s %-5s %s%n", "SUBJECT", "CHECK", "", "DETAIL / FIX");
    for (Doctor.Row row : report.rows()) {
      in.out()
          .printf("%-9s %-18s %-5s %s%n", row.subject(), row.check(), row.status(), row.detail());
      if (!row.fix().isEmpty()) {
        in.out().printf("%-9s %-18s %-5s fix: %s%n", "", "", "", row.fix());
      }
    }
    in.out().println(report.healthy() ? "healthy" : "problems found: see the fixes above");
    return report.healthy() ? ExitCodes.OK : ExitCodes.STAGE_FAILED;
  }
}
