package dev.hydra.forge.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.transport.BoundTransport;
import dev.hydra.forge.transport.ForgeErrors;
import dev.hydra.forge.transport.ForgeErrors.Attempt;
import dev.hydra.json.Json;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.kohsuke.github.GHException;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link GitHubForge} talks to GitHub: github-api calls with their failures translated once,
 * and plain REST (paged listings, the endpoints github-api lacks) through the same {@link
 * BoundTransport}, so the token, the host binding and the rate-limit waits are the same for both.
 */
final class GitHubRest {

  private static final Logger LOG = LoggerFactory.getLogger(GitHubForge.class);

  private final BoundTransport transport;

  GitHubRest(BoundTransport transport) {
    this.transport = transport;
  }

  /** A github-api call; its exceptions are translated once, here. */
  @FunctionalInterface
  interface GitHubCall<T> {
    T run() throws IOException;
  }

  static <T> T hub(Attempt attempt, GitHubCall<T> call) throws ForgeException {
    return hub(attempt, call, "");
  }

  static <T> T hub(Attempt attempt, GitHubCall<T> call, String conflictHint) throws ForgeException {
    try {
      return call.run();
    } catch (IOException | GHException e) {
      throw translate(attempt, e, conflictHint);
    }
  }

  /**
   * github-api's failures: {@link GHFileNotFoundException} (and a plain {@code
   * FileNotFoundException} when the 404 had no body) for 404, {@link HttpException} with the status
   * for other error responses (its message is the body), and the unchecked {@link GHException} from
   * paging wrapping either. Anything else came from the transport (refused host, rate limit,
   * timeout) or from reading the answer.
   */
  static ForgeException translate(Attempt attempt, Throwable failure, String conflictHint) {
    if (failure instanceof GHException && failure.getCause() != null) {
      return translate(attempt, failure.getCause(), conflictHint);
    }
    if (failure instanceof FileNotFoundException) {
      return ForgeErrors.fromStatus(attempt, 404, jsonPart(failure.getMessage()), failure);
    }
    if (failure instanceof HttpException http && http.getResponseCode() >= 300) {
      return ForgeErrors.fromStatus(
          attempt, http.getResponseCode(), jsonPart(http.getMessage()), conflictHint, failure);
    }
    return ForgeErrors.fromFailure(attempt, failure);
  }

  /** github-api prefixes the body with the URL for 404s; the JSON starts at the first brace. */
  private static String jsonPart(@Nullable String message) {
    if (message == null) {
      return "";
    }
    int brace = message.indexOf('{');
    return brace < 0 ? "" : message.substring(brace);
  }

  URI repoPath(RepoRef repo, String rest) {
    return transport.resolve("/repos/" + repo.owner() + "/" + repo.name() + rest);
  }

  /** GraphQL beside the REST API: {@code /graphql}, or {@code /api/graphql} on GHES. */
  URI graphQlUrl() {
    String base = transport.resolve("").toString();
    if (base.toLowerCase(Locale.ROOT).endsWith("/api/v3")) {
      return URI.create(base.substring(0, base.length() - "/v3".length()) + "/graphql");
    }
    return URI.create(base + "/graphql");
  }

  HttpResponse<byte[]> rest(Attempt attempt, String method, URI uri, @Nullable Object body)
      throws ForgeException {
    return rest(attempt, method, uri, body, "");
  }

  HttpResponse<byte[]> rest(
      Attempt attempt, String method, URI uri, @Nullable Object body, String conflictHint)
      throws ForgeException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28");
    if (body == null) {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      try {
        builder
            .header("Content-Type", "application/json")
            .method(
                method,
                HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write a request body: " + e.getMessage(), e);
      }
    }
    HttpResponse<byte[]> response;
    try {
      response = transport.send(builder.build());
    } catch (IOException e) {
      throw ForgeErrors.fromFailure(attempt, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ForgeErrors.fromFailure(attempt, e);
    }
    if (response.statusCode() >= 300) {
      throw ForgeErrors.fromStatus(
          attempt,
          response.statusCode(),
          new String(response.body(), StandardCharsets.UTF_8),
          conflictHint,
          null);
    }
    return response;
  }

  static <T> T read(Attempt attempt, HttpResponse<byte[]> response, TypeReference<T> type)
      throws ForgeException {
    try {
      return Json.mapper().readValue(response.body(), type);
    } catch (IOException e) {
      throw ForgeErrors.fromFailure(attempt, e);
    }
  }

  /** A request to one of an issue's sub-resources: {@code labels} or {@code comments}. */
  HttpResponse<byte[]> toIssue(
      Attempt attempt, String method, RepoRef repo, int issue, String what, Object body)
      throws ForgeException {
    return rest(attempt, method, repoPath(repo, "/issues/" + issue + "/" + what), body);
  }

  /** Every page of one of an issue's listings: {@code events} or {@code comments}. */
  <T> List<T> issueListing(
      Attempt attempt, RepoRef repo, int issue, String what, TypeReference<List<T>> type)
      throws ForgeException {
    return readPages(
        attempt, repoPath(repo, "/issues/" + issue + "/" + what + "?per_page=100"), type);
  }

  /** Reads a listing and every page after it, following {@code Link: rel="next"}. */
  <T> List<T> readPages(Attempt attempt, URI first, TypeReference<List<T>> type)
      throws ForgeException {
    List<T> all = new ArrayList<>();
    URI next = first;
    for (int page = 0; page < GitHubForge.MAX_PAGES; page++) {
      HttpResponse<byte[]> response = rest(attempt, "GET", next, null);
      all.addAll(read(attempt, response, type));
      Optional<String> link =
          GitHubWire.nextLink(response.headers().firstValue("link").orElse(null));
      if (link.isEmpty()) {
        return all;
      }
      try {
        // An absolute URL from the answer: the transport refuses it unless it is our host.
        next = URI.create(link.get());
      } catch (IllegalArgumentException e) {
        throw ForgeErrors.fromFailure(
            attempt, new IOException("invalid Link header: " + e.getMessage(), e));
      }
    }
    LOG.warn("stopped after {} pages of {}", GitHubForge.MAX_PAGES, first);
    return all;
  }

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
