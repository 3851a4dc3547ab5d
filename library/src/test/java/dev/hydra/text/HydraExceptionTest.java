package dev.hydra.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class HydraExceptionTest {

  static final class Failure extends HydraException {
    private static final long serialVersionUID = 1L;

    Failure(String message, Throwable... cause) {
      super(message, cause);
    }
  }

  @Test
  void keepsTheMessageAndNoCauseWhenNoneIsGiven() {
    Failure failure = new Failure("it broke; fix it");

    assertThat(failure).hasMessage("it broke; fix it").hasNoCause();
  }

  @Test
  void keepsTheOneCauseGiven() {
    IOException cause = new IOException("disk");

    assertThat(new Failure("it broke", cause)).hasMessage("it broke").hasCause(cause);
  }

  @Test
  void refusesMoreThanOneCause() {
    assertThatThrownBy(() -> new Failure("it broke", new IOException("a"), new IOException("b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at most one cause, got 2");
  }
}
