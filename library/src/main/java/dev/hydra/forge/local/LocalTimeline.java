package dev.hydra.forge.local;

import dev.hydra.forge.ForgeException;
import dev.hydra.forge.RepoRef;
import dev.hydra.text.Texts;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only {@code timeline.log} of a repository, one line per side effect as a person at
 * this machine reads it, and the times the local forge records.
 */
record LocalTimeline(LocalStore store, String actor, Clock clock) {

  private static final Logger LOG = LoggerFactory.getLogger(LocalForge.class);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

  /** Now, to the millisecond, ISO-8601: the time a change records. */
  String now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /**
   * Appends to the timeline after the change itself is written. A failure here is logged, not
   * thrown: the change was made, and a caller told otherwise would retry and make it twice.
   */
  void append(RepoRef repo, String text) {
    try {
      store.appendTimeline(repo, line(clock, actor, text));
    } catch (ForgeException e) {
      LOG.warn("the change was made, but its timeline line was not written: {}", e.getMessage());
    }
  }

  static String line(Clock clock, String actor, String text) {
    Instant at = clock.instant();
    String time = LocalTime.ofInstant(at, clock.getZone()).format(TIME);
    return String.format(Locale.ROOT, "%s %-9s %s", time, esc(actor), Texts.oneLine(text));
  }

  static String esc(String value) {
    return Texts.escape(value, Texts.MAX_SHOWN);
  }

  static String excerpt(String text) {
    // The first line a person sees: HTML comments (Hydra's markers) are not shown by the forge.
    String first =
        text.replaceAll("(?s)<!--.*?-->", "")
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .findFirst()
            .orElse("");
    return Texts.quote(first);
  }

  static String shortSha(String sha) {
    return esc(sha.length() > 7 ? sha.substring(0, 7) : sha);
  }

  static String joinNumbers(List<Integer> numbers) {
    return String.join(", #", numbers.stream().map(String::valueOf).toList());
  }
}
