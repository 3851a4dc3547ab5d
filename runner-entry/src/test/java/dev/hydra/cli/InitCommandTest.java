package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.forge.ForgeType;
import dev.hydra.ops.AdopterWorkflows;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hydra init} (issue 12 item 11) in a local clone, with no forge request needed. */
class InitCommandTest {

  static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path clone;
  final List<String> probed = new ArrayList<>();
  final Map<String, String> env = new HashMap<>();

  MainTest.Result init(String forge, String action) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    InitCommand command =
        new InitCommand(
            image -> {
              probed.add(image.toString());
              return Optional.empty();
            });
    int code =
        new Cli(List.of(command), env, new PrintWriter(out), new PrintWriter(err))
            .run(
                new String[] {
                  "init",
                  "--repo",
                  "acme/shop",
                  "--forge",
                  forge,
                  "--dir",
                  clone.toString(),
                  "--action",
                  action,
                  "--api-url",
                  forge.equals("github") ? "https://api.github.com" : "https://codeberg.org/api/v1"
                });
    return new MainTest.Result(code, out.toString(), err.toString());
  }

  @Test
  void writesTheWorkflowsPinnedAndPrintsWhatIsLeftAndIsIdempotent() throws IOException {
    Files.createDirectories(clone.resolve(".git"));
    env.put("HYDRA_IMAGE_PREFIX", "ghcr.io/acme/hydra");
    MainTest.Result first = init("github", "acme/hydra-java@" + SHA);
    assertThat(first.code()).as(first.err()).isZero();
    for (String file : AdopterWorkflows.FILES) {
      Path written = clone.resolve(".github/workflows").resolve(file);
      String text = Files.readString(written, StandardCharsets.UTF_8);
      assertThat(text)
          .as(file)
          .doesNotContain("uses: ./")
          .contains("uses: acme/hydra-java@" + SHA)
          .contains("# Written by `hydra init`")
          .doesNotContain("# Adopting Hydra");
      // Nothing but the uses: lines and the note differs from Hydra's own, tested workflow.
      String own = InitCommand.template(ForgeType.GITHUB, file);
      assertThat(
              text.replace("uses: acme/hydra-java@" + SHA, "uses: ./")
                  .lines()
                  .filter(l -> !l.startsWith("#")))
          .containsExactlyElementsOf(own.lines().filter(l -> !l.startsWith("#")).toList());
    }
    assertThat(first.out())
        .contains("written   .github/workflows/hydra-build.yml")
        .contains("labels    not seeded: set HYDRA_BUILDER_TOKEN")
        .contains("token present")
        .contains("Secrets (https://github.com/acme/shop/settings/secrets/actions")
        .contains("HYDRA_CLAUDE_TOKEN_2")
        .contains("HYDRA_PERSONA_LOGINS  builder=LOGIN")
        .doesNotContain("HYDRA_TRUSTED_LABELERS");
    assertThat(probed).contains("ghcr.io/acme/hydra-builder:latest");

    MainTest.Result second = init("github", "acme/hydra-java@" + SHA);
    assertThat(second.out())
        .contains("unchanged .github/workflows/hydra-build.yml")
        .contains("unchanged .github/workflows/hydra-doctor.yml");
  }

  @Test
  void onForgejoTheFilesGoToTheForgejoFolderAndTheTrustedLabellersAreNamed() throws IOException {
    Files.createDirectories(clone.resolve(".git"));
    String action = "https://github.com/acme/hydra-java@" + SHA;
    MainTest.Result r = init("forgejo", action);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(clone.resolve(".forgejo/workflows/hydra-review.yml")))
        .contains("uses: " + action)
        .contains("trusted-labelers: ${{ vars.HYDRA_TRUSTED_LABELERS }}");
    assertThat(r.out())
        .contains("https://codeberg.org/acme/shop/settings/actions/secrets")
        .contains("HYDRA_TRUSTED_LABELERS  the logins");
  }

  @Test
  void refusesWithoutAClonePinOrValidReferenceAndWritesNothing() throws IOException {
    assertThat(init("github", "acme/hydra-java@" + SHA).err()).contains("is not a git clone");
    Files.createDirectories(clone.resolve(".git"));
    MainTest.Result bad = init("github", "hydra-java");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("is not OWNER/REPO@REF");
    assertThat(clone.resolve(".github/workflows/hydra-build.yml")).doesNotExist();
  }
}
