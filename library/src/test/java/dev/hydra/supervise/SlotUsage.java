package dev.hydra.supervise;

import java.util.List;

/**
 * How busy a pool's slots were, from the time each job held its slot; pure.
 *
 * @param slots the pool's slots
 * @param spans each job's time in its slot, in {@link System#nanoTime} units
 */
record SlotUsage(int slots, List<Span> spans) {

  /** One job's time in a slot: from its start to its end. */
  record Span(long start, long end) {
    Span {
      if (end < start) {
        throw new IllegalArgumentException("a span ends before it starts: " + start + ".." + end);
      }
    }
  }

  SlotUsage {
    if (slots < 1) {
      throw new IllegalArgumentException("at least one slot, got " + slots);
    }
    spans = List.copyOf(spans);
  }

  /**
   * The busy share of the slots from the first job's start to the last job's end: the jobs' time in
   * their slots over slots × that window. The tail, when fewer jobs than slots are left, counts as
   * idle.
   */
  double busyRatio() {
    if (spans.isEmpty()) {
      return 0;
    }
    return busyRatio(firstStart(), spans.stream().mapToLong(Span::end).max().orElseThrow());
  }

  /**
   * The busy share while work was queued: from the first job's start to the last job's start (the
   * queue is empty from then on, so an idle slot after it is no scheduling delay).
   */
  double busyWhileQueued() {
    if (spans.isEmpty()) {
      return 0;
    }
    return busyRatio(firstStart(), spans.stream().mapToLong(Span::start).max().orElseThrow());
  }

  /** The busy share of the window {@code from..to}, each span clipped to it. */
  double busyRatio(long from, long to) {
    if (to <= from) {
      return 1;
    }
    long busy = 0;
    for (Span span : spans) {
      busy += Math.max(0, Math.min(span.end(), to) - Math.max(span.start(), from));
    }
    return (double) busy / ((double) slots * (to - from));
  }

  private long firstStart() {
    return spans.stream().mapToLong(Span::start).min().orElseThrow();
  }
}
