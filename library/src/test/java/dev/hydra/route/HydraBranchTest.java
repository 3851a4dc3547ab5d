package dev.hydra.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HydraBranchTest {

  static final String SLUG_48 = "a".repeat(48);
  static final String SLUG_49 = "a".repeat(49);

  @Nested
  class Parse {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
      "hydra/1-x,                        1,         x",
      "hydra/12-add-login,               12,        add-login",
      "hydra/7-add-a-health-endpoint,    7,         add-a-health-endpoint",
      "hydra/999999999-a,                999999999, a",
      "hydra/3-v2,                       3,         v2",
      "hydra/3-0,                        3,         0"
    })
    void valid(String ref, int issue, String slug) {
      HydraBranch branch = HydraBranch.parse(ref).orElseThrow();

      assertThat(branch.issue()).isEqualTo(issue);
      assertThat(branch.slug()).isEqualTo(slug);
      assertThat(branch.name()).isEqualTo(ref);
      assertThat(branch).hasToString(ref);
    }

    @Test
    void fortyEightCharacterSlugIsTheLongest() {
      assertThat(HydraBranch.parse("hydra/5-" + SLUG_48)).isPresent();
      assertThat(HydraBranch.parse("hydra/5-" + SLUG_49)).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(
        strings = {
          "",
          "hydra/",
          "hydra/0-x",
          "hydra/012-x",
          "hydra/-1-x",
          "hydra/12",
          "hydra/12-",
          "hydra/12-Upper",
          "hydra/12-a--b",
          "hydra/12--a",
          "hydra/12-a-",
          "hydra/12-a_b",
          "hydra/12-a.b",
          "hydra/12-a/b",
          "hydra/12-ä",
          "hydra/12-x ",
          " hydra/12-x",
          "hydra/12-x\n",
          "hydra/1000000000-x",
          "hydra/x-12",
          "Hydra/12-x",
          "HYDRA/12-x",
          "refs/heads/hydra/1-x",
          "origin/hydra/1-x",
          "hydra//1-x",
          "hydra/1-x/../../main",
          "hydra/１２-x",
          "hydra/12-x\u200B"
        })
    void invalid(String ref) {
      assertThat(HydraBranch.parse(ref)).isEmpty();
    }

    @Test
    void constructorGuardsTheSameRules() {
      assertThatIllegalArgumentException().isThrownBy(() -> new HydraBranch(0, "x"));
      assertThatIllegalArgumentException().isThrownBy(() -> new HydraBranch(1, ""));
      assertThatIllegalArgumentException().isThrownBy(() -> new HydraBranch(1, "-x"));
      assertThatIllegalArgumentException().isThrownBy(() -> new HydraBranch(1, "a--b"));
      assertThatIllegalArgumentException().isThrownBy(() -> new HydraBranch(1, SLUG_49));
      assertThat(new HydraBranch(1, SLUG_48).name()).isEqualTo("hydra/1-" + SLUG_48);
    }
  }

  @Nested
  class Slug {

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
            Add a /health endpoint       | add-a-health-endpoint
            --upload-pack=touch /tmp/p   | upload-pack-touch-tmp-p
            -c core.sshCommand=x         | c-core-sshcommand-x
            ../../etc                    | etc
            $(touch /tmp/pwned)          | touch-tmp-pwned
            `id`                         | id
            "; curl http://127.0.0.1/?t=$GITHUB_TOKEN # | curl-http-127-0-0-1-t-github-token
            Grüße aus Köln               | gr-e-aus-k-ln
            🚀🚀🚀                        | issue
            ...                          | issue
            ---                          | issue
            HELLO   World                | hello-world
            a\\nb                        | a-nb
            """)
    void examples(String title, String slug) {
      assertThat(HydraBranch.slug(title)).isEqualTo(slug);
    }

    @Test
    void emptyTitle() {
      assertThat(HydraBranch.slug("")).isEqualTo("issue");
    }

    @Test
    void cutAtFortyEightWithoutTrailingHyphen() {
      assertThat(HydraBranch.slug("a".repeat(300))).isEqualTo(SLUG_48);
      assertThat(HydraBranch.slug("a".repeat(47) + " b")).isEqualTo("a".repeat(47));
      assertThat(HydraBranch.slug("a".repeat(46) + " bc")).isEqualTo("a".repeat(46) + "-b");
    }

    static Stream<String> hostileTitles() {
      return Stream.of(
          "--upload-pack=touch /tmp/p",
          "-c core.sshCommand=x",
          "../../etc",
          "..",
          "/etc/passwd",
          "$(touch /tmp/pwned)",
          "`id`",
          "|| true",
          "x\nNODE_OPTIONS=--require=/tmp/evil.js",
          "🚀",
          "\u202E\u200B\uDB40\uDC41",
          "\uD800",
          "-".repeat(300),
          "a-".repeat(150),
          "ab ".repeat(100),
          "x".repeat(300),
          "Ünïcödé ßtraße İstanbul \u212A",
          "refs/heads/main",
          "hydra/1-x",
          "@{-1}",
          "HEAD~1^2",
          "a..b",
          "a.lock",
          "\u0000\u0001\u007F");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("hostileTitles")
    void hostileTitlesMakeSafeSlugs(String title) {
      String slug = HydraBranch.slug(title);

      assertThat(slug)
          .isNotEmpty()
          .hasSizeLessThanOrEqualTo(48)
          .matches("[a-z0-9]+(-[a-z0-9]+)*")
          .doesNotStartWith("-")
          .doesNotContain("/", "..", "--");
      HydraBranch branch = HydraBranch.forIssue(12, title);
      assertThat(branch.name()).startsWith("hydra/12-").endsWith(slug);
      assertThat(HydraBranch.parse(branch.name())).contains(branch);
    }
  }
}
