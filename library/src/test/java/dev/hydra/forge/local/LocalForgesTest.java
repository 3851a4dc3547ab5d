package dev.hydra.forge.local;

import static dev.hydra.forge.local.Demo.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.forge.ForgeConflictException;
import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeNotFoundException;
import dev.hydra.forge.Issue;
import dev.hydra.forge.Permission;
import dev.hydra.forge.RepoRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalForgesTest {

  static final RepoRef REPO = RepoRef.of("acme", "shop");

  @TempDir Path dir;

  @Test
  void initCreatesTheLayout() throws Exception {
    LocalForges.init(dir, REPO, Map.of("ann", Permission.WRITE), "trunk", CLOCK);

    Path repoDir = dir.resolve("repos/acme/shop");
    assertThat(repoDir.resolve("repo.json")).isRegularFile();
    assertThat(repoDir.resolve("users.json")).content().contains("\"ann\" : \"write\"");
    assertThat(repoDir.resolve("issues")).isDirectory();
    assertThat(repoDir.resolve("pulls")).isDirectory();
    assertThat(dir.resolve("personas.json"))
        .content()
        .contains(
            "\"applier\" : \"hydra-applier\"",
            "\"builder\" : \"hydra-builder\"",
            "\"reviewer\" : \"hydra-reviewer\"",
            "\"security\" : \"hydra-security\"");
    LocalForge ann = new LocalForge(dir, "ann", "ann", CLOCK);
    assertThat(ann.labels(REPO)).isEmpty();
    assertThat(ann.tokenPermission(REPO)).isEqualTo(Permission.WRITE);
    assertThat(LocalForges.timeline(dir, REPO))
        .containsExactly("08:01:02 local     create repository acme/shop (default branch trunk)");
  }

  @Test
  void initKeepsExistingPersonaLogins() throws Exception {
    Files.writeString(dir.resolve("personas.json"), "{\"builder\": \"bob-the-builder\"}");

    LocalForges.init(dir, REPO, Map.of("bob-the-builder", Permission.WRITE), "main");

    assertThat(LocalForge.forPersona(dir, "builder").currentUser()).isEqualTo("bob-the-builder");
  }

  @Test
  void initRefusesAnExistingRepository() throws ForgeException {
    LocalForges.init(dir, REPO, Map.of(), "main");

    assertThatThrownBy(() -> LocalForges.init(dir, REPO, Map.of(), "main"))
        .isInstanceOf(ForgeConflictException.class)
        .hasMessageContaining("repository acme/shop exists already")
        .hasMessageContaining("delete");
  }

  @Test
  void aHalfCreatedRepositoryIsNamedAsSuch() throws Exception {
    Files.createDirectories(dir.resolve("repos/acme/shop"));

    assertThatThrownBy(() -> LocalForges.init(dir, REPO, Map.of(), "main"))
        .hasMessageContaining("incompletely: there is no repo.json");
    assertThatThrownBy(() -> LocalForge.asUser(dir, "ann").issue(REPO, 1))
        .isInstanceOf(ForgeNotFoundException.class);
  }

  @Test
  void theDemoIsReadyForMonaToApplyTheTrigger() throws ForgeException {
    Issue issue = LocalForges.demo(dir);
    LocalForge mona = LocalForge.asUser(dir, LocalForges.DEMO_ADMIN);
    LocalForge builder = LocalForge.forPersona(dir, "builder");

    mona.addLabel(LocalForges.DEMO_REPO, issue.number(), "ready-to-build");

    assertThat(issue.number()).isEqualTo(1);
    assertThat(issue.title()).isEqualTo("Add a /health endpoint");
    assertThat(issue.author()).isEqualTo("mona");
    String labeller =
        builder.lastLabeled(LocalForges.DEMO_REPO, 1, "ready-to-build").orElseThrow().actor();
    assertThat(builder.userPermission(LocalForges.DEMO_REPO, labeller).canWrite()).isTrue();
    assertThat(builder.userPermission(LocalForges.DEMO_REPO, LocalForges.DEMO_TRIAGE))
        .isEqualTo(Permission.TRIAGE);
    assertThat(builder.tokenPermission(LocalForges.DEMO_REPO)).isEqualTo(Permission.WRITE);
    assertThat(builder.issue(LocalForges.DEMO_REPO, 1).labels()).containsExactly("ready-to-build");
    assertThat(LocalForges.timeline(dir, LocalForges.DEMO_REPO)).hasSize(4);
  }

  @Test
  void theTimelineOfAMissingRepositoryIsNotFound() {
    assertThatThrownBy(() -> LocalForges.timeline(dir, REPO))
        .isInstanceOf(ForgeNotFoundException.class);
  }

  @Test
  void initialCommitsLookLikeGitShas() {
    assertThat(LocalForges.initialCommit(REPO, "main"))
        .matches("[0-9a-f]{40}")
        .isEqualTo(LocalForges.initialCommit(REPO, "main"))
        .isNotEqualTo(LocalForges.initialCommit(REPO, "trunk"));
  }

  @Test
  void defaultPersonaLoginsCoverEveryPersona() {
    assertThat(LocalForges.defaultPersonaLogins().keySet())
        .isEqualTo(Set.of("builder", "reviewer", "security", "applier"));
  }
}
