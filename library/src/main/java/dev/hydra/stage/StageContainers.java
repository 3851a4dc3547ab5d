package dev.hydra.stage;

import dev.hydra.container.ContainerSpec;
import dev.hydra.container.Mount;
import dev.hydra.credentials.ClaudeToken;
import dev.hydra.credentials.Credentials;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The container of one stage: its name and its hardened {@link ContainerSpec}, assembled from the
 * request, the stage's {@link StageProfile}, the mounts and the stage's model gateway (runner ⇄
 * image contract v2).
 */
final class StageContainers {

  private static final SecureRandom RANDOM = new SecureRandom();

  private StageContainers() {}

  /**
   * The spec: the profile's limits and capabilities, the workspace read-write at {@code
   * /workspace}, the input read-only at {@code /input}, and plain variables only — the stage, mode
   * and models, the mounts' own ({@code HYDRA_BRANCH}, {@code HYDRA_BASE_SHA}, {@code SPEC_PATH}),
   * the informational URLs, and the gateway's URL with the stage's placeholder as {@code
   * ANTHROPIC_API_KEY}. No secret: {@code docker inspect} may show every variable
   * (docs/security.md).
   */
  static ContainerSpec spec(
      StageRequest request,
      StageMounts mounts,
      String name,
      String network,
      String gateway,
      String placeholder) {
    StageProfile profile = request.profile();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HYDRA_STAGE", profile.stage().id());
    env.put("HYDRA_MODE", request.mode());
    env.put("HYDRA_MODEL", profile.model());
    env.put("HYDRA_FALLBACK_MODEL", profile.fallbackModel());
    env.putAll(mounts.env());
    env.put("HYDRA_INPUT", StageMounts.INPUT);
    env.put("REPO_URL", request.repoUrl());
    env.put("ISSUE_URL", request.issueUrl());
    request.pullRequest().ifPresent(pr -> env.put("PR_URL", pr));
    env.put("ANTHROPIC_BASE_URL", gateway);
    env.put("ANTHROPIC_API_KEY", placeholder);
    env.put(EgressPins.PINNED_VARIABLE, "1");
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
        List.of(
            new Mount(mounts.workspace(), StageMounts.WORKSPACE, false),
            new Mount(mounts.input(), StageMounts.INPUT, true)),
        labels,
        profile.timeout());
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
