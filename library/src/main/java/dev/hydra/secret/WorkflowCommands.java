package dev.hydra.secret;

import dev.hydra.credentials.Secret;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Workflow-command lines that keep an Actions log safe: secrets registered with {@code
 * ::add-mask::} before anything else is printed, and untrusted output fenced with {@code
 * ::stop-commands::} (security-anchors §1.1, §1.5).
 *
 * <p>The library never prints: the command-line layer writes these lines to stdout, and only when
 * running inside Actions ({@code GITHUB_ACTIONS=true}) — anywhere else an {@code ::add-mask::} line
 * would print the secret itself. The add-mask lines must bypass {@link SecretMasker}, which would
 * otherwise mask the very value being registered.
 */
public final class WorkflowCommands {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int TOKEN_BYTES = 16;

  private WorkflowCommands() {}

  /**
   * The {@code ::add-mask::} lines for these secrets, to print before any other output.
   *
   * <p>One line per distinct form that {@link SecretMasker} masks, raw first — including base64 of
   * {@code x-access-token:<token>} (as actions/checkout registers it), the base64 cores at each
   * alignment in both alphabets, and lower-case percent-encoding. GitHub's runner derives some
   * encodings of a registered value itself (base64 with its own shift variants, JSON, upper-case
   * URI and XML escapes), but not unpadded base64 inside a longer string, base64url or lower-case
   * hex; Forgejo's runner (act) masks only the literal values registered. Registering every form
   * makes the Actions log as safe as Hydra's own output on both.
   *
   * <p>A {@code %} in a value is written as {@code %25}, which both runners decode; the raw form is
   * registered too, for a runner that would not.
   *
   * @throws IllegalArgumentException when a secret is shorter than {@value
   *     Secret#MIN_MASKABLE_LENGTH} characters (as {@link SecretMasker#of})
   */
  public static List<String> addMaskLines(Collection<Secret> secrets) {
    Set<String> values = new LinkedHashSet<>();
    for (Secret secret : secrets) {
      SecretMasker.checkLength(secret);
      for (SecretForms.Form form : SecretForms.of(secret.reveal())) {
        values.add(form.text());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String value : values) {
      // Secrets hold no CR or LF (Secret refuses them), so '%' is the only character to escape.
      lines.add("::add-mask::" + value.replace("%", "%25"));
      if (value.indexOf('%') >= 0) {
        lines.add("::add-mask::" + value);
      }
    }
    return List.copyOf(lines);
  }

  /**
   * A fresh stop token (128 bits from {@link SecureRandom}, hex) with its stop and resume lines.
   */
  public static StopCommands stopCommands() {
    byte[] token = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(token);
    return new StopCommands(HexFormat.of().formatHex(token));
  }
}
