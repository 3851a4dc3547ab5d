package dev.hydra.event;

import dev.hydra.forge.RepoRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Loads an event payload from the file Actions names in {@code GITHUB_EVENT_PATH}. */
public final class EventFiles {

  /**
   * Largest payload accepted. GitHub caps webhook payloads at 25 MB; anything larger is not an
   * event payload.
   */
  public static final int MAX_BYTES = 25 * 1024 * 1024;

  private EventFiles() {}

  /**
   * Reads and parses an event file.
   *
   * @param path the payload file
   * @param eventName the event name as Actions spells it
   * @param fallbackRepository {@code GITHUB_REPOSITORY}, for payloads without a repository
   * @return the normalised event
   * @throws InvalidEventException when the name is not supported, or the file is missing,
   *     unreadable, too large or not a payload of that event
   */
  public static ForgeEvent load(Path path, String eventName, Optional<RepoRef> fallbackRepository)
      throws InvalidEventException {
    EventName name = eventName(eventName);
    return EventParser.parse(name, read(path), fallbackRepository);
  }

  /**
   * Resolves an event name.
   *
   * @throws InvalidEventException for names Hydra does not handle, naming the ones it does
   */
  public static EventName eventName(String eventName) throws InvalidEventException {
    if (eventName.isBlank()) {
      throw new InvalidEventException(
          "no event name: pass --event-name NAME or set GITHUB_EVENT_NAME (one of "
              + EventName.supported()
              + ")");
    }
    Optional<EventName> name = EventName.fromId(eventName);
    if (name.isEmpty()) {
      String hint =
          eventName.equals("pull_request_target")
              ? "; pull_request_target runs fork code with secrets, use pull_request as Hydra's"
                  + " hydra-review.yml does"
              : "; check the workflow's `on:` block";
      throw new InvalidEventException(
          "unsupported event "
              + dev.hydra.text.Texts.quote(eventName)
              + ": Hydra handles "
              + EventName.supported()
              + hint);
    }
    return name.get();
  }

  private static byte[] read(Path path) throws InvalidEventException {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new InvalidEventException(
            "event file "
                + path
                + " is larger than "
                + (MAX_BYTES >> 20)
                + " MiB, which no forge sends; pass the file Actions wrote to GITHUB_EVENT_PATH");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new InvalidEventException(
          "event file "
              + path
              + " does not exist; pass --event FILE or run inside Actions, which sets"
              + " GITHUB_EVENT_PATH",
          e);
    } catch (AccessDeniedException e) {
      throw new InvalidEventException(
          "event file " + path + " is not readable by this user; check its permissions", e);
    } catch (IOException e) {
      throw new InvalidEventException(
          "event file " + path + " cannot be read (" + e.getMessage() + ")", e);
    }
  }
}
