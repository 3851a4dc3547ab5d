package dev.hydra.supervise;

import dev.hydra.forge.Issue;
import dev.hydra.forge.IssueFeed;
import dev.hydra.forge.RepoRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Repositories in memory with GitHub's conditional-list semantics: one ETag per version. */
final class MemoryFeed implements IssueFeed {

  private final Map<RepoRef, Map<Integer, Issue>> repos = new LinkedHashMap<>();
  private final Map<RepoRef, Integer> versions = new HashMap<>();
  final AtomicInteger requests = new AtomicInteger();

  /** Sets an issue's labels (a person or a stage changed them). */
  synchronized void issue(RepoRef repo, int number, String... labels) {
    repos
        .computeIfAbsent(repo, r -> new LinkedHashMap<>())
        .put(
            number, new Issue(number, "Issue " + number, "", true, "mona", List.of(labels), false));
    versions.merge(repo, 1, Integer::sum);
  }

  synchronized List<String> labels(RepoRef repo, int number) {
    return repos.getOrDefault(repo, Map.of()).values().stream()
        .filter(i -> i.number() == number)
        .findFirst()
        .orElseThrow()
        .labels();
  }

  @Override
  public synchronized Page openItems(RepoRef repo, @Nullable String etag) {
    requests.incrementAndGet();
    String now = "\"v" + versions.getOrDefault(repo, 0) + "\"";
    if (now.equals(etag)) {
      return new Page(Optional.empty(), now, 1);
    }
    List<Issue> items = new ArrayList<>(repos.getOrDefault(repo, Map.of()).values());
    return new Page(Optional.of(items), now, 1);
  }

  @Override
  public synchronized List<RepoRef> repositories(String owner) {
    return repos.keySet().stream().filter(r -> r.owner().equals(owner)).toList();
  }
}
