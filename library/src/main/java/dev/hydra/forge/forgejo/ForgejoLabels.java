package dev.hydra.forge.forgejo;

import static dev.hydra.forge.forgejo.ForgejoCalls.pages;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.ForgeNotFoundException;
import dev.hydra.forge.RepoRef;
import dev.hydra.forge.forgejo.ForgejoCalls.Paging;
import dev.hydra.forge.forgejo.client.api.IssueApi;
import dev.hydra.forge.forgejo.client.model.Label;
import dev.hydra.forge.transport.ForgeErrors.Attempt;
import dev.hydra.text.Texts;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Forgejo writes labels by ID: the repository's labels by name, read once per adapter instance and
 * repository (all pages), and read again once before a name is reported as missing.
 */
final class ForgejoLabels {

  private final IssueApi issues;
  private final Map<RepoRef, Map<String, Label>> labelCache = new ConcurrentHashMap<>();

  ForgejoLabels(IssueApi issues) {
    this.issues = issues;
  }

  long id(Attempt attempt, RepoRef repo, String name) throws ForgeException {
    Label label = byName(attempt, repo, false).get(name);
    if (label == null || label.getId() == null) {
      label = byName(attempt, repo, true).get(name);
    }
    if (label == null || label.getId() == null) {
      throw new ForgeNotFoundException(
          Texts.oneLine(
              "the label "
                  + Texts.quote(name)
                  + " does not exist in "
                  + repo
                  + ", so the "
                  + attempt.transport().persona()
                  + " persona cannot "
                  + attempt.operation().action()
                  + " "
                  + attempt.target()
                  + "; run `hydra labels seed --repo "
                  + repo
                  + "` with the same label prefix"),
          0,
          null);
    }
    return label.getId();
  }

  /** The repository's labels by name, read once per instance (all pages) unless refreshed. */
  Map<String, Label> byName(Attempt attempt, RepoRef repo, boolean refresh) throws ForgeException {
    Map<String, Label> cached = labelCache.get(repo);
    if (cached != null && !refresh) {
      return cached;
    }
    Map<String, Label> byName = new ConcurrentHashMap<>();
    for (Label label :
        pages(
            attempt,
            Paging.TOTAL_COUNT,
            (page, limit) ->
                issues.issueListLabelsWithHttpInfo(repo.owner(), repo.name(), page, limit))) {
      if (label.getName() != null) {
        byName.putIfAbsent(label.getName(), label);
      }
    }
    labelCache.put(repo, byName);
    return byName;
  }
}
