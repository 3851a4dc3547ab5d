package dev.hydra.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.forge.ForgeType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code hydra init} reads the forge from the clone's origin (issue 12 item 11). */
class OriginRemoteTest {

  @Test
  void githubDotComIsGitHubInEveryFormGitClonesWith() {
    for (String url :
        new String[] {
          "https://github.com/acme/shop.git",
          "https://github.com/acme/shop",
          "git@github.com:acme/shop.git",
          "ssh://git@github.com/acme/shop.git"
        }) {
      assertThat(OriginRemote.of(url))
          .as(url)
          .contains(new OriginRemote(ForgeType.GITHUB, "github.com", "https://api.github.com"));
    }
  }

  @Test
  void anyOtherHostIsAForgejoWithItsApiUnderApiV1() {
    OriginRemote codeberg =
        new OriginRemote(ForgeType.FORGEJO, "codeberg.org", "https://codeberg.org/api/v1");
    assertThat(OriginRemote.of("https://codeberg.org/acme/shop.git")).contains(codeberg);
    assertThat(OriginRemote.of("git@codeberg.org:acme/shop.git")).contains(codeberg);
    // An SSH port is not the web port; an HTTPS port is.
    assertThat(OriginRemote.of("ssh://git@codeberg.org:2222/acme/shop.git")).contains(codeberg);
    assertThat(OriginRemote.of("https://git.example.org:3000/acme/shop").map(o -> o.apiUrl()))
        .contains("https://git.example.org:3000/api/v1");
    assertThat(OriginRemote.of("/srv/git/shop.git")).isEmpty();
    assertThat(OriginRemote.of("")).isEmpty();
  }

  @Test
  void theOriginUrlIsReadFromTheOriginSectionOnly() {
    String config =
        """
        [core]
        \trepositoryformatversion = 0
        [remote "upstream"]
        \turl = https://github.com/other/shop.git
        [remote "origin"]
        \turl = git@codeberg.org:acme/shop.git
        \tfetch = +refs/heads/*:refs/remotes/origin/*
        [branch "main"]
        \tremote = origin
        """;
    assertThat(OriginRemote.originUrl(config)).contains("git@codeberg.org:acme/shop.git");
    assertThat(OriginRemote.originUrl("[core]\n\tbare = false\n")).isEqualTo(Optional.empty());
    assertThat(OriginRemote.originUrl("[remote \"origin\"]\n[remote \"x\"]\n\turl = a\n"))
        .isEmpty();
  }
}
