package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the runner prepares for one persona container under contract v2 (images/README.md), on the
 * host: a 0700 folder holding {@code workspace/} (mounted at {@code /workspace}: {@code repo/}, a
 * git clone with {@link #BRANCH} checked out at the base commit, and an empty {@code out/}, all
 * world-writable for the agent's uid) and {@code input/} (mounted read-only at {@code /input}).
 * Optionally a stub {@code claude} mounted over the image's: it prints its prompt on stderr,
 * commits one file when {@code STUB_COMMIT=1} (else plants a fake bundle the entrypoint must
 * remove) and ends with a result record whose final message holds a passing verdict.
 */
final class StageFolders implements AutoCloseable {

  static final String BRANCH = "hydra/5-add-a-health-endpoint";
  static final String AGENT_RAN = "stub-claude-ran";

  private static final String STUB =
      """
      #!/usr/bin/env bash
      set -euo pipefail
      echo "%s: $2" >&2
      if [ "${STUB_COMMIT:-0}" = 1 ]; then
        echo 'health' > health.txt
        git add health.txt
        git commit --quiet -m 'Add a health endpoint' >&2
      else
        echo 'not a bundle' > /workspace/out/changes.bundle
      fi
      text=$(printf 'Done.\\n```json\\n{"outcome":"pass","summary":"stub","findings":[],"fixes_applied":[],"unfixed":[],"branch":"%%s","pr_title":"Add a health endpoint","pr_body":"Closes #5"}\\n```' "$HYDRA_BRANCH")
      jq -cn --arg text "$text" \\
        '{type: "result", subtype: "success", is_error: false, num_turns: 2, total_cost_usd: 0.01, result: $text}'
      """
          .formatted(AGENT_RAN);

  private final Path root;
  private final String role;
  private final boolean stub;
  private final String baseSha;

  private StageFolders(Path root, String role, boolean stub, String baseSha) {
    this.root = root;
    this.role = role;
    this.stub = stub;
    this.baseSha = baseSha;
  }

  /** Prepares the folders for a role; {@code stubAgent} mounts the stub {@code claude}. */
  static StageFolders create(String role, boolean stubAgent) throws Exception {
    Path root = Files.createTempDirectory("hydra-it-stage");
    Path repo = Files.createDirectories(root.resolve("workspace/repo"));
    Files.createDirectories(root.resolve("workspace/out"));
    Path input = Files.createDirectories(root.resolve("input"));
    Files.writeString(input.resolve("issue.md"), "# Add a health endpoint\n\n(data)\n");
    if (!role.equals("builder")) {
      Files.writeString(input.resolve("pull-request.md"), "# Add a health endpoint\n");
      Files.writeString(input.resolve("pull-request.diff"), "diff --git a/x b/x\n");
    }
    Files.writeString(repo.resolve("README.md"), "demo\n");
    run(repo, "init", "--quiet", "--initial-branch", "main");
    run(repo, "add", "README.md");
    run(
        repo,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t.invalid",
        "commit",
        "--quiet",
        "-m",
        "base");
    run(repo, "checkout", "--quiet", "-b", BRANCH);
    String base = PersonaFirewallIT.git(repo, "rev-parse", "HEAD").stdout().strip();
    Files.writeString(root.resolve("claude"), STUB);
    Files.setPosixFilePermissions(
        root.resolve("claude"), PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Stream<Path> all = Files.walk(root.resolve("workspace"))) {
      for (Path p : all.toList()) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
      }
    }
    Files.setPosixFilePermissions(input, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new StageFolders(root, role, stubAgent, base);
  }

  Path repo() {
    return root.resolve("workspace/repo");
  }

  Path bundle() {
    return root.resolve("workspace/out/changes.bundle");
  }

  String baseSha() {
    return baseSha;
  }

  /** The mounts and the contract's plain variables. */
  List<String> dockerArgs() {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-v",
                root.resolve("workspace") + ":/workspace",
                "-v",
                root.resolve("input") + ":/input:ro",
                "-e",
                "HYDRA_MODE=" + (role.equals("builder") ? "build" : "review"),
                "-e",
                "HYDRA_BRANCH=" + BRANCH,
                "-e",
                "HYDRA_BASE_SHA=" + baseSha,
                "-e",
                "HYDRA_INPUT=/input"));
    if (stub) {
      args.addAll(List.of("-v", root.resolve("claude") + ":/usr/local/bin/claude:ro"));
    }
    return args;
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void run(Path repo, String... args) throws Exception {
    assertThat(PersonaFirewallIT.git(repo, args).exitCode()).as(String.join(" ", args)).isZero();
  }
}
