package dev.hydra.forge;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * A comment on an issue or pull request.
 *
 * @param id the forge's id of the comment
 * @param author the author's login
 * @param body the text
 */
public record Comment(long id, String author, String body) {

  /**
   * The comment {@link Forge#findComment} answers: of {@code comments}, listed oldest first, the
   * newest one by {@code author} (compared ignoring case, as logins are) whose body holds {@code
   * marker}. One rule for every adapter.
   */
  public static Optional<Comment> newestMarked(
      Stream<Comment> comments, String marker, String author) {
    return comments
        .filter(c -> c.author().equalsIgnoreCase(author) && c.body().contains(marker))
        .reduce((older, newer) -> newer);
  }
}
