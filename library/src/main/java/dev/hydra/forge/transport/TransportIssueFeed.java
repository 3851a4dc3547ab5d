package dev.hydra.forge.transport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.IssueFeed;
import dev.hydra.forge.RepoRef;
import dev.hydra.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@link IssueFeed} of both forges over one {@link BoundTransport}: GitHub's and Forgejo's
 * issue lists have the same shape ({@code number}, {@code title}, {@code body}, {@code state},
 * {@code user.login}, {@code labels[].name}, {@code pull_request} on pull requests) and the same
 * {@code Link: rel="next"} paging.
 *
 * <p>The first page is asked with {@code If-None-Match}: GitHub answers {@code 304} when nothing
 * changed, which does not count against the rate limit. Forgejo's API documents no {@code ETag} on
 * issue lists (its swagger lists only 200 and 404 for {@code GET /repos/{owner}/{repo}/issues}), so
 * there every poll is a plain read of the first page, and the condition is sent only if a Forgejo
 * ever answers with an {@code ETag}.
 */
public final class TransportIssueFeed implements IssueFeed {

  /** The most pages read per listing (10,000 open items on GitHub). */
  static final int MAX_PAGES = 100;

  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

  private final BoundTransport transport;
  private final String listQuery;

  private TransportIssueFeed(BoundTransport transport, String listQuery) {
    this.transport = transport;
    this.listQuery = listQuery;
  }

  /** GitHub's list: open issues and pull requests, newest update first, 100 a page. */
  public static TransportIssueFeed gitHub(BoundTransport transport) {
    return new TransportIssueFeed(
        transport, "?state=open&sort=updated&direction=desc&per_page=100");
  }

  /** Forgejo's list: the same, 50 a page (its default maximum). */
  public static TransportIssueFeed forgejo(BoundTransport transport) {
    return new TransportIssueFeed(transport, "?state=open&sort=recentupdate&limit=50");
  }

  @Override
  public Page openItems(RepoRef repo, @Nullable String etag) throws ForgeException {
    ForgeErrors.Attempt attempt =
        new ForgeErrors.Attempt(
            transport, Operation.READ_ISSUE, repo.fullName() + " (open issues)");
    URI first =
        transport.resolve("/repos/" + repo.owner() + "/" + repo.name() + "/issues" + listQuery);
    HttpResponse<byte[]> response = get(attempt, first, etag);
    if (response.statusCode() == 304) {
      return new Page(Optional.empty(), etag, 1);
    }
    check(attempt, response);
    String fresh = response.headers().firstValue("etag").orElse(null);
    List<Issue> items = new ArrayList<>();
    int requests = 1;
    while (true) {
      for (JsonNode node : read(attempt, response)) {
        items.add(issue(node));
      }
      Optional<URI> next = next(attempt, response);
      if (next.isEmpty() || requests >= MAX_PAGES) {
        return new Page(Optional.of(items), fresh, requests);
      }
      response = get(attempt, next.get(), null);
      check(attempt, response);
      requests++;
    }
  }

  @Override
  public List<RepoRef> repositories(String owner) throws ForgeException {
    ForgeErrors.Attempt attempt =
        new ForgeErrors.Attempt(transport, Operation.TOKEN_PERMISSION, owner + " (repositories)");
    List<RepoRef> repos = new ArrayList<>();
    URI next = transport.resolve("/orgs/" + owner + "/repos?per_page=100&limit=50");
    HttpResponse<byte[]> response = get(attempt, next, null);
    if (response.statusCode() == 404) {
      // Not an organisation: a user's own repositories.
      response =
          get(attempt, transport.resolve("/users/" + owner + "/repos?per_page=100&limit=50"), null);
    }
    for (int page = 0; page < MAX_PAGES; page++) {
      check(attempt, response);
      for (JsonNode node : read(attempt, response)) {
        if (!node.path("archived").asBoolean(false)) {
          repos.add(
              RepoRef.of(
                  node.path("owner").path("login").asText(owner), node.path("name").asText()));
        }
      }
      Optional<URI> more = next(attempt, response);
      if (more.isEmpty()) {
        break;
      }
      response = get(attempt, more.get(), null);
    }
    return repos;
  }

  private HttpResponse<byte[]> get(ForgeErrors.Attempt attempt, URI uri, @Nullable String etag)
      throws ForgeException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).GET().header("Accept", "application/json");
    if (etag != null) {
      request.header("If-None-Match", etag);
    }
    try {
      return transport.send(request.build());
    } catch (IOException e) {
      throw ForgeErrors.fromFailure(attempt, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ForgeErrors.fromFailure(attempt, e);
    }
  }

  private static void check(ForgeErrors.Attempt attempt, HttpResponse<byte[]> response)
      throws ForgeException {
    if (response.statusCode() != 200) {
      throw ForgeErrors.fromStatus(
          attempt,
          response.statusCode(),
          new String(response.body(), StandardCharsets.UTF_8),
          null);
    }
  }

  private static List<JsonNode> read(ForgeErrors.Attempt attempt, HttpResponse<byte[]> response)
      throws ForgeException {
    JsonNode array;
    try {
      array = Json.mapper().readTree(response.body());
    } catch (IOException e) {
      throw ForgeErrors.fromFailure(attempt, e);
    }
    List<JsonNode> nodes = new ArrayList<>();
    array.forEach(nodes::add);
    return nodes;
  }

  private static Optional<URI> next(ForgeErrors.Attempt attempt, HttpResponse<byte[]> response)
      throws ForgeException {
    Matcher m = NEXT.matcher(response.headers().firstValue("link").orElse(""));
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      // An absolute URL from the answer: the transport refuses it unless it is our origin.
      return Optional.of(URI.create(m.group(1)));
    } catch (IllegalArgumentException e) {
      throw ForgeErrors.fromFailure(attempt, new IOException("invalid Link header", e));
    }
  }

  static Issue issue(JsonNode node) {
    List<String> labels = new ArrayList<>();
    node.path("labels").forEach(l -> labels.add(l.path("name").asText()));
    JsonNode pull = node.path("pull_request");
    return new Issue(
        node.path("number").asInt(),
        node.path("title").asText(""),
        node.path("body").isTextual() ? node.path("body").asText() : "",
        node.path("state").asText("open").equals("open"),
        node.path("user").path("login").asText(""),
        labels,
        !pull.isMissingNode() && !pull.isNull());
  }
}
