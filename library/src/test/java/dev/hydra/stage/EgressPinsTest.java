package dev.hydra.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.container.ContainerSpec;
import dev.hydra.container.HostPin;
import dev.hydra.label.Stage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EgressPinsTest {

  static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal); // a literal: no lookup
  }

  @Test
  void theRunnersListIsTheEntrypointsList() throws Exception {
    Path script = Path.of("..", "images", "base", "entrypoint-common.sh");
    String line =
        Files.readAllLines(script).stream()
            .filter(l -> l.contains("printf '%s\\n' registry.npmjs.org"))
            .findFirst()
            .orElseThrow();
    List<String> listed =
        Arrays.asList(line.substring(line.indexOf("registry.npmjs.org")).strip().split("\\s+"));
    assertThat(EgressPins.BUILDER_REGISTRIES).containsExactlyElementsOf(listed);
  }

  @Test
  void theBuilderGetsEveryAddressOfEveryRegistryThatResolves() throws Exception {
    List<String> notes = new ArrayList<>();
    List<HostPin> pins =
        EgressPins.resolve(
            Stage.BUILD,
            host ->
                switch (host) {
                  case "pypi.org" -> List.of(ip("192.0.2.10"), ip("2001:db8::10"));
                  case "deb.debian.org" -> throw new UnknownHostException(host);
                  default -> List.of(ip("192.0.2.1"));
                },
            notes::add);
    assertThat(pins)
        .extracting(HostPin::addHost)
        .containsExactly(
            "registry.npmjs.org:192.0.2.1",
            "repo.maven.apache.org:192.0.2.1",
            "repo1.maven.org:192.0.2.1",
            "pypi.org:192.0.2.10",
            "pypi.org:2001:db8:0:0:0:0:0:10",
            "files.pythonhosted.org:192.0.2.1");
    assertThat(notes)
        .containsExactly(
            "egress: deb.debian.org does not resolve on the runner; the stage runs without it");
  }

  @Test
  void reviewersAndTheApplierReachNothingByName() throws Exception {
    for (Stage stage : List.of(Stage.CODE_REVIEW, Stage.SECURITY_REVIEW, Stage.APPLIER)) {
      assertThat(
              EgressPins.resolve(
                  stage,
                  host -> {
                    throw new AssertionError("no lookup for " + stage);
                  },
                  note -> {}))
          .isEmpty();
    }
  }

  @Test
  @Timeout(20)
  void aLookupThatHangsIsLeftOutAfterTheLimitNotWaitedFor() throws Exception {
    List<String> notes = new ArrayList<>();
    long start = System.nanoTime();
    List<HostPin> pins =
        EgressPins.resolve(
            Stage.BUILD,
            host -> {
              if (host.equals("repo1.maven.org")) {
                try {
                  Thread.sleep(60_000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return List.of(ip("192.0.2.1"));
            },
            notes::add);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(EgressPins.LIMIT.plusSeconds(5));
    assertThat(pins).extracting(HostPin::name).doesNotContain("repo1.maven.org").hasSize(5);
    assertThat(notes).singleElement().asString().contains("repo1.maven.org");
  }

  @Test
  void aSpecCarriesItsPinsAndAHostileNameIsRefused() throws Exception {
    ContainerSpec spec =
        new ContainerSpec(
                "img",
                "c",
                "n",
                1,
                1,
                1,
                1,
                1,
                Set.of(),
                Map.of(),
                List.of(),
                Map.of(),
                Duration.ofMinutes(1))
            .withHosts(List.of(new HostPin("pypi.org", ip("192.0.2.10"))));
    assertThat(spec.hosts()).extracting(HostPin::addHost).containsExactly("pypi.org:192.0.2.10");
    for (String bad : List.of("", "a b", "x:1", "-x.org", "x.org\nevil", "$(id)")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HostPin(bad, ip("192.0.2.1")))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
