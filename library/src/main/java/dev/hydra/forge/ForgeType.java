package dev.hydra.forge;

import dev.hydra.text.Word;
import java.util.Locale;
import java.util.Optional;

/** The kinds of forge Hydra speaks to. */
public enum ForgeType implements Word {
  GITHUB,
  FORGEJO;

  /**
   * Parses {@code github} or {@code forgejo} (any case, surrounding blanks ignored). Codeberg and
   * Gitea run Forgejo-compatible APIs and are accepted as aliases of {@code forgejo}.
   *
   * @return the forge, or empty when the text names no forge Hydra knows
   */
  public static Optional<ForgeType> fromId(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "github" -> Optional.of(GITHUB);
      case "forgejo", "codeberg", "gitea" -> Optional.of(FORGEJO);
      default -> Optional.empty();
    };
  }

  @Override
  public String toString() {
    return id();
  }
}
