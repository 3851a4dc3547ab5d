package dev.hydra.forge;

/**
 * A comment on an issue or pull request.
 *
 * @param id the forge's id of the comment
 * @param author the author's login
 * @param body the text
 */
public record Comment(long id, String author, String body) {}
