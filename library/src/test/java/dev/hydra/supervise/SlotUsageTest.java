package dev.hydra.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlotUsageTest {

  static SlotUsage.Span span(long start, long end) {
    return new SlotUsage.Span(start, end);
  }

  @Test
  void everySlotBusyTheWholeTimeIsOne() {
    SlotUsage usage =
        new SlotUsage(2, List.of(span(0, 10), span(0, 5), span(5, 10), span(10, 20), span(10, 20)));
    assertThat(usage.busyRatio()).isEqualTo(1.0);
    assertThat(usage.busyWhileQueued()).isEqualTo(1.0);
  }

  @Test
  void gapsBetweenJobsAndTheTailCountAsIdle() {
    // Two slots, 0..100: slot A busy 0..40 and 50..100 (90), slot B busy 0..40 and 50..70 (60).
    SlotUsage usage =
        new SlotUsage(2, List.of(span(0, 40), span(0, 40), span(50, 100), span(50, 70)));
    assertThat(usage.busyRatio()).isCloseTo(150.0 / 200, within(1e-9));
    // While queued (0..50, the last start): 80 busy of 100.
    assertThat(usage.busyWhileQueued()).isCloseTo(80.0 / 100, within(1e-9));
  }

  @Test
  void aWindowClipsTheSpans() {
    SlotUsage usage = new SlotUsage(1, List.of(span(0, 10), span(20, 30)));
    assertThat(usage.busyRatio(5, 25)).isCloseTo(10.0 / 20, within(1e-9));
    assertThat(usage.busyRatio()).isCloseTo(20.0 / 30, within(1e-9));
  }

  @Test
  void noJobsIsNoBusyTimeAndBadInputIsRefused() {
    assertThat(new SlotUsage(5, List.of()).busyRatio()).isZero();
    assertThatThrownBy(() -> new SlotUsage(0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> span(5, 4)).isInstanceOf(IllegalArgumentException.class);
  }
}
