package dev.hydra.secret;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A model of what the two runners take for workflow commands in a printed text, for tests: every
 * command either would act on, in order.
 *
 * <ul>
 *   <li>GitHub (actions/runner {@code ActionCommand.TryParseV2} and {@code TryParse}): lines split
 *       at CR, LF and CRLF ({@code StreamReader.ReadLine}); {@code ::name…::} after {@code
 *       TrimStart()} (.NET white space, Unicode spaces included); {@code ##[name…]} anywhere.
 *   <li>Forgejo (act {@code commandPatternGA}, {@code commandPatternADO}): lines split at LF, a
 *       trailing CR dropped; both syntaxes at the start of the line only.
 * </ul>
 */
public final class RunnerCommands {

  private static final Pattern ACT_GA = Pattern.compile("^::([^ :]+)( .*)?::(.*)$");
  private static final Pattern ACT_ADO = Pattern.compile("^##\\[([^ \\]]+)( .*)?\\](.*)$");

  private RunnerCommands() {}

  /** Every command either runner would act on in the text. */
  public static List<String> commands(String text) {
    List<String> found = new ArrayList<>();
    for (String line : text.split("\r\n|\r|\n", -1)) {
      String trimmed = trimStartDotNet(line);
      if (trimmed.startsWith("::") && trimmed.indexOf("::", 2) > 2) {
        found.add("github: " + line);
      } else {
        int v1 = line.indexOf("##[");
        if (v1 >= 0 && line.indexOf(']', v1 + 3) > v1 + 3) {
          found.add("github v1: " + line);
        }
      }
    }
    for (String line : text.split("\n", -1)) {
      String act = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      if (ACT_GA.matcher(act).find() || ACT_ADO.matcher(act).find()) {
        found.add("forgejo: " + line);
      }
    }
    return found;
  }

  private static String trimStartDotNet(String line) {
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (!(Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085')) {
        break;
      }
      i++;
    }
    return line.substring(i);
  }
}
