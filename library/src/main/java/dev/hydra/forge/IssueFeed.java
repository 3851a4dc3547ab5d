package dev.hydra.forge;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The supervisor's polling read of a repository: its open issues and pull requests with their
 * labels, asked conditionally, so that an idle cycle costs one request per repository and, on
 * GitHub, nothing against the rate limit (a {@code 304 Not Modified} is free).
 *
 * <p>The list is sorted by last update, newest first: any change to any open item (a label added or
 * removed, an edit, a new issue) moves it to the first page and changes that page's {@code ETag},
 * so the first page alone tells whether anything changed; the other pages are read only then.
 */
public interface IssueFeed {

  /**
   * One answer of the list call.
   *
   * @param items every open issue and pull request (newest update first), or empty when the forge
   *     answered that nothing changed since {@code etag}
   * @param etag the first page's {@code ETag} to send next time; null when the forge sent none
   *     (then every poll is a plain read)
   * @param requests how many requests it took
   */
  record Page(Optional<List<Issue>> items, @Nullable String etag, int requests) {

    public Page {
      items = items.map(List::copyOf);
    }

    /** Whether the forge answered {@code 304 Not Modified}. */
    public boolean notModified() {
      return items.isEmpty();
    }
  }

  /**
   * Lists the open items of a repository, conditionally.
   *
   * @param etag the {@code ETag} of the last answer, sent as {@code If-None-Match}; null for none
   * @throws ForgeException when the repository cannot be listed
   */
  Page openItems(RepoRef repo, @Nullable String etag) throws ForgeException;

  /**
   * Every repository of an owner (a user or an organisation) the token can see, archived ones left
   * out.
   *
   * @throws ForgeException when they cannot be listed
   */
  List<RepoRef> repositories(String owner) throws ForgeException;
}
