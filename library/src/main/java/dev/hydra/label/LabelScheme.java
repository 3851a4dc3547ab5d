package dev.hydra.label;

import dev.hydra.text.Texts;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names of every label Hydra manages, for one prefix and one trigger label.
 *
 * <p>This is the only place that turns a base name ({@code build:queued}) into the label seen on
 * the forge ({@code wilco-build:queued}) and back. Matching is exact: the case, white space and
 * every code point must be the same, so a label that merely looks like the trigger (different case,
 * a trailing space, a Cyrillic letter) never starts a build. {@link #whyNotTrigger} explains such
 * near misses to the person who made them.
 *
 * @param prefix the {@code HYDRA_LABEL_PREFIX}, empty for canonical labels
 * @param triggerBase the trigger label before prefixing, {@code ready-to-build} unless overridden
 *     by {@code HYDRA_TRIGGER_LABEL}
 */
public record LabelScheme(String prefix, String triggerBase) {

  /** The trigger label's base name when {@code HYDRA_TRIGGER_LABEL} is not set. */
  public static final String DEFAULT_TRIGGER = "ready-to-build";

  /** SPEC §3: 1–16 characters, lower-case letters, digits and inner hyphens. */
  public static final Pattern PREFIX = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$");

  /** A trigger base name: like a prefix, but up to 48 characters. */
  public static final Pattern TRIGGER = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$");

  public LabelScheme {
    if (!prefix.isEmpty() && !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "label prefix "
              + Texts.quote(prefix)
              + " is invalid: use 1-16 lower-case letters, digits or inner hyphens (regex "
              + PREFIX.pattern()
              + "), or leave it empty for canonical labels");
    }
    if (!TRIGGER.matcher(triggerBase).matches()) {
      throw new IllegalArgumentException(
          "trigger label "
              + Texts.quote(triggerBase)
              + " is invalid: use 1-48 lower-case letters, digits or inner hyphens (regex "
              + TRIGGER.pattern()
              + ")");
    }
    if (isReservedBase(triggerBase)) {
      throw new IllegalArgumentException(
          "trigger label "
              + Texts.quote(triggerBase)
              + " is one of Hydra's own state or metadata labels; choose another name");
    }
  }

  /** The canonical scheme: no prefix, trigger {@code ready-to-build}. */
  public static LabelScheme canonical() {
    return new LabelScheme("", DEFAULT_TRIGGER);
  }

  /**
   * Creates a scheme.
   *
   * @param prefix the label prefix, empty for none
   * @param triggerBase the trigger base name, or empty for {@value #DEFAULT_TRIGGER}
   * @throws IllegalArgumentException when either is invalid
   */
  public static LabelScheme of(String prefix, String triggerBase) {
    return new LabelScheme(prefix, triggerBase.isEmpty() ? DEFAULT_TRIGGER : triggerBase);
  }

  /** The full name of the trigger label, for example {@code wilco-ready-to-build}. */
  public String trigger() {
    return prefixed(triggerBase);
  }

  /** The full name of a stage label. */
  public String name(StageLabel label) {
    return prefixed(label.baseName());
  }

  /** The full name of a stage label. */
  public String name(Stage stage, StageState state) {
    return name(StageLabel.of(stage, state));
  }

  /** The full name of a terminal label. */
  public String name(Outcome outcome) {
    return prefixed(outcome.id());
  }

  /** The name of a metadata label; metadata labels are never prefixed. */
  public String name(MetadataLabel label) {
    return label.id();
  }

  /** Whether {@code label} is exactly this scheme's trigger label. */
  public boolean isTrigger(String label) {
    return trigger().equals(label);
  }

  /**
   * Reads a label of this scheme's namespace as a stage label.
   *
   * @return the stage label, or empty when the label is not exactly one of this scheme's
   */
  public Optional<StageLabel> stageLabel(String label) {
    return unprefixed(label).flatMap(StageLabel::tryParse);
  }

  /**
   * Reads a label of this scheme's namespace as a terminal label.
   *
   * @return the outcome, or empty when the label is not exactly one of this scheme's
   */
  public Optional<Outcome> outcome(String label) {
    Optional<String> base = unprefixed(label);
    if (base.isEmpty()) {
      return Optional.empty();
    }
    for (Outcome outcome : Outcome.values()) {
      if (outcome.id().equals(base.get())) {
        return Optional.of(outcome);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the label shows that an issue is already in this scheme's pipeline: any stage label or
   * terminal label of this namespace. The trigger label itself is not a pipeline label.
   */
  public boolean isPipelineLabel(String label) {
    return stageLabel(label).isPresent() || outcome(label).isPresent();
  }

  /**
   * Every label this scheme manages, trigger first, in the order a person reads the pipeline.
   * Metadata labels are not included: Hydra reads them but does not own them.
   */
  public List<String> managedLabels() {
    List<String> names = new ArrayList<>();
    names.add(trigger());
    for (Stage stage : Stage.values()) {
      for (StageState state : StageState.values()) {
        if (stage.allows(state)) {
          names.add(name(stage, state));
        }
      }
    }
    for (Outcome outcome : Outcome.values()) {
      names.add(name(outcome));
    }
    return List.copyOf(names);
  }

  /** How this scheme came about, for messages: {@code HYDRA_LABEL_PREFIX=wilco} or similar. */
  public String describe() {
    String p = prefix.isEmpty() ? "HYDRA_LABEL_PREFIX is not set" : "HYDRA_LABEL_PREFIX=" + prefix;
    return triggerBase.equals(DEFAULT_TRIGGER) ? p : p + ", HYDRA_TRIGGER_LABEL=" + triggerBase;
  }

  /**
   * Explains why a label is not this scheme's trigger, naming the likely mistake: a missing or
   * different prefix, case, white space, look-alike characters, or simply another label.
   *
   * @param seen the label that was applied
   * @return the explanation and the fix
   */
  public Mismatch whyNotTrigger(String seen) {
    String expected = trigger();
    String shown = Texts.quote(seen);
    String want = "`" + expected + "`";
    if (seen.equals(expected)) {
      throw new IllegalArgumentException("label is the trigger label");
    }
    if (!Texts.isPrintableAscii(seen) && looksLike(seen, expected)) {
      return new Mismatch(
          "label "
              + want
              + " expected; got "
              + shown
              + ", which only looks like it: it contains "
              + Texts.firstNonAscii(seen),
          "Hydra's labels are plain ASCII and matched exactly; apply "
              + want
              + " from the label list instead of typing it",
          true);
    }
    if (seen.strip().equals(expected)) {
      return new Mismatch(
          "label " + want + " expected; got " + shown + " with leading or trailing white space",
          "labels are matched exactly; apply " + want + " without the extra spaces",
          true);
    }
    if (seen.toLowerCase(Locale.ROOT).equals(expected)) {
      return new Mismatch(
          "label " + want + " expected; got " + shown + ", which differs in case",
          "labels are matched exactly, case included; apply " + want,
          true);
    }
    if (!prefix.isEmpty() && seen.equals(triggerBase)) {
      return new Mismatch(
          "label " + want + " expected because HYDRA_LABEL_PREFIX=" + prefix + "; got " + shown,
          "apply "
              + want
              + " (seed it with `hydra labels seed --prefix "
              + prefix
              + "`), or clear HYDRA_LABEL_PREFIX if this repository uses canonical labels",
          true);
    }
    Optional<String> otherPrefix = otherPrefix(seen, triggerBase);
    if (otherPrefix.isPresent()) {
      String why =
          prefix.isEmpty()
              ? "label "
                  + want
                  + " expected because HYDRA_LABEL_PREFIX is not set; got "
                  + shown
                  + ", which belongs to a Hydra with HYDRA_LABEL_PREFIX="
                  + otherPrefix.get()
              : "label "
                  + want
                  + " expected because HYDRA_LABEL_PREFIX="
                  + prefix
                  + "; got "
                  + shown
                  + ", which belongs to HYDRA_LABEL_PREFIX="
                  + otherPrefix.get();
      return new Mismatch(
          why,
          "apply "
              + want
              + ", or set the repository variable HYDRA_LABEL_PREFIX="
              + otherPrefix.get()
              + " if that is the Hydra you meant",
          true);
    }
    if (!triggerBase.equals(DEFAULT_TRIGGER) && seen.equals(prefixed(DEFAULT_TRIGGER))) {
      return new Mismatch(
          "label "
              + want
              + " expected because HYDRA_TRIGGER_LABEL="
              + triggerBase
              + "; got "
              + shown,
          "apply " + want + ", or unset HYDRA_TRIGGER_LABEL to use " + DEFAULT_TRIGGER,
          true);
    }
    return new Mismatch(
        "label " + shown + " is not the trigger label " + want + " (" + describe() + ")",
        "to start a build, apply " + want + " to the issue",
        false);
  }

  /**
   * Why a label is not the trigger, and what to change.
   *
   * @param reason what was expected and what was seen
   * @param fix what a person can do
   * @param nearMiss whether the label looks like the trigger (a prefix, case, space or look-alike
   *     mistake) rather than being another label altogether
   */
  public record Mismatch(String reason, String fix, boolean nearMiss) {}

  private String prefixed(String base) {
    return prefix.isEmpty() ? base : prefix + "-" + base;
  }

  private Optional<String> unprefixed(String label) {
    if (prefix.isEmpty()) {
      return Optional.of(label);
    }
    String head = prefix + "-";
    return label.startsWith(head) ? Optional.of(label.substring(head.length())) : Optional.empty();
  }

  private static Optional<String> otherPrefix(String seen, String base) {
    String tail = "-" + base;
    if (!seen.endsWith(tail)) {
      return Optional.empty();
    }
    String candidate = seen.substring(0, seen.length() - tail.length());
    return PREFIX.matcher(candidate).matches() ? Optional.of(candidate) : Optional.empty();
  }

  private static boolean isReservedBase(String base) {
    if (StageLabel.tryParse(base).isPresent()) {
      return true;
    }
    for (Outcome outcome : Outcome.values()) {
      if (outcome.id().equals(base)) {
        return true;
      }
    }
    for (MetadataLabel label : MetadataLabel.values()) {
      if (label.id().equals(base)) {
        return true;
      }
    }
    return false;
  }

  // A look-alike: the same after compatibility folding (full-width letters), or the same length
  // with every differing character outside ASCII (a Cyrillic 'е' for an 'e').
  private static boolean looksLike(String seen, String expected) {
    if (fold(seen).equals(expected)) {
      return true;
    }
    int[] a = seen.strip().codePoints().toArray();
    int[] b = expected.codePoints().toArray();
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i] && a[i] < 0x80) {
        return false;
      }
    }
    return true;
  }

  // Folds compatibility forms (full-width letters, ligatures), invisible format characters
  // (zero-width spaces, bidi marks) and case, to tell a person that a label only looks like the
  // trigger. Used for explanations only, never for matching.
  private static String fold(String text) {
    StringBuilder visible = new StringBuilder(text.length());
    text.codePoints()
        .filter(cp -> Character.getType(cp) != Character.FORMAT)
        .forEach(visible::appendCodePoint);
    return Normalizer.normalize(visible, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
  }
}
