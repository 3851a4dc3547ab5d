package dev.hydra.demo;

import dev.hydra.container.Mount;
import dev.hydra.stage.EgressPins;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The {@code /etc/hosts} of the real persona images' containers in the demo. The builder's egress
 * firewall allows HTTPS to the package registries of its allow-list and fails closed when one of
 * their names does not resolve; Docker's embedded DNS forwards from inside the container, where
 * that firewall drops it, and an offline machine resolves nothing. So the demo pins those names to
 * loopback, where nothing listens on port 443: the firewall starts as in production, the scripted
 * builder needs no registry, and no connection leaves the machine. It is mounted read-only; the
 * persona firewall test pins them the same way ({@code --add-host}).
 */
final class DemoHosts {

  /** The builder's allow-listed registries, the runner's list ({@link EgressPins}). */
  static final List<String> BUILDER_REGISTRIES = EgressPins.BUILDER_REGISTRIES;

  private DemoHosts() {}

  /** The file's text: localhost, and every registry on 127.0.0.1. */
  static String text() {
    return "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n"
        + "127.0.0.1 "
        + String.join(" ", BUILDER_REGISTRIES)
        + "\n";
  }

  /**
   * Writes the file into the demo's folder and returns its read-only mount at {@code /etc/hosts}.
   */
  static Mount write(Path dir) throws IOException {
    Path file = dir.resolve("etc-hosts");
    Files.writeString(file, text(), StandardCharsets.UTF_8);
    // The agent user reads it too, whatever the umask of the person running the demo.
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: Docker Desktop shares the file readable as it is
    }
    return new Mount(file, "/etc/hosts", true);
  }
}
