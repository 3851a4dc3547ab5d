package dev.hydra.stage;

import dev.hydra.container.ContainerSpec;
import dev.hydra.container.Mount;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The container of one stage attempt: its name and its hardened {@link ContainerSpec}, assembled
 * from the request, the stage's {@link StageProfile} and the one Claude token of the attempt.
 */
final class StageContainers {

  private static final SecureRandom RANDOM = new SecureRandom();

  private StageContainers() {}

  /**
   * The spec: the profile's limits and capabilities, the request's inputs as plain variables, and
   * exactly two secrets, the persona's {@code GIT_TOKEN} and the attempt's Claude token.
   */
  static ContainerSpec spec(StageRequest request, String name, ClaudeToken token, String network) {
    StageProfile profile = request.profile();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HYDRA_STAGE", profile.stage().id());
    env.put("HYDRA_MODE", request.mode());
    env.put("REPO_URL", request.repoUrl());
    env.put("ISSUE_URL", request.issueUrl());
    request.pullRequest().ifPresent(pr -> env.put("PR_URL", pr));
    List<Mount> mounts = new ArrayList<>();
    request
        .spec()
        .ifPresent(
            dir -> {
              mounts.add(new Mount(dir.toAbsolutePath().normalize(), StageRunner.SPEC_MOUNT, true));
              env.put("SPEC_PATH", StageRunner.SPEC_MOUNT);
            });
    env.put("HYDRA_MODEL", profile.model());
    env.put("HYDRA_FALLBACK_MODEL", profile.fallbackModel());
    // Exactly two secrets: this persona's git token and the one Claude token of this attempt.
    // docker inspect shows a container's environment, so nothing else goes in (docs/security.md).
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("GIT_TOKEN", request.credentials().gitToken(profile.persona()).reveal());
    secrets.put(claudeVariable(token), token.token().reveal());
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("hydra.stage", profile.stage().id());
    labels.put("hydra.repo", request.repository());
    labels.put("hydra.issue", Integer.toString(request.issue()));
    return new ContainerSpec(
        request.image().toString(),
        name,
        network,
        profile.cpus(),
        profile.memoryBytes(),
        profile.pidsLimit(),
        profile.tmpBytes(),
        profile.workspaceBytes(),
        profile.capabilities(),
        env,
        secrets,
        mounts,
        labels,
        profile.timeout());
  }

  /**
   * The variable Claude Code reads the credential from: {@code ANTHROPIC_API_KEY} for a Console API
   * key ({@code sk-ant-api…}), {@code CLAUDE_CODE_OAUTH_TOKEN} for everything else (the OAuth token
   * of {@code claude setup-token}).
   */
  static String claudeVariable(ClaudeToken token) {
    return token.token().reveal().startsWith("sk-ant-api")
        ? "ANTHROPIC_API_KEY"
        : "CLAUDE_CODE_OAUTH_TOKEN";
  }

  /** {@code hydra-<stage>-<issue>-<8 random hex digits>}. */
  static String containerName(StageRequest request) {
    byte[] random = new byte[4];
    RANDOM.nextBytes(random);
    return "hydra-"
        + request.profile().stage().id()
        + "-"
        + request.issue()
        + "-"
        + HexFormat.of().formatHex(random);
  }

  /**
   * The Claude token of that name.
   *
   * @throws IllegalArgumentException when the credentials hold none
   */
  static ClaudeToken claudeToken(Credentials credentials, String name) {
    for (ClaudeToken token : credentials.claudeTokens()) {
      if (token.name().equals(name)) {
        return token;
      }
    }
    throw new IllegalArgumentException(
        "the token pool names Claude token " + name + ", which the credentials do not hold");
  }
}
