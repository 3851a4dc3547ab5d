package dev.hydra.config;

import dev.hydra.credentials.Persona;
import dev.hydra.label.Stage;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The stage containers' configuration as the environment gives it, read once: each stage's timeout
 * ({@code HYDRA_BUILD_TIMEOUT}, …), each persona's models ({@code HYDRA_BUILDER_MODEL}, {@code
 * HYDRA_BUILDER_FALLBACK_MODEL}, …), the persona images ({@code HYDRA_IMAGE_PREFIX}, {@code
 * HYDRA_IMAGE_TAG}, {@code HYDRA_IMAGE_DIGEST_<ROLE>}), and the model gateway's: each stage's token
 * budget ({@code HYDRA_BUILD_TOKEN_BUDGET}, …), the upstream ({@code HYDRA_MODEL_UPSTREAM}) and the
 * file that remembers exhausted and refused Claude tokens ({@code HYDRA_TOKEN_STATE}). Values are
 * stripped and empty means unset. They are checked where a stage uses them ({@code StageProfile}),
 * so a value only one stage reads stops only that stage, with the message naming the variable.
 *
 * @param timeouts the timeout text per stage
 * @param models the model per persona
 * @param fallbackModels the fallback model per persona
 * @param imagePrefix {@code HYDRA_IMAGE_PREFIX}, empty when unset
 * @param imageTag {@code HYDRA_IMAGE_TAG}, empty when unset
 * @param imageDigests the digest pinning each persona's image
 * @param tokenBudgets the token budget text per stage
 * @param modelUpstream {@code HYDRA_MODEL_UPSTREAM}, empty when unset (the Messages API)
 * @param tokenState {@code HYDRA_TOKEN_STATE}, empty when unset (nothing remembered)
 * @param gateFixPasses {@code HYDRA_GATE_FIX_PASSES}, empty when unset (checked by the pipeline's
 *     options)
 */
