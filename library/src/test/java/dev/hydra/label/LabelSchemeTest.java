package dev.hydra.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSchemeTest {

  private static final LabelScheme CANONICAL = LabelScheme.canonical();
  private static final LabelScheme WILCO = LabelScheme.of("wilco", "");

  /** No line break, no other control character, no Unicode line separator. */
  static void assertSingleLine(@Nullable String text) {
    assertThat(Objects.requireNonNull(text, "no message").codePoints())
        .as("control characters in %s", text)
        .noneMatch(cp -> cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
        .noneMatch(cp -> cp == 0x2028 || cp == 0x2029);
  }

  @Nested
  class Prefix {

    @ParameterizedTest(name = "[{index}] prefix \"{0}\" is valid")
    @ValueSource(
        strings = {"p", "7", "wilco", "a1-b2", "a-b", "a--b", "0a", "ab", "abcdefghijklmnop"})
    void valid(String prefix) {
      LabelScheme scheme = LabelScheme.of(prefix, "");

      assertThat(scheme.prefix()).isEqualTo(prefix);
      assertThat(scheme.trigger()).isEqualTo(prefix + "-ready-to-build");
    }

    @Test
    void sixteenCharactersIsTheLongestPrefix() {
      assertThat("abcdefghijklmnop").hasSize(16);
      assertThat(LabelScheme.of("abcdefghijklmnop", "").prefix()).hasSize(16);
      assertThatIllegalArgumentException()
          .isThrownBy(() -> LabelScheme.of("abcdefghijklmnopq", ""));
    }

    @ParameterizedTest(name = "[{index}] prefix \"{0}\" is refused")
    @ValueSource(
        strings = {
          "-a",
          "a-",
          "-",
          "A",
          "Wilco",
          "wilco_",
          "wil.co",
          "abcdefghijklmnopq",
          "a b",
          " wilco",
          "wilco ",
          "wilco\n",
          "wilco\t",
          "wïlco",
          "wilсo", // Cyrillic 'с'
          "ｗｉｌｃｏ",
          "wil\u200Bco",
          "${{ vars.X }}",
          "wilco:",
          "wilco/x"
        })
    void invalid(String prefix) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> LabelScheme.of(prefix, ""))
          .withMessageStartingWith("label prefix `")
          .withMessageContaining("is invalid")
          .withMessageContaining(LabelScheme.PREFIX.pattern())
          .satisfies(e -> assertSingleLine(e.getMessage()));
    }

    @Test
    void emptyPrefixMeansCanonicalLabels() {
      assertThat(LabelScheme.of("", "")).isEqualTo(CANONICAL);
      assertThat(CANONICAL.trigger()).isEqualTo("ready-to-build");
      assertThat(CANONICAL.name(Stage.BUILD, StageState.QUEUED)).isEqualTo("build:queued");
    }

    @Test
    void thePatternIsTheOneInTheSpec() {
      assertThat(LabelScheme.PREFIX.pattern()).isEqualTo("^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$");
    }
  }

  @Nested
  class TriggerLabel {

    @ParameterizedTest(name = "[{index}] trigger \"{0}\" is valid")
    @ValueSource(strings = {"go", "build-me", "x", "hydra-build-2"})
    void valid(String trigger) {
      assertThat(LabelScheme.of("", trigger).trigger()).isEqualTo(trigger);
      assertThat(LabelScheme.of("p", trigger).trigger()).isEqualTo("p-" + trigger);
    }

    @Test
    void emptyMeansTheDefault() {
      assertThat(LabelScheme.of("", "").triggerBase()).isEqualTo(LabelScheme.DEFAULT_TRIGGER);
    }

    @ParameterizedTest(name = "[{index}] trigger \"{0}\" is refused as malformed")
    @ValueSource(
        strings = {
          "Ready-To-Build",
          "ready to build",
          "ready-to-build ",
          "-ready",
          "ready-",
          "build:queued",
          "ready_to_build",
          "ready-to-bu\u0456ld"
        })
    void malformed(String trigger) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> LabelScheme.of("", trigger))
          .withMessageStartingWith("trigger label `")
          .withMessageContaining("is invalid")
          .satisfies(e -> assertSingleLine(e.getMessage()));
    }

    @Test
    void fortyEightCharactersIsTheLongestTrigger() {
      String longest = "a".repeat(48);
      assertThat(LabelScheme.of("", longest).trigger()).isEqualTo(longest);
      assertThatIllegalArgumentException().isThrownBy(() -> LabelScheme.of("", longest + "a"));
    }

    @ParameterizedTest(name = "[{index}] trigger \"{0}\" is one of Hydra's own labels")
    @ValueSource(strings = {"done", "needs-input", "yolo", "openspec"})
    void reserved(String trigger) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> LabelScheme.of("", trigger))
          .withMessage(
              "trigger label `"
                  + trigger
                  + "` is one of Hydra's own state or metadata labels; choose another name");
      assertThatIllegalArgumentException().isThrownBy(() -> LabelScheme.of("wilco", trigger));
    }
  }

  @Nested
  class Names {

    @ParameterizedTest(name = "[{index}] {0} {1} -> {2} / {3}")
    @CsvSource({
      "BUILD,           QUEUED,  build:queued,           wilco-build:queued",
      "BUILD,           FAIL,    build:fail,             wilco-build:fail",
      "CODE_REVIEW,     RUNNING, code-review:running,    wilco-code-review:running",
      "SECURITY_REVIEW, PASS,    security-review:pass,   wilco-security-review:pass",
      "APPLIER,         FAIL,    applier:fail,           wilco-applier:fail",
      "RETRY,           QUEUED,  retry:queued,           wilco-retry:queued",
      "REBUILD,         QUEUED,  rebuild:queued,         wilco-rebuild:queued"
    })
    void stageLabels(Stage stage, StageState state, String canonical, String prefixed) {
      assertThat(CANONICAL.name(stage, state)).isEqualTo(canonical);
      assertThat(WILCO.name(stage, state)).isEqualTo(prefixed);
      assertThat(WILCO.name(StageLabel.of(stage, state))).isEqualTo(prefixed);
    }

    @Test
    void outcomesArePrefixed() {
      assertThat(CANONICAL.name(Outcome.DONE)).isEqualTo("done");
      assertThat(WILCO.name(Outcome.DONE)).isEqualTo("wilco-done");
      assertThat(WILCO.name(Outcome.NEEDS_INPUT)).isEqualTo("wilco-needs-input");
    }

    @ParameterizedTest
    @EnumSource(MetadataLabel.class)
    void metadataLabelsAreNeverPrefixed(MetadataLabel label) {
      assertThat(WILCO.name(label)).isEqualTo(label.id()).doesNotStartWith("wilco-");
      assertThat(CANONICAL.name(label)).isEqualTo(label.id());
    }

    @Test
    void yoloAndOpenspecKeepTheirNames() {
      assertThat(WILCO.name(MetadataLabel.YOLO)).isEqualTo("yolo");
      assertThat(WILCO.name(MetadataLabel.OPENSPEC)).isEqualTo("openspec");
    }

    @Test
    void triggerWithPrefixAndOverride() {
      assertThat(WILCO.trigger()).isEqualTo("wilco-ready-to-build");
      assertThat(LabelScheme.of("wilco", "go").trigger()).isEqualTo("wilco-go");
    }

    @Test
    void describeNamesTheVariables() {
      assertThat(CANONICAL.describe()).isEqualTo("HYDRA_LABEL_PREFIX is not set");
      assertThat(WILCO.describe()).isEqualTo("HYDRA_LABEL_PREFIX=wilco");
      assertThat(LabelScheme.of("wilco", "go").describe())
          .isEqualTo("HYDRA_LABEL_PREFIX=wilco, HYDRA_TRIGGER_LABEL=go");
    }
  }

  @Nested
  class Parsing {

    @ParameterizedTest(name = "[{index}] wilco reads \"{0}\" as {1}:{2}")
    @CsvSource({
      "wilco-build:queued,           BUILD,           QUEUED",
      "wilco-code-review:pass,       CODE_REVIEW,     PASS",
      "wilco-security-review:fail,   SECURITY_REVIEW, FAIL",
      "wilco-retry:running,          RETRY,           RUNNING",
    })
    void stageLabelInOwnNamespace(String label, Stage stage, StageState state) {
      assertThat(WILCO.stageLabel(label)).contains(StageLabel.of(stage, state));
      assertThat(WILCO.isPipelineLabel(label)).isTrue();
    }

    @ParameterizedTest(name = "[{index}] wilco ignores \"{0}\"")
    @ValueSource(
        strings = {
          "build:queued",
          "other-build:queued",
          "wilco-build:Queued",
          "Wilco-build:queued",
          "wilco-build:queued ",
          "wilco-build:passed",
          "wilco-rebuild:pass",
          "wilco-",
          "wilco",
          "wilco-ready-to-build",
          "wilco-yolo",
          "yolo",
          "done",
          "needs-input",
          "wilcobuild:queued"
        })
    void notAStageLabelOfWilco(String label) {
      assertThat(WILCO.stageLabel(label)).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] canonical ignores \"{0}\"")
    @ValueSource(
        strings = {"wilco-build:queued", "wilco-done", "ready-to-build", "yolo", "bug", ""})
    void canonicalIgnoresOtherNamespaces(String label) {
      assertThat(CANONICAL.stageLabel(label)).isEmpty();
      assertThat(CANONICAL.outcome(label)).isEmpty();
      assertThat(CANONICAL.isPipelineLabel(label)).isFalse();
    }

    @Test
    void outcomesOnlyInOwnNamespace() {
      assertThat(WILCO.outcome("wilco-done")).contains(Outcome.DONE);
      assertThat(WILCO.outcome("wilco-needs-input")).contains(Outcome.NEEDS_INPUT);
      assertThat(WILCO.outcome("done")).isEmpty();
      assertThat(WILCO.outcome("other-done")).isEmpty();
      assertThat(WILCO.outcome("wilco-Done")).isEmpty();
      assertThat(CANONICAL.outcome("done")).contains(Outcome.DONE);
      assertThat(CANONICAL.outcome("needs-input")).contains(Outcome.NEEDS_INPUT);
    }

    @Test
    void theTriggerIsNotAPipelineLabel() {
      assertThat(WILCO.isPipelineLabel("wilco-ready-to-build")).isFalse();
      assertThat(CANONICAL.isPipelineLabel("ready-to-build")).isFalse();
      assertThat(CANONICAL.isPipelineLabel("needs-input")).isTrue();
    }
  }

  @Nested
  class ManagedLabels {

    @Test
    void canonicalListsTriggerStagesAndOutcomesInPipelineOrder() {
      assertThat(CANONICAL.managedLabels())
          .containsExactly(
              "ready-to-build",
              "build:queued",
              "build:running",
              "build:pass",
              "build:fail",
              "code-review:queued",
              "code-review:running",
              "code-review:pass",
              "code-review:fail",
              "security-review:queued",
              "security-review:running",
              "security-review:pass",
              "security-review:fail",
              "applier:queued",
              "applier:running",
              "applier:pass",
              "applier:fail",
              "retry:queued",
              "retry:running",
              "retry:pass",
              "retry:fail",
              "rebuild:queued",
              "done",
              "needs-input");
    }

    @Test
    void prefixedSchemeManagesOnlyPrefixedLabelsAndNoMetadata() {
      assertThat(WILCO.managedLabels())
          .hasSize(24)
          .allSatisfy(label -> assertThat(label).startsWith("wilco-"))
          .doesNotContain("yolo", "openspec", "wilco-yolo", "wilco-openspec")
          .contains("wilco-ready-to-build", "wilco-build:queued", "wilco-needs-input")
          .doesNotHaveDuplicates();
    }

    @Test
    void everyManagedLabelButTheTriggerIsAPipelineLabel() {
      assertThat(WILCO.managedLabels().subList(1, 24)).allMatch(WILCO::isPipelineLabel);
      assertThat(WILCO.managedLabels().get(0)).matches(WILCO::isTrigger);
    }

    @Test
    void listIsImmutable() {
      assertThat(CANONICAL.managedLabels()).isUnmodifiable();
    }
  }

  @Nested
  class Trigger {

    @Test
    void exactMatchOnly() {
      assertThat(WILCO.isTrigger("wilco-ready-to-build")).isTrue();
      assertThat(WILCO.isTrigger("ready-to-build")).isFalse();
      assertThat(CANONICAL.isTrigger("ready-to-build")).isTrue();
      assertThat(CANONICAL.isTrigger("wilco-ready-to-build")).isFalse();
    }

    @Test
    void theTriggerItselfHasNoMismatch() {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> WILCO.whyNotTrigger("wilco-ready-to-build"));
    }

    @Test
    void missingPrefixExplainsTheVariable() {
      LabelScheme.Mismatch m = WILCO.whyNotTrigger("ready-to-build");

      assertThat(m.reason())
          .isEqualTo(
              "label `wilco-ready-to-build` expected because HYDRA_LABEL_PREFIX=wilco;"
                  + " got `ready-to-build`");
      assertThat(m.fix())
          .contains("apply `wilco-ready-to-build`")
          .contains("hydra labels seed --prefix wilco")
          .contains("clear HYDRA_LABEL_PREFIX");
      assertThat(m.nearMiss()).isTrue();
    }

    @Test
    void prefixedLabelOnACanonicalHydraNamesTheOtherPrefix() {
      LabelScheme.Mismatch m = CANONICAL.whyNotTrigger("wilco-ready-to-build");

      assertThat(m.reason())
          .isEqualTo(
              "label `ready-to-build` expected because HYDRA_LABEL_PREFIX is not set; got"
                  + " `wilco-ready-to-build`, which belongs to a Hydra with"
                  + " HYDRA_LABEL_PREFIX=wilco");
      assertThat(m.fix()).contains("HYDRA_LABEL_PREFIX=wilco");
      assertThat(m.nearMiss()).isTrue();
    }

    @Test
    void anotherPrefixOnAPrefixedHydra() {
      LabelScheme.Mismatch m = WILCO.whyNotTrigger("alpha-ready-to-build");

      assertThat(m.reason())
          .isEqualTo(
              "label `wilco-ready-to-build` expected because HYDRA_LABEL_PREFIX=wilco; got"
                  + " `alpha-ready-to-build`, which belongs to HYDRA_LABEL_PREFIX=alpha");
      assertThat(m.nearMiss()).isTrue();
    }

    @Test
    void defaultTriggerWhenAnotherIsConfigured() {
      LabelScheme scheme = LabelScheme.of("wilco", "go");
      LabelScheme.Mismatch m = scheme.whyNotTrigger("wilco-ready-to-build");

      assertThat(m.reason())
          .isEqualTo(
              "label `wilco-go` expected because HYDRA_TRIGGER_LABEL=go; got"
                  + " `wilco-ready-to-build`");
      assertThat(m.fix()).contains("unset HYDRA_TRIGGER_LABEL");
      assertThat(m.nearMiss()).isTrue();
    }

    @Test
    void caseDifference() {
      LabelScheme.Mismatch m = CANONICAL.whyNotTrigger("Ready-To-Build");

      assertThat(m.reason()).contains("differs in case").contains("`Ready-To-Build`");
      assertThat(m.nearMiss()).isTrue();
    }

    @Test
    void trailingSpace() {
      LabelScheme.Mismatch m = CANONICAL.whyNotTrigger("ready-to-build ");

      assertThat(m.reason()).contains("leading or trailing white space");
      assertThat(m.nearMiss()).isTrue();
    }

    @Test
    void cyrillicLookAlikeNamesTheCharacter() {
      String seen = "ready-to-bu\u0456ld";
      LabelScheme.Mismatch m = CANONICAL.whyNotTrigger(seen);

      assertThat(m.reason())
          .startsWith("label `ready-to-build` expected; got `")
          .contains("only looks like it")
          .endsWith("U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I at position 12");
      assertThat(m.fix()).contains("plain ASCII");
      assertThat(m.nearMiss()).isTrue();
    }

    @Test
    void zeroWidthSpaceIsShownEscaped() {
      LabelScheme.Mismatch m = CANONICAL.whyNotTrigger("ready-to-\u200Bbuild");

      assertThat(m.reason())
          .contains("`ready-to-\\u200Bbuild`")
          .contains("U+200B ZERO WIDTH SPACE at position 10")
          .doesNotContain("\u200B");
      assertThat(m.nearMiss()).isTrue();
    }

    @Test
    void fullWidthLetters() {
      LabelScheme.Mismatch m = CANONICAL.whyNotTrigger("ｒｅａｄｙ-ｔｏ-ｂｕｉｌｄ");

      assertThat(m.reason()).contains("only looks like it").contains("FULLWIDTH LATIN SMALL");
      assertThat(m.nearMiss()).isTrue();
    }

    static Stream<Arguments> hostile() {
      return Stream.of(
          // label, near miss for the canonical scheme
          Arguments.of("ready-to-build", false),
          Arguments.of("Ready-To-Build", true),
          Arguments.of("READY-TO-BUILD", true),
          Arguments.of("ready-to-build ", true),
          Arguments.of(" ready-to-build", true),
          Arguments.of("ready-to-build\t", true),
          Arguments.of("ready-to-build\n", true),
          Arguments.of("ready-to-bu\u0456ld", true),
          Arguments.of("r\u0435ady-to-build", true),
          Arguments.of("ready-to-\u200Bbuild", true),
          Arguments.of("\u202Eready-to-build", true),
          Arguments.of("ready-to-build\uDB40\uDC41", true),
          Arguments.of("ｒｅａｄｙ-ｔｏ-ｂｕｉｌｄ", true),
          Arguments.of("${{ secrets.X }}", false),
          Arguments.of("ready-to-build'", false),
          Arguments.of("ready-to-build\"; rm -rf / #", false),
          Arguments.of("ready-to-build\n::add-mask::x", false),
          Arguments.of("ready-to-build\r\n::error::owned", false),
          Arguments.of("\uD83D\uDE80", false),
          Arguments.of("ready-to-build \uD83D\uDE80", false),
          // NUL is neither white space nor a format character: not reported as a look-alike.
          Arguments.of("ready-to-build\u0000", false),
          Arguments.of("\uD800", false),
          Arguments.of("", false),
          Arguments.of("x".repeat(500), false));
    }

    static Stream<String> hostileNames() {
      return hostile().map(arguments -> (String) arguments.get()[0]);
    }

    @ParameterizedTest(name = "[{index}] wilco: \"{0}\" is not the trigger")
    @MethodSource("hostileNames")
    void hostileLabelsNeverMatchAndExplainOnOneLine(String seen) {
      assertThat(WILCO.isTrigger(seen)).isFalse();
      assertThat(WILCO.stageLabel(seen)).isEmpty();

      LabelScheme.Mismatch m = WILCO.whyNotTrigger(seen);

      assertThat(m.reason()).contains("`wilco-ready-to-build`");
      assertSingleLine(m.reason());
      assertSingleLine(m.fix());
      assertThat(m.reason()).doesNotContain("\u202E", "\u200B", "\uDB40\uDC41");
      assertThat(m.reason().length()).as("long labels are cut").isLessThan(400);
    }

    @ParameterizedTest(name = "[{index}] canonical: \"{0}\" is not the trigger (near miss: {1})")
    @MethodSource("hostile")
    void hostileLabelsAgainstCanonical(String seen, boolean nearMiss) {
      if (seen.equals("ready-to-build")) {
        assertThat(CANONICAL.isTrigger(seen)).isTrue();
        return;
      }
      assertThat(CANONICAL.isTrigger(seen)).isFalse();

      LabelScheme.Mismatch m = CANONICAL.whyNotTrigger(seen);

      assertThat(m.nearMiss()).isEqualTo(nearMiss);
      assertSingleLine(m.reason());
      assertSingleLine(m.fix());
    }

    @Test
    void anotherLabelAltogetherIsNotANearMiss() {
      LabelScheme.Mismatch m = WILCO.whyNotTrigger("bug");

      assertThat(m.reason())
          .isEqualTo(
              "label `bug` is not the trigger label `wilco-ready-to-build`"
                  + " (HYDRA_LABEL_PREFIX=wilco)");
      assertThat(m.fix()).isEqualTo("to start a build, apply `wilco-ready-to-build` to the issue");
      assertThat(m.nearMiss()).isFalse();
    }

    @Test
    void injectionLookingNamesAreQuotedLiterally() {
      LabelScheme.Mismatch m = CANONICAL.whyNotTrigger("${{ secrets.X }}");

      assertThat(m.reason()).startsWith("label `${{ secrets.X }}` is not the trigger label");
      assertThat(m.nearMiss()).isFalse();
    }

    @Test
    void backticksInTheLabelCannotCloseTheQuote() {
      LabelScheme.Mismatch m = CANONICAL.whyNotTrigger("x` and `ready-to-build");

      assertThat(m.reason()).startsWith("label `x\\u0060 and \\u0060ready-to-build` is not");
    }
  }
}
