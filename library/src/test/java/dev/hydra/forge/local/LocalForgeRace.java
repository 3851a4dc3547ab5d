package dev.hydra.forge.local;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.RepoRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * One racer: walks an issue's label from {@code step-i} to {@code step-(i+1)} with {@link
 * LocalForge#replaceLabelsIf} until it reaches {@code step-<last>}, counting the steps it won. Run
 * in threads by {@link LocalForgeConcurrencyTest}, and as a separate JVM through {@link #main}.
 */
final class LocalForgeRace {

  static final RepoRef REPO = LocalForges.DEMO_REPO;

  private LocalForgeRace() {}

  static String step(int i) {
    return "step-" + i;
  }

  /** Races until the last step is reached; returns the number of steps this racer made. */
  static int race(LocalForge forge, int issue, int last) throws ForgeException {
    int wins = 0;
    while (true) {
      List<String> labels = forge.issue(REPO, issue).labels();
      if (labels.size() != 1) {
        throw new IllegalStateException("labels are " + labels);
      }
      int i = Integer.parseInt(labels.get(0).substring("step-".length()));
      if (i >= last) {
        return wins;
      }
      if (forge.replaceLabelsIf(REPO, issue, Set.of(step(i)), Set.of(step(i + 1)))) {
        wins++;
      }
    }
  }

  /**
   * {@code <dir> <issue> <last> <name>}: writes {@code <dir>/ready-<name>}, waits for {@code
   * <dir>/go}, races, and writes the number of steps won to {@code <dir>/wins-<name>}.
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int issue = Integer.parseInt(args[1]);
    int last = Integer.parseInt(args[2]);
    LocalForge forge = LocalForge.forPersona(dir, "builder");
    forge.issue(REPO, issue); // load every class before the start line
    Files.writeString(dir.resolve("ready-" + args[3]), "");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(dir.resolve("go"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no go after 60 s");
      }
      Thread.sleep(1);
    }
    Files.writeString(dir.resolve("wins-" + args[3]), Integer.toString(race(forge, issue, last)));
  }
}
