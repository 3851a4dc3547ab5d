package dev.hydra.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRefTest {

  static final String SHA = "sha256:" + "0123456789abcdef".repeat(4);

  @Nested
  class Parse {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        nullValues = "-",
        value = {
          // reference                          | registry              | path                   |
          // tag           | digest
          "debian                               | ''                    | debian                 | -             | -",
          "debian:bookworm-slim                 | ''                    | debian                 | bookworm-slim | -",
          "library/debian:12                    | ''                    | library/debian         | 12            | -",
          "ghcr.io/acme/hydra-builder:1.2.3     | ghcr.io               | acme/hydra-builder     | 1.2.3         | -",
          "localhost/hydra-builder:test         | localhost             | hydra-builder          | test          | -",
          "localhost:5000/a/b:c                 | localhost:5000        | a/b                    | c             | -",
          "registry.example.com:443/x           | registry.example.com:443 | x                   | -             | -",
          "Registry/x:y                         | Registry              | x                      | y             | -",
          "[::1]:5000/hydra-reviewer:t          | [::1]:5000            | hydra-reviewer         | t             | -",
          "10.0.0.1:5000/x_y__z.w---v:_T.a-g    | 10.0.0.1:5000         | x_y__z.w---v           | _T.a-g        | -",
          "codeberg.org/conduction/hydra-applier:sha-1a2b3c4 | codeberg.org | conduction/hydra-applier | sha-1a2b3c4 | -",
        })
    void valid(String reference, String registry, String path, String tag, String digest) {
      ImageRef ref = ImageRef.parse(reference);
      assertThat(ref.registry()).isEqualTo(registry);
      assertThat(ref.path()).isEqualTo(path);
      assertThat(ref.tag()).isEqualTo(tag);
      assertThat(ref.digest()).isEqualTo(digest);
      assertThat(ref.toString()).isEqualTo(reference);
      assertThat(ref.isPinned()).isFalse();
    }

    @Test
    void digestWithAndWithoutTag() {
      ImageRef pinned = ImageRef.parse("ghcr.io/acme/hydra-builder@" + SHA);
      assertThat(pinned.tagValue()).isEmpty();
      assertThat(pinned.digestValue()).contains(SHA);
      assertThat(pinned.isPinned()).isTrue();
      assertThat(pinned.name()).isEqualTo("ghcr.io/acme/hydra-builder");

      ImageRef both = ImageRef.parse("localhost:5000/hydra-builder:1.4@" + SHA);
      assertThat(both.registry()).isEqualTo("localhost:5000");
      assertThat(both.tagValue()).contains("1.4");
      assertThat(both.digestValue()).contains(SHA);
      assertThat(both).hasToString("localhost:5000/hydra-builder:1.4@" + SHA);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
        strings = {
          "",
          " debian",
          "debian ",
          "-debian",
          "--privileged",
          "Debian",
          "acme/Hydra",
          "debian:",
          "debian:-x",
          "debian:.x",
          "debian:a b",
          "debian@",
          "debian@sha256:abc",
          "debian@sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
          "debian@SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
          "debian@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
          "a//b",
          "a/",
          "/a",
          "a..b",
          "a_-b",
          "a___b",
          "a:b:c",
          "https://ghcr.io/a",
          "ghcr.io/a:b/c",
          "a$(id)",
          "a\nb",
          "a;rm",
          "-h.io/a",
          "ghcr..io/a",
          "[zz]/a",
        })
    void invalid(String reference) {
      assertThatThrownBy(() -> ImageRef.parse(reference))
          .isInstanceOf(IllegalArgumentException.class)
          .message()
          .doesNotContain("\n");
    }

    @Test
    void tagLengthAndNameLengthAreBounded() {
      assertThat(ImageRef.parse("a:" + "t".repeat(128)).tag()).hasSize(128);
      assertThatThrownBy(() -> ImageRef.parse("a:" + "t".repeat(129)))
          .hasMessageContaining("invalid image tag");
      assertThat(ImageRef.parse("a".repeat(255)).path()).hasSize(255);
      assertThatThrownBy(() -> ImageRef.parse("a".repeat(256))).hasMessageContaining("at most 255");
      assertThatThrownBy(() -> ImageRef.parse("ghcr.io/" + "a".repeat(248)))
          .hasMessageContaining("256 characters");
    }

    @Test
    void messagesNameThePartAndQuoteSafely() {
      assertThatThrownBy(() -> ImageRef.parse("Acme/x\u202e:1"))
          .hasMessageContaining("invalid image name `x\\u202E`");
      assertThatThrownBy(() -> ImageRef.parse("x@md5:00")).hasMessageContaining("only sha256:");
    }
  }

  @Nested
  class ForRole {

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
      "ghcr.io/acme/hydra, builder, latest, ghcr.io/acme/hydra-builder:latest",
      "localhost/hydra, reviewer, test, localhost/hydra-reviewer:test",
      "codeberg.org/conduction/hydra, security, sha-1a2b3c4, codeberg.org/conduction/hydra-security:sha-1a2b3c4",
      "hydra, applier, 2026.11.22, hydra-applier:2026.11.22",
    })
    void tagged(String prefix, String role, String tag, String expected) {
      assertThat(ImageRef.forRole(prefix, role, tag)).hasToString(expected);
    }

    @Test
    void digestPinned() {
      assertThat(ImageRef.forRole("ghcr.io/acme/hydra", "builder", SHA))
          .hasToString("ghcr.io/acme/hydra-builder@" + SHA)
          .matches(ImageRef::isPinned);
      assertThat(ImageRef.forRole("ghcr.io/acme/hydra", "builder", "@" + SHA))
          .hasToString("ghcr.io/acme/hydra-builder@" + SHA);
      assertThat(ImageRef.forRole("ghcr.io/acme/hydra", "builder", "1.4@" + SHA))
          .hasToString("ghcr.io/acme/hydra-builder:1.4@" + SHA);
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "ghcr.io/acme/hydra:1 | latest",
          "ghcr.io/acme/hydra@"
              + "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | latest",
          "ghcr.io/acme/Hydra | latest",
          "ghcr.io/acme/hydra | ''",
          "ghcr.io/acme/hydra | @",
          "ghcr.io/acme/hydra | sha256:abc",
          "ghcr.io/acme/hydra | a b",
          "-x | latest",
        })
    void invalid(String prefix, String tag) {
      assertThatThrownBy(() -> ImageRef.forRole(prefix, "builder", tag))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
