package dev.hydra.forge.local;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeForbiddenException;
import dev.hydra.forge.ForgeUnauthorizedException;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.local.LocalFiles.RepoFile;
import dev.hydra.text.Texts;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Who a local forge instance acts as, and what that login may do: the login from {@code
 * personas.json} (or a person's own), the permission {@code users.json} grants it, and the one
 * opening every write shares — resolve the login, take the repository's lock, read {@code
 * repo.json}, check the permission.
 */
final class LocalAccess {

  // GitHub logins are letters, digits and hyphens; apps end in "[bot]"; Forgejo adds '_' and '.'.
  static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}(\\[bot])?");

  /** The work of one write, under the repository's lock, as {@code login}. */
  @FunctionalInterface
  interface Write<T> {
    T apply(String login, RepoFile repo) throws ForgeException;
  }

  private final LocalStore store;
  private final String persona;
  private final @Nullable String userLogin;

  LocalAccess(LocalStore store, String persona, @Nullable String userLogin) {
    if (!LOGIN.matcher(persona).matches()) {
      throw new IllegalArgumentException(
          "invalid persona or login " + Texts.quote(persona) + ": use letters, digits and '-'");
    }
    this.store = store;
    this.persona = persona;
    this.userLogin = userLogin;
  }

  String persona() {
    return persona;
  }

  @Nullable String userLogin() {
    return userLogin;
  }

  /**
   * One locked read-modify-write of a repository as this login, which needs {@code needed} to do
   * {@code action}.
   */
  <T> T write(RepoRef repo, Permission needed, String action, Write<T> work) throws ForgeException {
    String login = login();
    return store.locked(
        repo,
        () -> {
          RepoFile r = store.repo(repo);
          require(repo, login, needed, action);
          return work.apply(login, r);
        });
  }

  String login() throws ForgeException {
    if (userLogin != null) {
      return userLogin;
    }
    String login = store.personas().get(persona);
    if (login == null) {
      throw new ForgeUnauthorizedException(
          "local forge: persona "
              + persona
              + " has no login in "
              + store.personasFile()
              + "; add \""
              + persona
              + "\": \"hydra-"
              + persona
              + "\" to it (LocalForges.init writes one login per persona)",
          401,
          null);
    }
    if (!LOGIN.matcher(login).matches()) {
      throw LocalStore.invalid(
          store.personasFile(),
          "personas file",
          "the login of persona " + persona + " is " + Texts.quote(login) + ", not a login");
    }
    return login;
  }

  String who(String login) {
    return login.equals(persona)
        ? "user " + login
        : "persona " + persona + " (login " + login + ")";
  }

  Permission permission(RepoRef repo, String login) throws ForgeException {
    return store.users(repo).getOrDefault(login, Permission.NONE);
  }

  void require(RepoRef repo, String login, Permission needed, String action) throws ForgeException {
    Permission has = permission(repo, login);
    if (has.compareTo(needed) < 0) {
      String level = needed.name().toLowerCase(Locale.ROOT);
      throw new ForgeForbiddenException(
          "local forge: "
              + who(login)
              + " may not "
              + action
              + " on "
              + repo
              + ": it has "
              + has.name().toLowerCase(Locale.ROOT)
              + " access and that needs "
              + level
              + " or more; grant it in "
              + store.usersFile(repo)
              + " (\""
              + login
              + "\": \""
              + level
              + "\")",
          403,
          null);
    }
  }
}
