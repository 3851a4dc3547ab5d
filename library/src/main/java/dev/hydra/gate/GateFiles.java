package dev.hydra.gate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reads {@link GateFile#PATH} from a checkout. Which checkout is the caller's choice, and it
 * matters: read it from the base commit (the target branch), so that the builder's own commits
 * cannot change the gates that judge them (docs/gates.md).
 */
public final class GateFiles {

  private GateFiles() {}

  /**
   * Reads and parses the gate file under {@code root}, following no link.
   *
   * @return the gates, or {@link GateFile#absent()} when there is no file
   * @throws GateFileException when the file is a link, not a regular file, too large, not UTF-8,
   *     unreadable or invalid
   */
  public static GateFile read(Path root) throws GateFileException {
    Path folder = root.resolve(".hydra");
    Path file = root.resolve(GateFile.PATH);
    if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)
        || (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
            && !Files.exists(file, LinkOption.NOFOLLOW_LINKS))) {
      return GateFile.absent();
    }
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
        || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new GateFileException(
          GateFile.PATH + " is a link or not a regular file; commit it as a plain file");
    }
    try {
      long size = Files.size(file);
      if (size > GateFileParser.MAX_CHARS) {
        throw new GateFileException(
            GateFile.PATH
                + " has "
                + size
                + " bytes, more than "
                + GateFileParser.MAX_CHARS
                + "; shorten it");
      }
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
      return GateFile.parse(text);
    } catch (CharacterCodingException e) {
      throw new GateFileException(GateFile.PATH + " is not UTF-8; save it as UTF-8", e);
    } catch (IOException e) {
      throw new GateFileException(
          GateFile.PATH
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + "); check the checkout",
          e);
    }
  }
}
