package dev.hydra.forge.forgejo;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.forgejo.client.invoker.ApiException;
import dev.hydra.forge.forgejo.client.invoker.ApiResponse;
import dev.hydra.forge.transport.ForgeErrors;
import dev.hydra.forge.transport.ForgeErrors.Attempt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link ForgejoForge} calls the generated client: each call's {@link ApiException} translated
 * once into a {@code ForgeException}, and listings read page by page to their end.
 */
final class ForgejoCalls {

  private static final Logger LOG = LoggerFactory.getLogger(ForgejoForge.class);

  private ForgejoCalls() {}

  /** A generated-client call; its exceptions are translated once, here. */
  @FunctionalInterface
  interface ForgejoCall<T> {
    T run() throws ApiException;
  }

  /** One page of a listing. */
  @FunctionalInterface
  interface PageCall<T> {
    ApiResponse<List<T>> fetch(int page, int limit) throws ApiException;
  }

  static <T> T call(Attempt attempt, ForgejoCall<T> call) throws ForgeException {
    return call(attempt, call, "");
  }

  static <T> T call(Attempt attempt, ForgejoCall<T> call, String conflictHint)
      throws ForgeException {
    try {
      return call.run();
    } catch (ApiException e) {
      throw translate(attempt, e, conflictHint);
    }
  }

  /**
   * The generated client's one exception: an error status with its body, or (code 0) the
   * transport's failure or an unreadable answer as its cause.
   */
  static ForgeException translate(Attempt attempt, ApiException e, String conflictHint) {
    if (e.getCode() >= 300) {
      return ForgeErrors.fromStatus(
          attempt, e.getCode(), ForgejoMapping.orEmpty(e.getResponseBody()), conflictHint, e);
    }
    return ForgeErrors.fromFailure(attempt, e);
  }

  /** How a listing shows that it has been read to its end. */
  enum Paging {
    /**
     * {@code X-Total-Count} is the size of the whole listing ({@code issueListLabels}, {@code
     * repoListPullRequests}); without it, a short page is the last.
     */
    TOTAL_COUNT,
    /**
     * Only an empty page ends it. {@code issueGetCommentsAndTimeline} sets {@code X-Total-Count} to
     * the number of items on the page it answers ({@code ListIssueCommentsAndTimeline}: {@code
     * SetTotalCountHeader(int64(len(apiComments)))}), and drops from a page the items the token may
     * not see (code comments, references from repositories it cannot read), so neither the header
     * nor a short page says that no page follows.
     */
    UNTIL_EMPTY
  }

  /** Reads every page of a listing, {@link ForgejoForge#PAGE_SIZE} items asked per page. */
  static <T> List<T> pages(Attempt attempt, Paging paging, PageCall<T> call) throws ForgeException {
    List<T> all = new ArrayList<>();
    for (int page = 1; page <= ForgejoForge.MAX_PAGES; page++) {
      int current = page;
      ApiResponse<List<T>> response =
          call(attempt, () -> call.fetch(current, ForgejoForge.PAGE_SIZE));
      List<T> items = response.getData() == null ? List.of() : response.getData();
      all.addAll(items);
      OptionalLong total = totalCount(response.getHeaders());
      boolean more =
          switch (paging) {
            case TOTAL_COUNT ->
                total.isPresent()
                    ? all.size() < total.getAsLong()
                    : items.size() >= ForgejoForge.PAGE_SIZE;
            case UNTIL_EMPTY -> true;
          };
      if (items.isEmpty() || !more) {
        return all;
      }
    }
    LOG.warn("stopped after {} pages when trying to {}", ForgejoForge.MAX_PAGES, attempt.target());
    return all;
  }

  private static OptionalLong totalCount(@Nullable Map<String, List<String>> headers) {
    if (headers == null) {
      return OptionalLong.empty();
    }
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if ("x-total-count".equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
        try {
          return OptionalLong.of(Long.parseLong(header.getValue().get(0).strip()));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }
}
