package dev.hydra.ops;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.ForgeType;
import dev.hydra.ops.Doctor.Row;
import dev.hydra.ops.Doctor.Status;
import dev.hydra.secret.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A token's scopes where the forge reports them (doctor): GitHub sends a classic PAT's scopes in
 * the {@code X-OAuth-Scopes} header of {@code GET /user}; fine-grained PATs and App tokens send
 * none, and Forgejo does not tell a token its scopes, so there the access checks stand alone. A
 * classic token without {@code repo} (or {@code public_repo}) fails; a scope broader than
 * docs/forges.md's row warns, naming the least one.
 */
public final class TokenScopes {

  /** Classic scopes no persona needs (docs/forges.md#token-scopes-per-persona). */
  static final Set<String> BROADER =
      Set.of(
          "admin:org",
          "write:org",
          "delete_repo",
          "workflow",
          "admin:repo_hook",
          "admin:org_hook",
          "admin:public_key",
          "admin:gpg_key",
          "admin:enterprise",
          "delete:packages",
          "user",
          "site_admin");

  private static final String LEAST = "`repo` (`public_repo` for a public repository)";

  private TokenScopes() {}

  /**
   * The scope rows of one persona's token.
   *
   * @param forge the forge
   * @param persona the persona
   * @param header GitHub's {@code X-OAuth-Scopes} value, empty when the forge sent none
   */
  public static List<Row> rows(ForgeType forge, Persona persona, Optional<String> header) {
    String who = persona.id();
    if (forge == ForgeType.FORGEJO) {
      return List.of(
          new Row(
              who,
              "token scopes",
              Status.OK,
              "not reported by Forgejo to the token; access checked",
              ""));
    }
    if (header.isEmpty()) {
      return List.of(
          new Row(
              who,
              "token scopes",
              Status.OK,
              "not reported by GitHub (a fine-grained or App token); access checked",
              ""));
    }
    List<String> scopes =
        Arrays.stream(header.get().split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
    List<Row> rows = new ArrayList<>();
    if (!scopes.contains("repo") && !scopes.contains("public_repo")) {
      rows.add(
          Row.fail(
              who,
              "token scopes",
              "a classic token without `repo` or `public_repo` (scopes: "
                  + (scopes.isEmpty() ? "none" : String.join(", ", scopes))
                  + ")",
              "give the "
                  + who
                  + " token the "
                  + LEAST
                  + " scope, or use a fine-grained token (docs/forges.md)"));
    }
    for (String scope : scopes) {
      if (BROADER.contains(scope)) {
        rows.add(
            new Row(
                who,
                "token scopes",
                Status.WARN,
                "scope `" + scope + "` is broader than the " + who + " needs",
                "make a token with only " + LEAST + " (docs/forges.md#token-scopes-per-persona)"));
      }
    }
    if (rows.isEmpty()) {
      rows.add(new Row(who, "token scopes", Status.OK, String.join(", ", scopes), ""));
    }
    return rows;
  }

  /**
   * GitHub's {@code X-OAuth-Scopes} for a token: a plain {@code GET /user}; empty when the header
   * is absent or the request fails (the token checks report that).
   */
  public static Optional<String> githubHeader(URI apiUrl, Secret token) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(apiUrl.toString().replaceFirst("/+$", "") + "/user"))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + token.reveal())
            .header("Accept", "application/vnd.github+json")
            .GET()
            .build();
    try {
      HttpResponse<Void> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .build()
              .send(request, HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200
          ? response.headers().firstValue("X-OAuth-Scopes")
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
