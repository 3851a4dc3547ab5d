package dev.hydra.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.Mount;
import dev.hydra.model.scripted.PersonaCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's {@code /etc/hosts} for the real persona images. */
class DemoHostsTest {

  @TempDir Path dir;

  @Test
  void itPinsExactlyTheBuildersAllowListToLoopback() throws Exception {
    String common = Files.readString(PersonaCli.imagesDir().resolve("base/entrypoint-common.sh"));
    String line =
        common
            .lines()
            .filter(l -> l.contains("printf '%s\\n' registry.npmjs.org"))
            .findFirst()
            .orElseThrow();
    List<String> allowed =
        Arrays.asList(line.substring(line.indexOf("registry.npmjs.org")).strip().split(" +"));
    assertThat(DemoHosts.BUILDER_REGISTRIES).containsExactlyInAnyOrderElementsOf(allowed);
    assertThat(DemoHosts.text())
        .contains("127.0.0.1 localhost\n")
        .contains("127.0.0.1 " + String.join(" ", allowed) + "\n");
  }

  @Test
  void theMountIsReadOnlyAndTheFileReadableByTheAgent() throws Exception {
    Mount mount = DemoHosts.write(dir);
    assertThat(mount.target()).isEqualTo("/etc/hosts");
    assertThat(mount.readOnly()).isTrue();
    assertThat(Files.readString(mount.source())).isEqualTo(DemoHosts.text());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mount.source())))
        .isEqualTo("rw-r--r--");
  }
}
