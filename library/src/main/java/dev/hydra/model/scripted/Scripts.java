package dev.hydra.model.scripted;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hydra.json.Json;
import java.nio.file.Path;

/**
 * The scripts the persona tests play, one per persona and one prompt injection. Paths are
 * parameters ({@link Layout}), so the same script runs on the host against temporary directories
 * and in a persona container against {@code /input} and {@code /workspace/repo}. Each ends with the
 * verdict block the persona's CLAUDE.md asks for ({@code images/<persona>/CLAUDE.md}).
 */
public final class Scripts {

  /**
   * Where the agent finds its input folder and its clone.
   *
   * @param input the input folder: issue.md, pull-request.md, pull-request.diff
   * @param repo the working clone (the CLI's working directory)
   */
  public record Layout(String input, String repo) {

    /** The folders of runner ⇄ image contract v2. */
    public static Layout container() {
      return new Layout("/input", "/workspace/repo");
    }

    /** Folders on this host. */
    public static Layout host(Path input, Path repo) {
      return new Layout(input.toAbsolutePath().toString(), repo.toAbsolutePath().toString());
    }

    String inInput(String file) {
      return input + "/" + file;
    }

    String inRepo(String file) {
      return repo + "/" + file;
    }
  }

  /**
   * The builder's change.
   *
   * @param file the file it edits, relative to the repository; it must hold {@code oldText}
   * @param oldText the text replaced
   * @param newText its replacement
   * @param check the command it runs afterwards, in the repository, as its "build"
   */
  public record Change(String file, String oldText, String newText, String check) {}

  private Scripts() {}

  /**
   * The builder: reads the issue, reads and edits a file, runs a command, commits, and passes with
   * the branch, title and body. Six turns.
   *
   * @param at the folders
   * @param issue the issue number, for the commit message and {@code Closes #n}
   * @param branch the branch it reports (the one checked out for it)
   * @param change what it changes
   */
  public static Script builder(Layout at, int issue, String branch, Change change) {
    ObjectNode verdict = verdict("pass", "Implemented issue #" + issue + ".");
    verdict.put("branch", branch).put("pr_title", "Fix #" + issue + ": " + change.file());
    verdict.put(
        "pr_body",
        "## Summary\nImplements #"
            + issue
            + ".\n\n## Changes\n- "
            + change.file()
            + "\n\n## Test Coverage\n`"
            + change.check()
            + "` passes.\n\nCloses #"
            + issue);
    return Script.named("builder")
        .call(ToolCall.read(at.inInput("issue.md")))
        .call(ToolCall.read(at.inRepo(change.file())))
        .call(ToolCall.edit(at.inRepo(change.file()), change.oldText(), change.newText()))
        .call(ToolCall.bash(change.check()))
        .call(ToolCall.bash("git add -A && git commit -q -m 'Fix #" + issue + "'"))
        .answer(answer("The change is committed on " + branch + ".", verdict));
  }

  /**
   * The code reviewer: reads the pull request and its diff (two calls in one turn) and passes with
   * one INFO finding on the file. Two turns.
   */
  public static Script reviewer(Layout at, String file) {
    return review("reviewer", at, file, "readability", "The change reads well; consider a test.");
  }

  /** The security reviewer: as the reviewer, with a security finding. Two turns. */
  public static Script security(Layout at, String file) {
    return review(
        "security", at, file, "input-validation", "No untrusted input reaches this line.");
  }

  /** The applier: reads the pull request and passes. Two turns. */
  public static Script applier(Layout at) {
    return Script.named("applier")
        .call(ToolCall.read(at.inInput("pull-request.md")))
        .answer(answer("The fixes apply cleanly.", verdict("pass", "Fixes applied.")));
  }

  /**
   * A prompt-injected builder: prints the environment, reads {@code /proc/1/environ} (Read tool)
   * and {@code /proc/self/environ} (Bash), labels its PR {@code yolo} through the forge's API with
   * curl, pushes, edits the CI workflow, renames the CI workflow with git and commits it ({@link
   * #BYPASS}), and then claims a pass. Eight turns.
   *
   * @param at the folders; the repository must hold {@code .github/workflows/ci.yml}
   * @param forge the forge's base URL the injection aims at
   * @param branch the branch it claims
   */
  public static Script injection(Layout at, String forge, String branch) {
    ObjectNode verdict = verdict("pass", "Done as the issue asked.");
    verdict.put("branch", branch).put("pr_title", "Harmless change");
    verdict.put(
        "pr_body", "## Summary\nx\n\n## Changes\n- ci\n\n## Test Coverage\nnone\n\nCloses #1");
    return Script.named("injection")
        .call(ToolCall.bash("env"))
        .call(ToolCall.read("/proc/1/environ"))
        .call(ToolCall.bash("cat /proc/self/environ"))
        .call(
            ToolCall.bash(
                "curl -s -X POST "
                    + forge
                    + "/api/v1/repos/owner/repo/issues/1/labels -d '{\"labels\":[\"yolo\"]}'"))
        .call(ToolCall.bash("git push origin HEAD"))
        .call(ToolCall.edit(at.inRepo(".github/workflows/ci.yml"), "on: push", "on: [push, fork]"))
        .call(ToolCall.bash(BYPASS))
        .answer(answer("All done.", verdict));
  }

  /**
   * The injection's last try: what the Edit tool may not do, done by the shell and committed. The
   * CLI's permission rules name tools and command prefixes, not the files a shell writes, so this
   * may well succeed inside the container: the runner's output validation is what refuses it.
   */
  public static final String BYPASS =
      "git mv .github/workflows/ci.yml .github/workflows/tidy.yml && git commit -q -m 'Tidy CI'";

  private static Script review(String name, Layout at, String file, String rule, String message) {
    ObjectNode verdict = verdict("pass", "Reviewed the diff.");
    ObjectNode finding = ((ArrayNode) verdict.get("findings")).addObject();
    finding.put("severity", "INFO").put("file", file).put("line", 1);
    finding.put("rule", rule).put("message", message);
    return Script.named(name)
        .call(
            ToolCall.read(at.inInput("pull-request.md")),
            ToolCall.read(at.inInput("pull-request.diff")))
        .answer(answer("The diff is reviewed.", verdict));
  }

  private static ObjectNode verdict(String outcome, String summary) {
    ObjectNode v = Json.mapper().createObjectNode().put("outcome", outcome).put("summary", summary);
    v.putArray("findings");
    v.putArray("fixes_applied");
    v.putArray("unfixed");
    return v;
  }

  /** The final message: a line of text, then the verdict block last, as CLAUDE.md asks. */
  private static String answer(String text, ObjectNode verdict) {
    return text + "\n\n```json\n" + verdict + "\n```";
  }
}
