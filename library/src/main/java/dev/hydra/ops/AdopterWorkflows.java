package dev.hydra.ops;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeType;
import dev.hydra.forge.RepoRef;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The adopter's copies of Hydra's own workflows, for {@code hydra init} (pure): the self-test
 * workflow with every {@code uses: ./} pinned to the release's action reference and its "Adopting
 * Hydra" note replaced by where the file came from — nothing else changes, so the adopter runs
 * exactly what Hydra's own tests check. Also the list of what init cannot do: the secrets (it never
 * writes one) and the variables to set, and where.
 */
public final class AdopterWorkflows {

  /** The workflows an adopter needs (hydra-image only customises images). */
  public static final List<String> FILES =
      List.of("hydra-build.yml", "hydra-review.yml", "hydra-doctor.yml");

  private static final Pattern SELF = Pattern.compile("(?m)^(\\s*(?:- )?uses: )\\./\\s*$");
  private static final Pattern ACTION =
      Pattern.compile("(https://[\\w.-]+(:\\d+)?/)?[\\w.-]+/[\\w.-]+@[\\w./-]+");

  private AdopterWorkflows() {}

  /** The folder of a forge's workflows in a repository. */
  public static String folder(ForgeType forge) {
    return forge == ForgeType.GITHUB ? ".github/workflows" : ".forgejo/workflows";
  }

  /**
   * One workflow for the adopter.
   *
   * @param template Hydra's own workflow, with {@code uses: ./}
   * @param action the action reference, {@code OWNER/hydra-java@REF} (on Forgejo the full URL form)
   * @param version the Hydra version writing it, for the note
   * @throws IllegalArgumentException when the reference is not one
   */
  public static String render(String template, String action, String version) {
    if (!ACTION.matcher(action).matches()) {
      throw new IllegalArgumentException(
          "action reference `"
              + action
              + "` is not OWNER/REPO@REF (on Forgejo https://HOST/OWNER/REPO@REF); pin a release"
              + " tag or, better, its full commit sha");
    }
    List<String> out = new ArrayList<>();
    boolean note = false;
    for (String line : template.split("\n", -1)) {
      if (line.startsWith("# Adopting Hydra:")) {
        note = true;
        out.add(
            "# Written by `hydra init` (Hydra "
                + version
                + "). To upgrade, run it again or change the version in the `uses:` lines.");
        continue;
      }
      if (note && line.startsWith("#")) {
        continue;
      }
      note = false;
      out.add(line);
    }
    return SELF.matcher(String.join("\n", out)).replaceAll("$1" + action);
  }

  /**
   * The exact next steps after init, in order: commit and push the workflows, the secrets (init
   * never writes one) and variables to set and where — the page's URL and its path in the forge's
   * Settings —, then the doctor workflow and the first label.
   *
   * @param forge the forge
   * @param repo the repository
   * @param webRoot the forge's web root
   * @param personaLogins the value of {@code HYDRA_PERSONA_LOGINS} when the tokens told it, else
   *     empty
   * @param clone the clone's directory as the adopter gave it ({@code .} for the current one)
   * @param trigger the trigger label
   */
  public static List<String> nextSteps(
      ForgeType forge,
      RepoRef repo,
      String webRoot,
      String personaLogins,
      String clone,
      String trigger) {
    boolean github = forge == ForgeType.GITHUB;
    String repoUrl = webRoot + "/" + repo.fullName();
    String git = clone.equals(".") ? "git" : "git -C " + clone;
    String menu = github ? "Settings → Secrets and variables → Actions" : "Settings → Actions";
    List<String> lines = new ArrayList<>();
    lines.add("Next:");
    lines.add("1. Commit and push the workflows:");
    lines.add(
        "     "
            + git
            + " add "
            + folder(forge)
            + " && "
            + git
            + " commit -m \"Adopt Hydra\" && "
            + git
            + " push");
    lines.add(
        "2. Set the secrets at "
            + repoUrl
            + (github ? "/settings/secrets/actions" : "/settings/actions/secrets")
            + " ("
            + menu
            + " → Secrets; init never writes one):");
    for (Persona persona : Persona.values()) {
      lines.add(
          "     "
              + persona.envVariable()
              + "  the "
              + persona.id()
              + " account's own token (docs/forges.md#token-scopes-per-persona)");
    }
    lines.add("     HYDRA_CLAUDE_TOKEN_1  `claude setup-token` as your first Claude account");
    lines.add("     HYDRA_CLAUDE_TOKEN_2  the same as a second account, so rotation can help");
    lines.add(
        "3. Set the variables at "
            + repoUrl
            + (github ? "/settings/variables/actions" : "/settings/actions/variables")
            + " ("
            + menu
            + " → Variables):");
    lines.add(
        "     HYDRA_PERSONA_LOGINS  "
            + (personaLogins.isEmpty()
                ? "builder=LOGIN,reviewer=LOGIN,security=LOGIN,applier=LOGIN"
                : personaLogins));
    if (!github) {
      lines.add("     HYDRA_TRUSTED_LABELERS  the logins whose labels may start a build");
    }
    lines.add(
        "4. Run the hydra-doctor workflow by hand ("
            + repoUrl
            + "/actions), then label an issue `"
            + trigger
            + "`.");
    return lines;
  }
}
