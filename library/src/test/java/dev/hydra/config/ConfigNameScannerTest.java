package dev.hydra.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.config.ConfigNameScanner.Found;
import dev.hydra.config.ConfigNameScanner.Use;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner finds a planted name in each kind of source, and nothing in comments. */
class ConfigNameScannerTest {

  @TempDir Path root;

  @Test
  void findsPlantedNamesInEveryKindOfSource() throws IOException {
    write(
        "library/src/main/java/dev/x/Reader.java",
        """
        package dev.x;
        // env.get("HYDRA_IN_A_COMMENT")
        /* "HYDRA_IN_A_BLOCK_COMMENT" */
        class Reader {
          String a = env.getOrDefault("HYDRA_PLANTED_JAVA", "");
          String b = "HYDRA_PLANTED_FAMILY_" + n;
          char c = '"';
          String d = \"""
              set HYDRA_PLANTED_IN_TEXT_BLOCK\""";
          String e = Variables.RUNTIME.name();
        }
        """);
    write(
        "images/base/entry.sh",
        """
        #!/bin/bash
        # ${HYDRA_COMMENTED}
        HYDRA_CONSTANT=64
        SELF="${SELF:-x}"
        echo "$HYDRA_CONSTANT ${HYDRA_PLANTED_SHELL:-} $HOME $SELF"
        for name in GIT_TOKEN CLAUDE_PLANTED_REFUSED; do :; done
        """);
    write("images/base/Dockerfile", "# ARG NOT_THIS\nARG PLANTED_BUILD_ARG=1\nENV X=1\n");
    write("bin/hydra", "#!/bin/sh\njar=${HYDRA_PLANTED_BIN:-x}\n");
    write(
        "action.yml",
        """
        inputs:
          planted-input:
            description: "x"
        outputs:
          out:
            value: x
        runs:
          steps:
            - env:
                HYDRA_PLANTED_ACTION: ${{ inputs.planted-input }}
        """);
    write(
        ".forgejo/workflows/w.yml",
        """
        # vars.HYDRA_COMMENTED_VAR
        jobs:
          j:
            if: vars.HYDRA_PLANTED_VAR != ''
            steps:
              - uses: ./
                env:
                  HYDRA_PLANTED_ENV: ${{ vars.HYDRA_PLANTED_ENV }}
                with:
                  planted-with: ${{ secrets.HYDRA_PLANTED_SECRET }}
        """);

    ConfigNameScanner.Scan scan = ConfigNameScanner.repository(root);

    assertThat(scan.found())
        .extracting(Found::name, Found::use, Found::where)
        .contains(
            tuple("HYDRA_PLANTED_JAVA", Use.NAME, "library/src/main/java/dev/x/Reader.java:5"),
            tuple("HYDRA_PLANTED_FAMILY_", Use.PREFIX, "library/src/main/java/dev/x/Reader.java:6"),
            tuple(
                "HYDRA_PLANTED_IN_TEXT_BLOCK",
                Use.NAME,
                "library/src/main/java/dev/x/Reader.java:9"),
            tuple("HYDRA_PLANTED_SHELL", Use.NAME, "images/base/entry.sh:5"),
            tuple("SELF", Use.NAME, "images/base/entry.sh:5"),
            tuple("CLAUDE_PLANTED_REFUSED", Use.NAME, "images/base/entry.sh:6"),
            tuple("PLANTED_BUILD_ARG", Use.NAME, "images/base/Dockerfile:2"),
            tuple("HYDRA_PLANTED_BIN", Use.NAME, "bin/hydra:2"),
            tuple("planted-input", Use.INPUT, "action.yml:2"),
            tuple("planted-input", Use.INPUT, "action.yml:10"),
            tuple("HYDRA_PLANTED_ACTION", Use.NAME, "action.yml:10"),
            tuple("HYDRA_PLANTED_VAR", Use.NAME, ".forgejo/workflows/w.yml:4"),
            tuple("HYDRA_PLANTED_ENV", Use.NAME, ".forgejo/workflows/w.yml:8"),
            tuple("planted-with", Use.INPUT, ".forgejo/workflows/w.yml:10"),
            tuple("HYDRA_PLANTED_SECRET", Use.NAME, ".forgejo/workflows/w.yml:10"));
    assertThat(scan.found())
        .extracting(Found::name)
        .doesNotContain(
            "HYDRA_IN_A_COMMENT",
            "HYDRA_IN_A_BLOCK_COMMENT",
            "HYDRA_COMMENTED",
            "HYDRA_CONSTANT",
            "HOME",
            "NOT_THIS",
            "X",
            "HYDRA_COMMENTED_VAR",
            "out");
    assertThat(scan.mentioned()).contains("GIT_TOKEN", "field:Variables.RUNTIME");
  }

  @Test
  void theRegistryFilesAreNotReaders() throws IOException {
    write(
        "library/src/main/java/dev/hydra/config/Variables.java",
        "class Variables { String n = \"HYDRA_ONLY_REGISTERED\"; }");
    write("action.yml", "inputs:\n");
    assertThat(ConfigNameScanner.repository(root).found()).isEmpty();
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }

  private void write(String path, String text) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
