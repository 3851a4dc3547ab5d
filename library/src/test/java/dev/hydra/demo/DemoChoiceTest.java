package dev.hydra.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which executor {@code hydra demo} chooses and why (moved from {@code DemoCommandTest}). */
class DemoChoiceTest {

  @Test
  void containersRunWhenNothingIsMissing() {
    DemoChoice choice = DemoChoice.choose(false, List.of());
    assertThat(choice.containers()).isTrue();
    assertThat(choice.lines()).singleElement().asString().contains("real hardened container");
  }

  @Test
  void scriptedWhenAskedEvenIfContainersCouldRun() {
    DemoChoice choice = DemoChoice.choose(true, List.of());
    assertThat(choice.containers()).isFalse();
    assertThat(choice.lines()).singleElement().asString().contains("--scripted");
  }

  @Test
  void scriptedWhenSomethingIsMissingNamingEachWithItsFix() {
    DemoChoice choice =
        DemoChoice.choose(
            false,
            List.of(
                new DemoImages.Missing("no Docker daemon answers", "start Docker: dockerd"),
                new DemoImages.Missing("no images/", "pass --images DIR")));
    assertThat(choice.containers()).isFalse();
    assertThat(choice.lines())
        .containsExactly(
            "containers: cannot run here, so each stage is a scripted verdict and the docker run"
                + " it would use is printed as its plan. Missing:",
            "  - no Docker daemon answers; fix: start Docker: dockerd",
            "  - no images/; fix: pass --images DIR");
  }
}
