package dev.hydra.ops;

import dev.hydra.forge.ForgeType;
import dev.hydra.ops.Doctor.Row;
import dev.hydra.ops.Doctor.Status;
import dev.hydra.text.Texts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Doctor's row for who may start a build. On Forgejo the permission endpoint answers only admins,
 * and persona tokens are never admin, so {@code HYDRA_TRUSTED_LABELERS} is the only way a label
 * carries authority: unset, no one can start a build on an organisation repository. A persona
 * account in the list fails: persona accounts never carry authority (SPEC §4).
 */
public final class TrustCheck {

  private TrustCheck() {}

  /**
   * The trusted-labeller rows.
   *
   * @param forge the forge
   * @param trusted {@code HYDRA_TRUSTED_LABELERS} as read
   * @param personaAccounts the persona accounts the tokens authenticate as
   */
  public static List<Row> rows(
      ForgeType forge, Set<String> trusted, Collection<String> personaAccounts) {
    List<Row> rows = new ArrayList<>();
    Set<String> personas = new TreeSet<>();
    personaAccounts.forEach(login -> personas.add(login.toLowerCase(Locale.ROOT)));
    for (String login : new TreeSet<>(trusted)) {
      if (personas.contains(login.toLowerCase(Locale.ROOT))) {
        rows.add(
            Row.fail(
                "trust",
                "labellers",
                "HYDRA_TRUSTED_LABELERS names the persona account @" + Texts.escape(login, 100),
                "remove it: a persona's label never starts, resets or merges anything"));
      }
    }
    if (forge == ForgeType.FORGEJO && trusted.isEmpty()) {
      rows.add(
          Row.fail(
              "trust",
              "labellers",
              "HYDRA_TRUSTED_LABELERS is not set: Forgejo tells only admins who may write, so no"
                  + " label would carry authority and no build would start",
              "set the repository variable HYDRA_TRUSTED_LABELERS to the logins (comma-separated)"
                  + " of the people who may start builds"));
    } else if (rows.isEmpty()) {
      rows.add(
          new Row(
              "trust",
              "labellers",
              Status.OK,
              trusted.isEmpty()
                  ? "write access is asked of the forge for each labeller"
                  : trusted.size()
                      + " trusted: "
                      + Texts.escape(String.join(", ", new TreeSet<>(trusted)), 300),
              ""));
    }
    return rows;
  }
}
