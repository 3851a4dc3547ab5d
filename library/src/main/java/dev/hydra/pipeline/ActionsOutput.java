package dev.hydra.pipeline;

import dev.hydra.secret.SecretMasker;
import dev.hydra.secret.WorkflowCommands;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code hydra run} appends to {@code GITHUB_OUTPUT} and {@code GITHUB_STEP_SUMMARY}.
 *
 * <p>Every output is written in the multi-line form {@code key<<DELIMITER}, value, {@code
 * DELIMITER}, with a fresh random delimiter per value that the value does not contain, so no value
 * (a PR title with newlines, {@code x\nstage=pass}) can end its own entry and inject another key.
 *
 * <p>Both are sinks of untrusted text (the agent's summary in {@code reason} and the report, PR
 * URLs): every value is masked with the run's {@link SecretMasker} on the decoded text, before it
 * is JSON-encoded, and the result masked once more. The summary's lines also have their workflow
 * commands neutralised ({@link WorkflowCommands#neutralise}), which changes nothing in the rendered
 * Markdown; output values are data and are not rewritten.
 */
public final class ActionsOutput {

  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ActionsOutput() {}

  /**
   * The outputs of a run: stage, outcome, pr_number, pr_url, reason, and for a review job the
   * {@code report} the decision job reads.
   */
  public static Map<String, String> outputs(PipelineResult result) {
    return outputs(result, SecretMasker.NONE);
  }

  /**
   * The outputs of a run, every value masked: the report's reason before it is JSON-encoded, and
   * each value as written.
   */
  public static Map<String, String> outputs(PipelineResult result, SecretMasker masker) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("stage", result.stage());
    out.put("outcome", result.status().id());
    out.put("pr_number", result.pullRequest() == null ? "" : result.pullRequest().toString());
    out.put("pr_url", result.pullRequestUrl() == null ? "" : result.pullRequestUrl());
    out.put("reason", result.reason());
    result.reviewReport().ifPresent(r -> out.put("report", r.masked(masker).toJson()));
    out.replaceAll((key, value) -> masker.mask(value));
    return out;
  }

  /** The text to append to {@code GITHUB_OUTPUT}. */
  public static String render(Map<String, String> outputs) {
    StringBuilder s = new StringBuilder();
    outputs.forEach(
        (key, value) -> {
          if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("invalid output name " + key);
          }
          String delimiter;
          do {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            delimiter = "ghadelimiter_" + HexFormat.of().formatHex(bytes);
          } while (value.contains(delimiter));
          s.append(key).append("<<").append(delimiter).append('\n');
          s.append(value).append('\n');
          s.append(delimiter).append('\n');
        });
    return s.toString();
  }

  /** A Markdown job summary: the result and one row per stage run. */
  public static String summary(PipelineResult result) {
    return summary(result, SecretMasker.NONE);
  }

  /**
   * A Markdown job summary, masked, with the workflow commands of every line neutralised (which
   * renders the same in Markdown).
   */
  public static String summary(PipelineResult result, SecretMasker masker) {
    return WorkflowCommands.neutralise(masker.mask(unmasked(result)));
  }

  private static String unmasked(PipelineResult result) {
    StringBuilder s = new StringBuilder();
    s.append("### Hydra ").append(result.stage()).append(": ").append(result.status().id());
    s.append("\n\n").append(cell(result.reason())).append("\n\n");
    if (result.pullRequestUrl() != null) {
      s.append("Pull request: ").append(cell(result.pullRequestUrl())).append("\n\n");
    }
    if (!result.records().isEmpty()) {
      s.append(RunRecord.header()).append('\n');
      result.records().forEach(r -> s.append(r.row()).append('\n'));
    }
    List<GateRecord> gates = result.records().stream().flatMap(r -> r.gates().stream()).toList();
    if (!gates.isEmpty()) {
      s.append("\n#### Gates\n\n").append(GateRecord.markdown(gates));
    }
    String passes = AgentPass.markdown(result.records());
    if (!passes.isEmpty()) {
      s.append("\n#### Agent passes\n\n").append(passes);
    }
    return s.toString();
  }

  private static String cell(String text) {
    return text.replace('\n', ' ').replace('\r', ' ').replace("|", "\\|");
  }
}
