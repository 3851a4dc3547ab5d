package dev.hydra.event;

import dev.hydra.forge.ForgeType;
import dev.hydra.forge.RepoRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Example event payloads bundled in the jar, so that a newcomer can watch Hydra decide without a
 * forge: {@code hydra explain --example}.
 */
public final class EventExamples {

  /** The example used when none is named: a GitHub issue labelled {@code ready-to-build}. */
  public static final String DEFAULT = "issues-labeled";

  private static final List<Example> ALL =
      List.of(
          new Example(
              "issues-labeled", EventName.ISSUES, ForgeType.GITHUB, "github-issues-labeled.json"),
          new Example(
              "forgejo-issues-labeled",
              EventName.ISSUES,
              ForgeType.FORGEJO,
              "forgejo-issues-label-updated.json"),
          new Example(
              "pull-request-opened",
              EventName.PULL_REQUEST,
              ForgeType.GITHUB,
              "github-pull-request-opened.json"));

  private EventExamples() {}

  /**
   * Finds an example by name.
   *
   * @throws InvalidEventException naming the examples that exist
   */
  public static Example get(String name) throws InvalidEventException {
    for (Example example : ALL) {
      if (example.name().equals(name)) {
        return example;
      }
    }
    throw new InvalidEventException(
        "no example event "
            + dev.hydra.text.Texts.quote(name)
            + "; choose one of "
            + String.join(", ", names()));
  }

  /** The names of all examples. */
  public static List<String> names() {
    List<String> names = new ArrayList<>();
    for (Example example : ALL) {
      names.add(example.name());
    }
    return names;
  }

  /**
   * One bundled example.
   *
   * @param name its name on the command line
   * @param event the event it is a payload of
   * @param forge the forge that sends it
   * @param resource the payload file beside this class
   */
  public record Example(String name, EventName event, ForgeType forge, String resource) {

    /** The payload bytes. */
    public byte[] payload() {
      try (InputStream in = EventExamples.class.getResourceAsStream("examples/" + resource)) {
        if (in == null) {
          throw new IllegalStateException("example " + resource + " is missing from the jar");
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Parses the payload. */
    public ForgeEvent parse(Optional<RepoRef> fallbackRepository) throws InvalidEventException {
      return EventParser.parse(event, payload(), fallbackRepository);
    }
  }

  /** The names, for picocli's completion candidates. */
  public static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return names().iterator();
    }
  }
}
