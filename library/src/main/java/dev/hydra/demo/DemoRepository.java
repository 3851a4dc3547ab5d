package dev.hydra.demo;

import dev.hydra.forge.RepoRef;
import dev.hydra.gate.GateFile;
import dev.hydra.stage.TemporaryMounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The demo repository's git remote: a bare repository beside the local forge's files ({@code
 * git/<owner>/<name>.git}), with one commit on {@code main}, so that the runner clones, checks and
 * pushes for real, as it does against a forge, only over {@code file:}. With gates, that commit
 * also declares the demo's one gate in {@code .hydra/gates.yml}: a shell check, run by the runner's
 * {@code GateRunner} in the builder's image with no network, that every {@code hydra-demo-*.md} the
 * demo builder writes carries its test line.
 */
final class DemoRepository {

  /** The branch the demo's pull requests target. */
  static final String BASE = "main";

  /** The README's one file, and the line its text ends with. */
  static final String README = "README.md";

  static final String README_LINE = "The demo repository of `hydra demo`.";

  /** The demo's gate: its name, and the line it requires in each file the demo builder adds. */
  static final String GATE = "demo-test-line";

  static final String TEST_LINE = "Test: GET /health answers 200";

  /** The gate file on {@code main}, when the outcome declares gates. */
  static final String GATES =
      """
      version: 1
      gates:
        - name: %s
          timeout: 60s
          command: |
            for f in hydra-demo-*.md; do
              grep -qx '%s' "$f" || { echo "$f has no test line ('%s')"; exit 1; }
            done
            echo "every demo change carries its test line"
      """
          .formatted(GATE, TEST_LINE, TEST_LINE);

  private DemoRepository() {}

  /**
   * Creates the bare repository with a README on {@code main}, or reuses the one there.
   *
   * @param gates whether {@code main} declares the demo's gate ({@link #GATES})
   * @return the bare repository's folder
   */
  static Path create(Path dir, RepoRef repo, boolean gates) throws IOException {
    Path bare = dir.resolve("git").resolve(repo.owner()).resolve(repo.name() + ".git");
    if (Files.isDirectory(bare.resolve("refs"))) {
      return bare;
    }
    Path seed = Files.createTempDirectory("hydra-demo-seed-");
    try {
      try (Git git = Git.init().setDirectory(seed.toFile()).setInitialBranch(BASE).call()) {
        Files.writeString(
            seed.resolve(README),
            "# " + repo.name() + "\n\n" + README_LINE + "\n",
            StandardCharsets.UTF_8);
        git.add().addFilepattern(README).call();
        if (gates) {
          Path file = seed.resolve(GateFile.PATH);
          Files.createDirectories(file.getParent());
          Files.writeString(file, GATES, StandardCharsets.UTF_8);
          git.add().addFilepattern(GateFile.PATH).call();
        }
        PersonIdent mona = new PersonIdent("mona", "mona@users.noreply.invalid");
        git.commit().setMessage("Initial commit").setAuthor(mona).setCommitter(mona).call();
      }
      Files.createDirectories(bare.getParent());
      Git.cloneRepository()
          .setURI(seed.toUri().toString())
          .setDirectory(bare.toFile())
          .setBare(true)
          .call()
          .close();
      return bare;
    } catch (GitAPIException e) {
      throw new IOException("the demo repository could not be created: " + e.getMessage(), e);
    } finally {
      TemporaryMounts.delete(seed);
    }
  }

  /** The commit a branch of the bare repository is at, when it exists. */
  static Optional<String> head(Path bare, String branch) {
    try (Repository repository = new FileRepositoryBuilder().setGitDir(bare.toFile()).build()) {
      ObjectId id = repository.resolve("refs/heads/" + branch);
      return Optional.ofNullable(id).map(ObjectId::name);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
