package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.config.HydraRelease;
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

  Optional<HydraRelease> release = Optional.empty();

  MainTest.Result init(String forge, String action) {
    return run(
        "--forge",
        forge,
        "--action",
        action,
        "--api-url",
        forge.equals("github") ? "https://api.github.com" : "https://codeberg.org/api/v1");
  }

  MainTest.Result run(String... options) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    InitCommand command =
        new InitCommand(
            image -> {
              probed.add(image.toString());
              return Optional.empty();
            },
            release);
    List<String> args = new ArrayList<>(List.of("init", "--repo", "acme/shop", "--dir"));
    args.add(clone.toString());
    args.addAll(List.of(options));
    int code =
        new Cli(List.of(command), env, new PrintWriter(out), new PrintWriter(err))
            .run(args.toArray(String[]::new));
    return new MainTest.Result(code, out.toString(), err.toString());
  }

  void origin(String url) throws IOException {
    Files.createDirectories(clone.resolve(".git"));
    Files.writeString(
        clone.resolve(".git/config"),
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = " + url + "\n");
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
        .contains(
            "2. Set the secrets at https://github.com/acme/shop/settings/secrets/actions"
                + " (Settings → Secrets and variables → Actions → Secrets; init never writes one)")
        .contains("HYDRA_CLAUDE_TOKEN_2")
        .contains("3. Set the variables at https://github.com/acme/shop/settings/variables/actions")
        .contains("HYDRA_PERSONA_LOGINS  builder=LOGIN")
        .doesNotContain("HYDRA_TRUSTED_LABELERS");
    // The output ends with the exact next steps, in order.
    String steps = first.out().substring(first.out().indexOf("Next:"));
    assertThat(steps.lines().filter(l -> l.matches("\\d\\. .*")).map(l -> l.substring(0, 12)))
        .containsExactly("1. Commit an", "2. Set the s", "3. Set the v", "4. Run the h");
    assertThat(steps)
        .contains(
            "git -C "
                + clone
                + " add .github/workflows && git -C "
                + clone
                + " commit -m \"Adopt Hydra\" && git -C "
                + clone
                + " push")
        .endsWith("then label an issue `ready-to-build`.\n");
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
        .contains("https://codeberg.org/acme/shop/settings/actions/secrets (Settings → Actions")
        .contains("https://codeberg.org/acme/shop/settings/actions/variables")
        .contains("HYDRA_TRUSTED_LABELERS  the logins");
  }

  @Test
  void aReleaseNeedsNoActionAndTheOriginTellsTheForgeAndItsApi() throws IOException {
    release =
        Optional.of(
            new HydraRelease("v0.2.0", "ghcr.io/acme/hydra", "https://github.com/acme/hydra-java"));
    origin("git@github.com:acme/shop.git");
    MainTest.Result gh = run();
    assertThat(gh.code()).as(gh.err()).isZero();
    assertThat(gh.out()).contains("forge     github at https://api.github.com (from the origin");
    assertThat(Files.readString(clone.resolve(".github/workflows/hydra-build.yml")))
        .contains("uses: acme/hydra-java@v0.2.0")
        .contains("# Written by `hydra init` (Hydra v0.2.0)");

    // A Forgejo clone: its host's API, the action in its full URL form.
    origin("https://codeberg.org/acme/shop.git");
    MainTest.Result fj = run();
    assertThat(fj.code()).as(fj.err()).isZero();
    assertThat(fj.out())
        .contains("forge     forgejo at https://codeberg.org/api/v1")
        .contains("https://codeberg.org/acme/shop/settings/actions/secrets");
    assertThat(Files.readString(clone.resolve(".forgejo/workflows/hydra-build.yml")))
        .contains("uses: https://github.com/acme/hydra-java@v0.2.0");
    // --forge beats the origin.
    MainTest.Result forced = run("--forge", "github");
    assertThat(forced.out()).doesNotContain("from the origin");
    assertThat(clone.resolve(".github/workflows/hydra-build.yml")).exists();
  }

  @Test
  void anUnreleasedBuildWithoutActionAndAnUnknownForgeAreClearErrors() throws IOException {
    origin("https://github.com/acme/shop.git");
    MainTest.Result unreleased = run();
    assertThat(unreleased.code()).isEqualTo(2);
    assertThat(unreleased.err())
        .contains("this Hydra is not a release: pass --action OWNER/hydra-java@<full commit sha>");
    // A release that did not record its repository is no better.
    release = Optional.of(new HydraRelease("v0.2.0", "ghcr.io/acme/hydra"));
    assertThat(run().err()).contains("this Hydra is not a release");

    // No origin, no --forge: the clear error of every command, not a guess.
    origin("/srv/git/shop.git");
    MainTest.Result unknown = run("--action", "acme/hydra-java@" + SHA);
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("cannot tell which forge to use");
    assertThat(clone.resolve(".github/workflows")).doesNotExist();
    assertThat(clone.resolve(".forgejo/workflows")).doesNotExist();
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
