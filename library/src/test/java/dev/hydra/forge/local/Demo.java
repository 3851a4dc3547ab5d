package dev.hydra.forge.local;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.local.LocalFiles.LabelFile;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.MetadataLabel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo repository with every pipeline label seeded and the builder's branch pushed, and one
 * forge per actor, all on one fixed clock (08:01:02 UTC) so timelines are exact.
 */
final class Demo {

  static final RepoRef REPO = LocalForges.DEMO_REPO;
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T08:01:02Z"), ZoneOffset.UTC);
  static final String BRANCH = "hydra/1-add-a-health-endpoint";
  static final String SHA_1 = "1".repeat(40);
  static final String SHA_2 = "2".repeat(40);
  static final String TRIGGER = LabelScheme.canonical().trigger();

  final Path dir;
  final int issue;
  final LocalForge builder;
  final LocalForge reviewer;
  final LocalForge security;
  final LocalForge mona;
  final LocalForge tri;

  Demo(Path dir) throws ForgeException {
    this.dir = dir;
    this.issue = LocalForges.demo(dir, CLOCK).number();
    this.builder = persona("builder");
    this.reviewer = persona("reviewer");
    this.security = persona("security");
    this.mona = user("mona");
    this.tri = user("tri");
    // Seeded in one write, as `hydra labels` would leave them (upsertLabel has its own tests):
    // a write per label would make every test pay ~30 flushes to disk.
    LocalStore store = store();
    List<LabelFile> labels = new ArrayList<>(store.repo(REPO).labels());
    for (String label : LabelScheme.canonical().managedLabels()) {
      if (!label.equals(TRIGGER)) {
        labels.add(new LabelFile(label, "ededed", "Hydra pipeline"));
      }
    }
    for (MetadataLabel label : MetadataLabel.values()) {
      labels.add(new LabelFile(label.id(), "5319e7", "Hydra metadata"));
    }
    store.write(store.repoFile(REPO), store.repo(REPO).withLabels(labels));
    builder.pushBranch(REPO, BRANCH, SHA_1);
  }

  /** Adds labels to repo.json in one write. */
  void addLabels(List<String> names) throws ForgeException {
    LocalStore store = store();
    List<LabelFile> labels = new ArrayList<>(store.repo(REPO).labels());
    names.forEach(name -> labels.add(new LabelFile(name, "cccccc", "")));
    store.write(store.repoFile(REPO), store.repo(REPO).withLabels(labels));
  }

  LocalForge persona(String persona) {
    return new LocalForge(dir, persona, null, CLOCK);
  }

  LocalForge user(String login) {
    return new LocalForge(dir, login, login, CLOCK);
  }

  LocalStore store() {
    return new LocalStore(dir);
  }

  Path repoDir() {
    return store().repoDir(REPO);
  }
}
