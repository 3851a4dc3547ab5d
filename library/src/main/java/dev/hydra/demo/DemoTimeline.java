package dev.hydra.demo;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.local.LocalForges;
import dev.hydra.text.Texts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local forge's timeline, printed as it grows: each line once, comments with their visible text
 * (the lines a person sees, without HTML comments and tables), an edited comment only with its new
 * lines.
 */
final class DemoTimeline {

  private static final Pattern COMMENT =
      Pattern.compile("(?:edit )?comment #(\\d+) \\(id (\\d+)\\)");

  private final Path dir;
  private final Consumer<String> print;
  private final Map<Long, Set<String>> shown = new HashMap<>();
  private int printed;

  DemoTimeline(Path dir, Consumer<String> print) {
    this.dir = dir;
    this.print = print;
  }

  /** Passes over the lines before {@code line} without printing them. */
  void skipTo(int line) {
    printed = Math.max(printed, line);
  }

  /** Prints every line not printed yet. */
  void flush() {
    try {
      flushUpTo(Integer.MAX_VALUE);
    } catch (ForgeException e) {
      throw new IllegalStateException("the local forge's timeline cannot be read: " + e, e);
    }
  }

  /** Prints the lines not printed yet, up to (without) {@code limit}. */
  void flushUpTo(int limit) throws ForgeException {
    List<String> lines = LocalForges.timeline(dir, LocalForges.DEMO_REPO);
    int end = Math.min(limit, lines.size());
    for (; printed < end; printed++) {
      String line = lines.get(printed);
      print.accept("timeline | " + line);
      Matcher m = COMMENT.matcher(line);
      if (m.find()) {
        visibleText(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
      }
    }
  }

  private void visibleText(int issue, long id) throws ForgeException {
    Set<String> seen = shown.computeIfAbsent(id, k -> new HashSet<>());
    for (String line :
        visibleLines(LocalForges.commentBody(dir, LocalForges.DEMO_REPO, issue, id))) {
      if (seen.add(line)) {
        print.accept("         |   " + line);
      }
    }
  }

  /** The lines of a comment a person sees: no HTML comments, no tables, no blank lines. */
  static List<String> visibleLines(String body) {
    String text = body.replaceAll("(?s)<!--.*?-->", "");
    List<String> lines = new ArrayList<>();
    for (String line : text.lines().toList()) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("|")) {
        continue;
      }
      // Escaped like every untrusted line; a backtick is harmless on a terminal and reads better.
      lines.add(Texts.escape(t, Demo.MAX_LINE).replace("\\u0060", "`"));
    }
    return lines;
  }
}
