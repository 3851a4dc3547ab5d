package dev.hydra.forge;

import java.util.List;

/**
 * An issue as the forge reports it now (not as an event payload saw it).
 *
 * @param number the issue number
 * @param title the title (untrusted text)
 * @param body the body (untrusted text), empty when none
 * @param open whether it is open
 * @param author the author's login
 * @param labels the names of its labels
 * @param pullRequest whether it is a pull request
 */
public record Issue(
    int number,
    String title,
    String body,
    boolean open,
    String author,
    List<String> labels,
    boolean pullRequest) {

  public Issue {
    labels = List.copyOf(labels);
  }
}
