package dev.hydra.image.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageReportTest {

  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String D1 = "sha256:" + "1".repeat(64);
  static final String D2 = "sha256:" + "2".repeat(64);

  final ImageBuildRequest request =
      ImageBuildRequest.of(
              Path.of("images"),
              ImageSet.PERSONAS,
              "ghcr.io/acme/hydra",
              "latest",
              Instant.parse("2026-11-22T08:00:00Z"))
          .withRevision(SHA)
          .withRoles(List.of("builder"));

  final List<BuiltImage> pushed =
      List.of(
          new BuiltImage(
              "base",
              List.of("ghcr.io/acme/hydra-base:latest", "ghcr.io/acme/hydra-base:0123456789ab"),
              "ghcr.io/acme/hydra-base@" + D1,
              true),
          new BuiltImage(
              "builder",
              List.of(
                  "ghcr.io/acme/hydra-builder:latest", "ghcr.io/acme/hydra-builder:0123456789ab"),
              "ghcr.io/acme/hydra-builder@" + D2,
              true));

  @Test
  void pushedImagesArePinnedByDigest() {
    assertThat(ImageReport.lines(pushed))
        .containsExactly(
            "base      ghcr.io/acme/hydra-base@"
                + D1
                + "  (ghcr.io/acme/hydra-base:latest, ghcr.io/acme/hydra-base:0123456789ab,"
                + " pushed)",
            "builder   ghcr.io/acme/hydra-builder@"
                + D2
                + "  (ghcr.io/acme/hydra-builder:latest, ghcr.io/acme/hydra-builder:0123456789ab,"
                + " pushed)");
    assertThat(ImageReport.outputs(request.withPush(true), pushed))
        .containsExactly(
            java.util.Map.entry("prefix", "ghcr.io/acme/hydra"),
            java.util.Map.entry("tag", "latest"),
            java.util.Map.entry("immutable_tag", "0123456789ab"),
            java.util.Map.entry("pushed", "true"),
            java.util.Map.entry(
                "images", "ghcr.io/acme/hydra-base@" + D1 + "\nghcr.io/acme/hydra-builder@" + D2),
            java.util.Map.entry("base_image", "ghcr.io/acme/hydra-base@" + D1),
            java.util.Map.entry("base_digest", D1),
            java.util.Map.entry("builder_image", "ghcr.io/acme/hydra-builder@" + D2),
            java.util.Map.entry("builder_digest", D2));
  }

  @Test
  void theSummaryIsATableWithWhatToPin() {
    assertThat(ImageReport.summary(request.withPush(true), pushed))
        .isEqualTo(
            "### Hydra images pushed\n\n"
                + "Tag `latest` and the immutable tag `0123456789ab` (commit `"
                + SHA
                + "`).\n\n"
                + "| Role | Pinned reference | Tags |\n|---|---|---|\n"
                + "| base | `ghcr.io/acme/hydra-base@"
                + D1
                + "` | `ghcr.io/acme/hydra-base:latest`, `ghcr.io/acme/hydra-base:0123456789ab` |\n"
                + "| builder | `ghcr.io/acme/hydra-builder@"
                + D2
                + "` | `ghcr.io/acme/hydra-builder:latest`,"
                + " `ghcr.io/acme/hydra-builder:0123456789ab` |\n\n"
                + "Run exactly these images: set the repository variable `HYDRA_IMAGE_TAG` to"
                + " `0123456789ab`, or pin one image by its reference above (`hydra stage-run"
                + " --image`).\n");
  }

  @Test
  void localImagesArePinnedByTheirImmutableTag() {
    BuiltImage local =
        new BuiltImage(
            "builder", List.of("hydra-builder:dev", "hydra-builder:20261122T080000Z"), D2, false);
    assertThat(ImageReport.pinned(local)).isEqualTo("hydra-builder:20261122T080000Z");
    assertThat(ImageReport.digest(local)).isEqualTo(D2);
    assertThat(ImageReport.lines(List.of(local)))
        .containsExactly(
            "builder   hydra-builder:20261122T080000Z  (hydra-builder:dev,"
                + " hydra-builder:20261122T080000Z, local image ID "
                + D2
                + ")");
    assertThat(ImageReport.summary(request, List.of(local)))
        .startsWith("### Hydra images built locally")
        .endsWith("Not pushed: the digests are local image IDs; build with `--push` to publish.\n");
  }
}
