package dev.hydra.secret;

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
   * Makes a line of untrusted text (agent output, issue or PR text, a forge's message) unable to
   * issue a workflow command, wherever it is printed, inside a {@code ::stop-commands::} fence or
   * not. Two syntaxes are acted on by the runners:
   *
   * <ul>
   *   <li>{@code ::name …::data} at the start of a line. GitHub's runner trims leading white space
   *       first ({@code String.TrimStart}: spaces, tabs, no-break and other Unicode spaces) and
   *       splits lines at CR as well as LF; Forgejo's runner (act) matches {@code ^::} per LF line.
   *       So at the start of the text and after every CR or LF, after any white space, a {@code ::}
   *       gets a backslash before it: {@code \::add-mask::x}.
   *   <li>{@code ##[name …]data}, the older syntax, which GitHub's runner finds <em>anywhere</em>
   *       in a line (act only at its start). Every {@code ##[} becomes {@code ##\[}.
   * </ul>
   *
   * <p>The rewrite only inserts backslashes, so it can never create a command, is visible to a
   * reader, and renders as the original text in Markdown (a job summary), where {@code \:} and
   * {@code \[} are escaped punctuation. Everything else is left as it is: look-alike characters (a
   * full-width colon, a zero-width space between the colons) are not parsed by either runner.
   *
   * <p>Apply it after {@link SecretMasker#mask}, to the text that is printed; never to the {@code
   * ::add-mask::} lines or the fence's own lines, nor to values that are data rather than log text
   * ({@code GITHUB_OUTPUT}, JSON).
   *
   * @param text one line or several; line breaks are kept
   * @return the text with both syntaxes neutralised; the same instance when nothing changed
   */
  public static String neutralise(String text) {
    StringBuilder out = null;
    int copied = 0;
    boolean lineStart = true;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      boolean insert = false;
      if (c == '\r' || c == '\n') {
        lineStart = true;
      } else if (lineStart && isRunnerWhitespace(c)) {
        // still before the first character the runner sees
      } else {
        if (lineStart && c == ':' && i + 1 < length && text.charAt(i + 1) == ':') {
          insert = true;
        } else if (c == '[' && i >= 2 && text.charAt(i - 1) == '#' && text.charAt(i - 2) == '#') {
          insert = true;
        }
        lineStart = false;
      }
      if (insert) {
        if (out == null) {
          out = new StringBuilder(length + 8);
        }
        out.append(text, copied, i).append('\\');
        copied = i;
      }
    }
    if (out == null) {
      return text;
    }
    return out.append(text, copied, length).toString();
  }

  /**
   * White space a runner skips before a {@code ::} command: .NET's {@code char.IsWhiteSpace} (which
   * includes U+0085, no-break and the other Unicode spaces) and Go's {@code unicode.IsSpace}.
   */
  private static boolean isRunnerWhitespace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
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
