package dev.hydra.forge.local;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.LabelSpec;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.MetadataLabel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

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
    for (String label : LabelScheme.canonical().managedLabels()) {
      builder.upsertLabel(REPO, new LabelSpec(label, "ededed", "Hydra pipeline"));
    }
    for (MetadataLabel label : MetadataLabel.values()) {
      builder.upsertLabel(REPO, new LabelSpec(label.id(), "5319e7", "Hydra metadata"));
    }
    builder.pushBranch(REPO, BRANCH, SHA_1);
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
