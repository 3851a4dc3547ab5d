package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The overlay folder's validation against Hydra's real images/: every bad input, its message. */
class ImageOverlayTest {

  static final Path HYDRA = ImageTestSupport.imagesDir();

  @TempDir Path overlay;

  static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  ImageOverlay read() throws InvalidConfigurationException {
    return ImageOverlay.read(overlay, HYDRA);
  }

  @Test
  void aValidOverlayIsReadWithCommentsAndBlankLinesIgnored() throws Exception {
    write(overlay.resolve("CLAUDE.md"), "Use Java 17.\n");
    write(overlay.resolve("packages.txt"), "# tools\nopenjdk-17-jdk-headless\n\nmaven\nmaven\n");
    write(overlay.resolve("builder/tools.txt"), "Bash(npm test:*)\n# c\nBash(mvn -q verify:*)\n");
    write(overlay.resolve("reviewer/CLAUDE.md"), "Check the changelog.\n");
    write(overlay.resolve("README.md"), "notes\n");

    ImageOverlay o = read();

    assertThat(o.instructions()).isEqualTo("Use Java 17.\n");
    assertThat(o.packages()).containsExactly("openjdk-17-jdk-headless", "maven");
    assertThat(o.persona("builder").tools())
        .containsExactly("Bash(npm test:*)", "Bash(mvn -q verify:*)");
    assertThat(o.persona("reviewer").instructions()).isEqualTo("Check the changelog.\n");
    assertThat(o.persona("applier").tools()).isEmpty();
    assertThat(o.filesOf("builder"))
        .containsExactly("CLAUDE.md", "packages.txt", "builder/tools.txt");
    assertThat(o.filesOf("security")).containsExactly("CLAUDE.md", "packages.txt");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          builder/tools.txt  | Bash(git push:*)         | would allow Bash(git push:*), which the builder persona's managed settings deny
          builder/tools.txt  | Bash(git  push origin)   | would allow Bash(git push:*)
          builder/tools.txt  | Bash(git:*)              | would allow Bash(git
          reviewer/tools.txt | Bash(*)                  | would allow Bash(
          reviewer/tools.txt | Write                    | would allow Write, which the reviewer persona's
          reviewer/tools.txt | Write(src/**)            | would allow Write,
          applier/tools.txt  | Bash(curl:*)             | would allow Bash(curl:*)
          builder/tools.txt  | bypassPermissions        | asks for bypass mode
          builder/tools.txt  | --dangerously-skip-permissions | asks for bypass mode
          builder/tools.txt  | Bash(rm '-rf')           | is not a tool rule
          builder/tools.txt  | Bash(echo $HOME)         | is not a tool rule
          builder/tools.txt  | Read,Write               | is not a tool rule
          packages.txt       | curl; rm -rf /           | is not a Debian package name
          packages.txt       | Maven                    | is not a Debian package name
          packages.txt       | maven=3.8                | is not a Debian package name
          security/packages.txt | $(id)                 | is not a Debian package name
          """)
  void aBadEntryNamesTheFileTheEntryAndTheFix(String file, String entry, String message)
      throws IOException {
    write(overlay.resolve(file), entry + "\n");

    assertThatThrownBy(this::read)
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith(overlay.resolve(file) + ": ")
        .hasMessageContaining(message);
  }

  @Test
  void anUnknownFileOrFolderALinkOrBadTextIsRefusedByName() throws IOException {
    write(overlay.resolve("builder/tools.env"), "X=1\n");
    assertThatThrownBy(this::read)
        .hasMessageContaining("builder/tools.env: not an overlay file")
        .hasMessageContaining("CLAUDE.md, packages.txt, tools.txt");
    Files.delete(overlay.resolve("builder/tools.env"));

    write(overlay.resolve("planner/CLAUDE.md"), "x");
    assertThatThrownBy(this::read)
        .hasMessageContaining("planner: unknown folder; the persona folders are builder");
    Files.delete(overlay.resolve("planner/CLAUDE.md"));
    Files.delete(overlay.resolve("planner"));

    Files.createSymbolicLink(overlay.resolve("CLAUDE.md"), Path.of("/etc/passwd"));
    assertThatThrownBy(this::read).hasMessageContaining("CLAUDE.md: a symbolic link");
    Files.delete(overlay.resolve("CLAUDE.md"));

    Files.write(overlay.resolve("CLAUDE.md"), new byte[] {(byte) 0xff, (byte) 0xfe, 'a'});
    assertThatThrownBy(this::read).hasMessageContaining("CLAUDE.md: not UTF-8 text");

    write(overlay.resolve("CLAUDE.md"), "x".repeat(ImageOverlay.MAX_INSTRUCTIONS + 1));
    assertThatThrownBy(this::read).hasMessageContaining("CLAUDE.md: larger than 64 KiB");
  }

  @Test
  void aMissingFolderOrNotHydrasImagesIsRefusedWithTheFix() throws IOException {
    assertThatThrownBy(() -> ImageOverlay.read(overlay.resolve("nope"), HYDRA))
        .hasMessageContaining("is not a directory; pass the overlay folder");
    write(overlay.resolve("builder/tools.txt"), "Bash(npm test:*)\n");
    assertThatThrownBy(() -> ImageOverlay.read(overlay, overlay))
        .hasMessageContaining("not Hydra's images/; pass --context");
  }
}
