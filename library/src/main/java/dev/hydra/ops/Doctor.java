package dev.hydra.ops;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeUnauthorizedException;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.TokenShapeException;
import dev.hydra.label.LabelScheme;
import dev.hydra.secret.Secret;
import dev.hydra.text.Texts;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Checks a deployment against the live forge: every persona token present, distinct from the
 * others, valid for this forge, of its own account (four accounts), not admin on the repository,
 * with the access its persona needs; and the labels seeded. Every problem becomes a row with its
 * fix; no token value is ever shown. {@link ClaudeTokenCheck}, {@link TrustCheck} and {@link
 * ImageCheck} add the rest of the setup ({@link Report#plus}).
 */
public final class Doctor {

  private Doctor() {}

  /** How a check came out. */
  public enum Status {
    OK,
    WARN,
    FAIL
  }

  /**
   * One checked fact.
   *
   * @param subject what was checked ({@code builder}, {@code labels})
   * @param check the check
   * @param status the outcome
   * @param detail what was found
   * @param fix what to do, empty when nothing
   */
  public record Row(String subject, String check, Status status, String detail, String fix) {

    /** A failed check with its fix. */
    static Row fail(String subject, String check, String detail, String fix) {
      return new Row(subject, check, Status.FAIL, detail, fix);
    }
  }

  /**
   * All rows.
   *
   * @param rows the checks in the order they ran
   * @param accounts the account each persona token authenticates as, for the checks that follow
   */
  public record Report(List<Row> rows, Map<Persona, String> accounts) {
    public Report {
      rows = List.copyOf(rows);
      accounts = Map.copyOf(accounts);
    }

    /** This report with more rows after its own. */
    public Report plus(List<Row> more) {
      List<Row> all = new ArrayList<>(rows);
      all.addAll(more);
      return new Report(all, accounts);
    }

    /** Whether every check passed (warnings allowed). */
    public boolean healthy() {
      return rows.stream().noneMatch(r -> r.status() == Status.FAIL);
    }
  }

  /**
   * Runs the checks.
   *
   * @param repo the repository
   * @param scheme the label scheme in force
   * @param tokens each persona's token, empty when not configured
   * @param forgeFor opens the forge port with a persona's token
   * @param personaLogins {@code HYDRA_PERSONA_LOGINS} as configured, empty when it is not set
   * @return the report
   */
  public static Report check(
      RepoRef repo,
      LabelScheme scheme,
      Map<Persona, Optional<Secret>> tokens,
      Function<Persona, Forge> forgeFor,
      Map<Persona, String> personaLogins) {
    List<Row> rows = new ArrayList<>();
    Map<Persona, String> logins = new EnumMap<>(Persona.class);
    @Nullable Forge labelReader = null;
    for (Persona persona : Persona.values()) {
      String who = persona.id();
      Optional<Secret> token = tokens.getOrDefault(persona, Optional.empty());
      if (token.isEmpty()) {
        rows.add(
            Row.fail(
                who,
                "token present",
                persona.envVariable() + " is not set",
                "set " + persona.envVariable() + " to the " + who + " persona's own token"));
        continue;
      }
      rows.add(
          new Row(
              who,
              "token present",
              Status.OK,
              "set (" + token.get().length() + " characters)",
              ""));
      Optional<Persona> twin = sharedWith(persona, token.get(), tokens);
      if (twin.isPresent()) {
        rows.add(
            Row.fail(
                who,
                "token distinct",
                "the same token as the " + twin.get().id() + " persona",
                "give every persona its own token: attribution and least privilege depend on it"));
        continue;
      }
      rows.add(new Row(who, "token distinct", Status.OK, "differs from every other persona's", ""));
      Forge forge;
      try {
        forge = forgeFor.apply(persona);
      } catch (TokenShapeException e) {
        rows.add(
            Row.fail(
                who,
                "token for forge",
                oneLine(e),
                "set " + persona.envVariable() + " to a token made on this forge"));
        continue;
      }
      Optional<String> login = ask(rows, forge::currentUser, e -> tokenRefused(who, forge, e));
      if (login.isEmpty()) {
        continue;
      }
      logins.put(persona, login.get());
      rows.add(new Row(who, "token valid", Status.OK, "authenticates as @" + login.get(), ""));
      Optional<Permission> access =
          ask(
              rows,
              () -> forge.tokenPermission(repo),
              e ->
                  Row.fail(
                      who,
                      "repository access",
                      oneLine(e),
                      "grant the " + who + " account access to " + repo));
      if (access.isEmpty()) {
        continue;
      }
      Permission permission = access.get();
      Optional<TokenAccess.Problem> admin = TokenAccess.admin("@" + login.get(), permission, repo);
      if (admin.isPresent()) {
        rows.add(Row.fail(who, "not admin", admin.get().detail(), admin.get().fix()));
      } else {
        rows.add(new Row(who, "not admin", Status.OK, TokenAccess.name(permission), ""));
      }
      Optional<TokenAccess.Problem> notEnough = TokenAccess.notEnough(persona, permission);
      if (notEnough.isPresent()) {
        rows.add(Row.fail(who, "enough access", notEnough.get().detail(), notEnough.get().fix()));
      } else {
        rows.add(new Row(who, "enough access", Status.OK, "enough for the " + who, ""));
        if (labelReader == null) {
          labelReader = forge;
        }
      }
    }
    rows.addAll(sameAccounts(logins));
    rows.addAll(personaLogins(personaLogins, logins));
    rows.addAll(labels(repo, scheme, labelReader));
    return new Report(rows, logins);
  }

  private static Optional<Persona> sharedWith(
      Persona persona, Secret token, Map<Persona, Optional<Secret>> tokens) {
    for (Persona other : Persona.values()) {
      if (other != persona
          && tokens.getOrDefault(other, Optional.empty()).map(token::sameValueAs).orElse(false)) {
        return Optional.of(other);
      }
    }
    return Optional.empty();
  }

  private static List<Row> sameAccounts(Map<Persona, String> logins) {
    Map<String, Persona> first = new HashMap<>();
    List<Row> rows = new ArrayList<>();
    logins.forEach(
        (persona, login) -> {
          Persona earlier = first.putIfAbsent(login, persona);
          if (earlier != null) {
            rows.add(
                Row.fail(
                    persona.id(),
                    "own account",
                    "@" + login + " is also the " + earlier.id() + "'s account",
                    "give each persona a token of its own account: four accounts, so that every"
                        + " review is attributable and no persona acts with another's rights"));
          }
        });
    return rows;
  }

  /** The variable that names the persona accounts (read by {@code hydra run}). */
  static final String PERSONA_LOGINS = "HYDRA_PERSONA_LOGINS";

  /**
   * {@code HYDRA_PERSONA_LOGINS} against the accounts the tokens authenticate as: unset is a
   * warning with the value to set (when every token answered), a login that is not its token's
   * account a failure — the persona accounts never carry authority, and the review jobs know the
   * builder's transitions only from this variable.
   *
   * @param configured the variable as configured, empty when unset
   * @param actual each persona's account as its token authenticates
   */
  static List<Row> personaLogins(Map<Persona, String> configured, Map<Persona, String> actual) {
    if (configured.isEmpty()) {
      String fix =
          "set the repository variable "
              + PERSONA_LOGINS
              + (actual.size() == Persona.values().length
                  ? " to " + value(actual)
                  : " to builder=LOGIN,reviewer=LOGIN,security=LOGIN,applier=LOGIN");
      return List.of(
          new Row(
              "personas",
              "logins named",
              Status.WARN,
              PERSONA_LOGINS
                  + " is not set: the review jobs cannot tell the builder's transitions (on"
                  + " Forgejo they refuse to start) and each job asks its own account",
              fix));
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<Persona, String> entry : new EnumMap<>(actual).entrySet()) {
      Persona persona = entry.getKey();
      String named = configured.get(persona);
      String login = entry.getValue();
      if (named != null && named.strip().equalsIgnoreCase(login.strip())) {
        rows.add(
            new Row(
                persona.id(), "login named", Status.OK, PERSONA_LOGINS + " names @" + login, ""));
      } else {
        rows.add(
            new Row(
                persona.id(),
                "login named",
                Status.FAIL,
                PERSONA_LOGINS
                    + (named == null
                        ? " names no " + persona.id()
                        : " names @" + Texts.escape(named, 100) + " for the " + persona.id())
                    + ", but its token authenticates as @"
                    + login,
                "set " + persona.id() + "=" + login + " in " + PERSONA_LOGINS));
      }
    }
    return rows;
  }

  private static String value(Map<Persona, String> logins) {
    List<String> parts = new ArrayList<>();
    new EnumMap<>(logins).forEach((persona, login) -> parts.add(persona.id() + "=" + login));
    return String.join(",", parts);
  }

  private static List<Row> labels(RepoRef repo, LabelScheme scheme, @Nullable Forge forge) {
    String fix =
        "run `hydra labels seed --repo "
            + repo
            + (scheme.prefix().isEmpty() ? "" : " --prefix " + scheme.prefix())
            + "`";
    if (forge == null) {
      return List.of(
          Row.fail(
              "labels",
              "seeded",
              "not checked: no persona token could read " + repo,
              "fix the token rows above"));
    }
    Map<String, LabelSpec> existing = new HashMap<>();
    try {
      for (LabelSpec label : forge.labels(repo)) {
        existing.put(label.name(), label);
      }
    } catch (ForgeException e) {
      return List.of(Row.fail("labels", "seeded", oneLine(e), fix));
    }
    List<String> missing = new ArrayList<>();
    List<String> different = new ArrayList<>();
    for (LabelSpec wanted : LabelSeeding.specs(scheme)) {
      LabelSpec have = existing.get(wanted.name());
      if (have == null) {
        missing.add(wanted.name());
      } else if (!have.equals(wanted)) {
        different.add(wanted.name());
      }
    }
    List<Row> rows = new ArrayList<>();
    if (!missing.isEmpty()) {
      rows.add(
          Row.fail(
              "labels",
              "seeded",
              missing.size() + " missing: " + Texts.escape(String.join(", ", missing), 200),
              fix));
    } else {
      rows.add(
          new Row(
              "labels",
              "seeded",
              Status.OK,
              "all " + LabelSeeding.specs(scheme).size() + " present",
              ""));
    }
    if (!different.isEmpty()) {
      rows.add(
          new Row(
              "labels",
              "colours",
              Status.WARN,
              different.size() + " differ in colour or description",
              fix));
    }
    return rows;
  }

  /** One request of a check, answering what it got or adding the failed row it maps to. */
  private interface Request<T> {
    T send() throws ForgeException;
  }

  private static <T> Optional<T> ask(
      List<Row> rows, Request<T> request, Function<ForgeException, Row> failed) {
    try {
      return Optional.of(request.send());
    } catch (ForgeException e) {
      rows.add(failed.apply(e));
      return Optional.empty();
    }
  }

  /** The row of a token the forge would not answer for: refused, or not reached. */
  private static Row tokenRefused(String who, Forge forge, ForgeException e) {
    if (e instanceof ForgeUnauthorizedException) {
      return Row.fail(
          who,
          "token valid",
          "refused by the " + forge.type().id() + " API",
          "the token is expired, revoked or for another forge; create a new one for the "
              + who
              + " persona");
    }
    return Row.fail(who, "token valid", oneLine(e), "check the API URL and the network");
  }

  private static String oneLine(Exception e) {
    return Texts.oneLine(String.valueOf(e.getMessage()));
  }
}
