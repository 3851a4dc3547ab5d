package dev.hydra.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version Maven wrote into {@code version.properties} at build time. */
final class Version {

  private Version() {}

  static String text() {
    Properties props = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "hydra "
        + props.getProperty("version", "unknown")
        + " (commit "
        + commit(props.getProperty("commit", ""))
        + ")"
        + System.lineSeparator()
        + "Java "
        + System.getProperty("java.version")
        + " ("
        + System.getProperty("java.vendor")
        + ")";
  }

  /** The commit the jar was built from; {@code unknown} when the build could not tell. */
  static String commit(String value) {
    return value.matches("[0-9a-f]{40}") ? value : "unknown";
  }
}