public record StageSettings(
    Map<Stage, String> timeouts,
    Map<Persona, String> models,
    Map<Persona, String> fallbackModels,
    String imagePrefix,
    String imageTag,
    Map<Persona, String> imageDigests,
    Map<Stage, String> tokenBudgets,
    String modelUpstream,
    String tokenState,
    String gateFixPasses) {

  /** Nothing configured: every stage's defaults. */
  public static final StageSettings NONE =
      new StageSettings(Map.of(), Map.of(), Map.of(), "", "", Map.of(), Map.of(), "", "", "");

  /** Copies the maps, strips the values and drops the empty ones. */
  public StageSettings {
    timeouts = present(timeouts);
    models = present(models);
    fallbackModels = present(fallbackModels);
    imagePrefix = imagePrefix.strip();
    imageTag = imageTag.strip();
    imageDigests = present(imageDigests);
    tokenBudgets = present(tokenBudgets);
    modelUpstream = modelUpstream.strip();
    tokenState = tokenState.strip();
    gateFixPasses = gateFixPasses.strip();
  }

  /**
   * Reads the variables; never fails (each value is checked where it is used). The image prefix and
   * tag are {@link ImageDefaults}'s choice for this build ({@link HydraRelease#bundled()}): the
   * variables, else the release's own images, else the default in Actions; the prefix stays empty
   * when there is none.
   *
   * @param env the process environment
   */
  public static StageSettings from(Map<String, String> env) {
    return from(env, HydraRelease.bundled());
  }

  /**
   * Reads the variables as {@link #from(Map)} does, for the given release.
   *
   * @param env the process environment
   * @param release the release whose images are the default, empty for an unreleased build
   */
  public static StageSettings from(Map<String, String> env, Optional<HydraRelease> release) {
    Map<Stage, String> timeouts = new EnumMap<>(Stage.class);
    Map<Stage, String> budgets = new EnumMap<>(Stage.class);
    for (Stage stage : Variables.CONTAINER_STAGES) {
      timeouts.put(stage, env.getOrDefault(timeoutVariable(stage), ""));
      budgets.put(stage, env.getOrDefault(tokenBudgetVariable(stage), ""));
    }
    Map<Persona, String> models = new EnumMap<>(Persona.class);
    Map<Persona, String> fallbacks = new EnumMap<>(Persona.class);
    Map<Persona, String> digests = new EnumMap<>(Persona.class);
    for (Persona persona : Persona.values()) {
      models.put(persona, env.getOrDefault(modelVariable(persona), ""));
      fallbacks.put(persona, env.getOrDefault(fallbackModelVariable(persona), ""));
      digests.put(persona, env.getOrDefault(digestVariable(persona), ""));
    }
    Optional<ImageDefaults.Choice> images = ImageDefaults.find(env, release);
    return new StageSettings(
        timeouts,
        models,
        fallbacks,
        images.map(ImageDefaults.Choice::prefix).orElse(""),
        images
            .map(ImageDefaults.Choice::tag)
            .orElse(env.getOrDefault(Variables.IMAGE_TAG.name(), "")),
        digests,
        budgets,
        env.getOrDefault(MODEL_UPSTREAM, ""),
        env.getOrDefault(TOKEN_STATE, ""),
        env.getOrDefault(Variables.GATE_FIX_PASSES.name(), ""));
  }

  /** The variable naming the Messages API the model gateway forwards to. */
  public static final String MODEL_UPSTREAM = Variables.MODEL_UPSTREAM.name();

  /** The variable naming the file that remembers exhausted and refused Claude tokens. */
  public static final String TOKEN_STATE = Variables.TOKEN_STATE.name();

  /** The stage's token budget text, when set. */
  public Optional<String> tokenBudget(Stage stage) {
    return Optional.ofNullable(tokenBudgets.get(stage));
  }

  /**
   * The variable that sets a stage's token budget, for example {@code HYDRA_BUILD_TOKEN_BUDGET}.
   */
  public static String tokenBudgetVariable(Stage stage) {
    return Variables.tokenBudget(stage);
  }

  /** The stage's timeout text, when set. */
  public Optional<String> timeout(Stage stage) {
    return Optional.ofNullable(timeouts.get(stage));
  }

  /** The persona's model, when set. */
  public Optional<String> model(Persona persona) {
    return Optional.ofNullable(models.get(persona));
  }

  /** The persona's fallback model, when set. */
  public Optional<String> fallbackModel(Persona persona) {
    return Optional.ofNullable(fallbackModels.get(persona));
  }

  /** The digest pinning the persona's image, empty when unset. */
  public String imageDigest(Persona persona) {
    return imageDigests.getOrDefault(persona, "");
  }

  /** The variable that overrides a stage's timeout, for example {@code HYDRA_BUILD_TIMEOUT}. */
  public static String timeoutVariable(Stage stage) {
    return Variables.timeout(stage);
  }

  /** The variable that sets a persona's model, for example {@code HYDRA_BUILDER_MODEL}. */
  public static String modelVariable(Persona persona) {
    return Variables.model(persona);
  }

  /** The variable that sets a persona's fallback model ({@code HYDRA_BUILDER_FALLBACK_MODEL}). */
  public static String fallbackModelVariable(Persona persona) {
    return Variables.fallbackModel(persona);
  }

  /** The variable that pins a persona's image to a digest: {@code HYDRA_IMAGE_DIGEST_BUILDER}, … */
  public static String digestVariable(Persona persona) {
    return Variables.imageDigest(persona);
  }

  private static <K extends Enum<K>> Map<K, String> present(Map<K, String> values) {
    Map<K, String> kept = new java.util.HashMap<>();
    values.forEach(
        (key, value) -> {
          if (!value.isBlank()) {
            kept.put(key, value.strip());
          }
        });
    return Map.copyOf(kept);
  }
}
