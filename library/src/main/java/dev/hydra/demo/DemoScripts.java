package dev.hydra.demo;

import dev.hydra.credentials.Persona;
import dev.hydra.model.scripted.Script;
import dev.hydra.model.scripted.Scripts;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the scripted model plays in the demo, one script per persona over the containers' folders
 * ({@link Scripts.Layout#container()}): the builder reads the issue, edits the README that {@link
 * DemoRepository} holds, checks its edit with {@code grep} and commits; the reviewers read the pull
 * request and its diff and pass; the applier reads the pull request and passes.
 */
final class DemoScripts {

  /** The builder's change: a line added under the demo repository's README text. */
  static final Scripts.Change CHANGE =
      new Scripts.Change(
          DemoRepository.README,
          DemoRepository.README_LINE,
          DemoRepository.README_LINE
              + "\n\n`GET /health` answers `200` with `{\"status\":\"ok\"}` (issue #1).",
          "grep -q 'GET /health' " + DemoRepository.README);

  private DemoScripts() {}

  /**
   * The scripts by persona id, in pipeline order.
   *
   * @param issue the demo issue's number
   * @param branch the builder's branch, {@code hydra/<issue>-<slug>}
   */
  static Map<String, Script> forIssue(int issue, String branch) {
    Scripts.Layout at = Scripts.Layout.container();
    Map<String, Script> scripts = new LinkedHashMap<>();
    scripts.put(Persona.BUILDER.id(), Scripts.builder(at, issue, branch, CHANGE));
    scripts.put(Persona.REVIEWER.id(), Scripts.reviewer(at, DemoRepository.README));
    scripts.put(Persona.SECURITY.id(), Scripts.security(at, DemoRepository.README));
    scripts.put(Persona.APPLIER.id(), Scripts.applier(at));
    return scripts;
  }
}
