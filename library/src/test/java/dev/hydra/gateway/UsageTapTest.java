package dev.hydra.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.gateway.ScriptedUpstream.Answer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UsageTapTest {

  @Test
  void eventsSplitAnywhereAreCountedWithTheLastCumulativeValues() {
    byte[] stream = Answer.events("Hi").bytes();
    for (int cut = 1; cut < stream.length; cut += 7) {
      UsageTap tap = new UsageTap(true);
      tap.accept(stream, 0, cut);
      tap.accept(stream, cut, stream.length - cut);
      assertThat(tap.usage()).as("cut at %d", cut).isEqualTo(new TokenUsage(12, 5, 0, 0));
    }
  }

  @Test
  void aLongTextDeltaIsSkippedNotCountedAndNotHeld() {
    String huge = "x".repeat(UsageTap.MAX_LINE * 2);
    String stream =
        "data: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\""
            + huge
            + "\"},\"usage\":{}}\n"
            + "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":9,\"input_tokens\":4}}\n";
    UsageTap tap = new UsageTap(true);
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    tap.accept(bytes, 0, bytes.length);
    assertThat(tap.usage()).isEqualTo(new TokenUsage(4, 9, 0, 0));
  }

  @Test
  void whatIsNotJsonCountsNothing() {
    UsageTap events = new UsageTap(true);
    byte[] junk = "data: {\"usage\": nope\n: comment\n".getBytes(StandardCharsets.UTF_8);
    events.accept(junk, 0, junk.length);
    assertThat(events.usage()).isEqualTo(TokenUsage.ZERO);
    UsageTap json = new UsageTap(false);
    byte[] html = "<html>502</html>".getBytes(StandardCharsets.UTF_8);
    json.accept(html, 0, html.length);
    assertThat(json.usage()).isEqualTo(TokenUsage.ZERO);
  }
}
