package dev.hydra.image.publish;

import dev.hydra.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The build context of one customised persona image: a generated {@code Dockerfile} {@code FROM}
 * Hydra's own image of the role, and the three files it replaces, each Hydra's own with the
 * overlay's additions — {@code CLAUDE.md} (Hydra's instructions, then the common and the role's
 * {@code CLAUDE.md} appended: Hydra's verdict and git rules stay), {@code persona.env} (the extra
 * tools appended to {@code HYDRA_ALLOWED_TOOLS}) and {@code managed-settings.json} (the extra tools
 * added to {@code permissions.allow}; the deny list untouched) — plus {@code packages.txt} when the
 * overlay asks for packages (common first, then the role's), installed with {@code apt-get} from
 * that file.
 *
 * <p>{@link #hash} covers exactly what this image consumes: these files and the image it starts
 * from. A change to one persona's overlay changes only its hash; a common file changes every hash.
 * No time enters it. Pure but for reading Hydra's three files.
 *
 * @param role the persona
 * @param files the context's files by name, in order
 */
public record OverlayContext(String role, Map<String, String> files) {

  private static final Pattern ALLOWED = Pattern.compile("(?m)^HYDRA_ALLOWED_TOOLS='([^']*)'\\s*$");

  public OverlayContext {
    files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
  }

  /**
   * The context of a role.
   *
   * @param hydraImages Hydra's own {@code images/}
   * @param overlay the validated overlay
   * @param role the persona
   * @throws InvalidConfigurationException when Hydra's files are not as expected
   */
  public static OverlayContext of(Path hydraImages, ImageOverlay overlay, String role)
      throws InvalidConfigurationException {
    Path dir = hydraImages.resolve(role);
    return of(
        role,
        ImageOverlay.text(dir.resolve("CLAUDE.md")),
        ImageOverlay.text(dir.resolve("persona.env")),
        ImageOverlay.text(dir.resolve("settings.json")),
        overlay);
  }

  /** The context from the texts of Hydra's three files (pure). */
  static OverlayContext of(
      String role, String claudeMd, String personaEnv, String settingsJson, ImageOverlay overlay)
      throws InvalidConfigurationException {
    ImageOverlay.PersonaOverlay own = overlay.persona(role);
    List<String> packages = new ArrayList<>(overlay.packages());
    own.packages().stream().filter(p -> !packages.contains(p)).forEach(packages::add);
    Map<String, String> files = new LinkedHashMap<>();
    files.put("Dockerfile", dockerfile(role, !packages.isEmpty()));
    files.put("CLAUDE.md", instructions(role, claudeMd, overlay.instructions(), own));
    files.put("persona.env", personaEnv(role, personaEnv, own.tools()));
    files.put("managed-settings.json", settings(role, settingsJson, own.tools()));
    if (!packages.isEmpty()) {
      files.put("packages.txt", String.join("\n", packages) + "\n");
    }
    return new OverlayContext(role, files);
  }

  /**
   * The content hash: SHA-256 over the image it starts from and every file (name and content), in
   * hex.
   *
   * @param fromImageId the ID of the image it starts from ({@code sha256:…})
   */
  public String hash(String fromImageId) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      update(sha, "hydra-overlay-v1");
      update(sha, role);
      update(sha, fromImageId);
      for (Map.Entry<String, String> file : files.entrySet()) {
        update(sha, file.getKey());
        update(sha, file.getValue());
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the files into an empty directory. */
  public void writeTo(Path dir) throws IOException {
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
    }
  }

  private static void update(MessageDigest sha, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
    sha.update(bytes);
  }

  static String dockerfile(String role, boolean packages) {
    StringBuilder d = new StringBuilder();
    d.append("# Hydra's ")
        .append(role)
        .append(" image with the adopter's overlay (hydra image build --overlay).\n")
        .append("ARG HYDRA_FROM\n")
        .append("FROM ${HYDRA_FROM}\n")
        .append("COPY CLAUDE.md persona.env /etc/hydra/\n")
        .append("COPY managed-settings.json /etc/claude-code/managed-settings.json\n");
    if (packages) {
      d.append("COPY packages.txt /etc/hydra/overlay-packages.txt\n");
    }
    d.append("RUN set -eu; chmod 0644 /etc/hydra/CLAUDE.md /etc/hydra/persona.env")
        .append(" /etc/claude-code/managed-settings.json");
    if (packages) {
      // The names were checked against Debian's syntax; xargs hands them to apt-get as words.
      d.append("; \\\n    apt-get update -qq; \\\n")
          .append("    xargs -r env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq")
          .append(" --no-install-recommends < /etc/hydra/overlay-packages.txt >/dev/null; \\\n")
          .append("    rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb; \\\n")
          .append("    find / -xdev -perm /6000 -type f -exec chmod a-s {} +");
    }
    d.append('\n');
    return d.toString();
  }

  private static String instructions(
      String role, String hydra, String common, ImageOverlay.PersonaOverlay own) {
    StringBuilder s = new StringBuilder(hydra);
    for (String[] part :
        new String[][] {{"CLAUDE.md", common}, {role + "/CLAUDE.md", own.instructions()}}) {
      if (part[1].isBlank()) {
        continue;
      }
      if (!s.isEmpty() && s.charAt(s.length() - 1) != '\n') {
        s.append('\n');
      }
      s.append("\n## Project instructions (overlay ")
          .append(part[0])
          .append(")\n\n")
          .append(part[1].strip())
          .append('\n');
    }
    return s.toString();
  }

  private static String personaEnv(String role, String hydra, List<String> tools)
      throws InvalidConfigurationException {
    Matcher m = ALLOWED.matcher(hydra);
    if (!m.find()) {
      throw new InvalidConfigurationException(
          "images/" + role + "/persona.env has no HYDRA_ALLOWED_TOOLS line: not Hydra's images/");
    }
    if (tools.isEmpty()) {
      return hydra;
    }
    Set<String> all = new LinkedHashSet<>(List.of(m.group(1).split(",", -1)));
    all.addAll(tools);
    // Each tool was checked to hold no quote, so the single quotes hold.
    return hydra.substring(0, m.start(1)) + String.join(",", all) + hydra.substring(m.end(1));
  }

  private static String settings(String role, String hydra, List<String> tools)
      throws InvalidConfigurationException {
    Matcher allow = PersonaRules.array(hydra, "allow", role);
    Set<String> present = new LinkedHashSet<>(PersonaRules.list(hydra, "allow", role));
    List<String> added = tools.stream().filter(present::add).toList();
    if (added.isEmpty()) {
      return hydra;
    }
    // Each tool was checked to hold no quote or backslash: a JSON string as it stands.
    String more = String.join(", ", added.stream().map(t -> "\"" + t + "\"").toList());
    String head = allow.group(2).isBlank() ? "" : ", ";
    return hydra.substring(0, allow.start(3)) + head + more + hydra.substring(allow.start(3));
  }
}
