package dev.hydra.image;

import dev.hydra.text.Texts;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A container image reference, {@code [registry[:port]/]path[:tag][@sha256:<64 hex>]}, checked
 * against the grammar Docker itself uses (distribution/reference {@code regexp.go}), so that a
 * reference that passes here is one {@code docker run} accepts, and nothing else — in particular
 * nothing that starts with {@code -} and could be read as an option.
 *
 * <p>Rules, as in distribution/reference:
 *
 * <ul>
 *   <li>The first path component is a registry when it contains {@code .} or {@code :}, is {@code
 *       localhost}, or has an upper-case letter ({@code normalize.go splitDockerDomain}); a
 *       registry is a host name, an IPv4 address or a bracketed IPv6 address, with an optional
 *       port.
 *   <li>Path components are lower-case letters and digits, separated by one {@code .}, one or two
 *       {@code _}, or any number of {@code -}; components are joined by {@code /}. The name
 *       (registry and path) is at most 255 characters.
 *   <li>A tag is a word character followed by up to 127 word characters, {@code .} or {@code -}.
 *   <li>A digest pins the content. Hydra accepts only {@code sha256:} with 64 lower-case hex digits
 *       (the algorithm every registry uses); a reference may carry a tag and a digest, and then the
 *       digest decides what runs.
 * </ul>
 *
 * <p>A reference without tag and digest means {@code :latest} to Docker; {@link #isPinned()} tells
 * a digest-pinned reference apart.
 *
 * @param registry the registry host and port, empty for Docker Hub
 * @param path the repository path, for example {@code acme/hydra-builder}
 * @param tag the tag, when given
 * @param digest the digest ({@code sha256:…}), when given
 */
public record ImageRef(
    String registry, String path, @Nullable String tag, @Nullable String digest) {

  /** Longest name (registry and path) Docker accepts. */
  public static final int MAX_NAME_LENGTH = 255;

  private static final String ALNUM = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|-+)";
  private static final String COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
  private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final Pattern REGISTRY =
      Pattern.compile(
          "(?:"
              + DOMAIN_COMPONENT
              + "(?:\\."
              + DOMAIN_COMPONENT
              + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]{1,5})?");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

  /**
   * Checks every part.
   *
   * @throws IllegalArgumentException naming the part that is wrong, with the value quoted safely
   */
  public ImageRef {
    if (!registry.isEmpty() && !REGISTRY.matcher(registry).matches()) {
      throw new IllegalArgumentException(
          "invalid registry " + Texts.quote(registry) + " in an image reference");
    }
    if (!PATH.matcher(path).matches()) {
      throw new IllegalArgumentException(
          "invalid image name "
              + Texts.quote(path)
              + ": use lower-case letters and digits, separated by '.', '_', '__' or '-', in"
              + " components joined by '/'");
    }
    int nameLength = path.length() + (registry.isEmpty() ? 0 : registry.length() + 1);
    if (nameLength > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "image name is " + nameLength + " characters long; at most " + MAX_NAME_LENGTH);
    }
    if (tag != null && !isValidTag(tag)) {
      throw new IllegalArgumentException(
          "invalid image tag "
              + Texts.quote(tag)
              + ": a letter, digit or '_' followed by up to 127 letters, digits, '_', '.' or '-'");
    }
    if (digest != null && !isValidDigest(digest)) {
      throw new IllegalArgumentException(
          "invalid image digest "
              + Texts.quote(digest)
              + ": only sha256: followed by 64 lower-case hex digits is accepted");
    }
  }

  /**
   * Parses a reference as {@code docker run} would take it.
   *
   * @throws IllegalArgumentException when it is not a valid reference; the message names the part
   */
  public static ImageRef parse(String reference) {
    if (reference.isEmpty()) {
      throw new IllegalArgumentException("empty image reference");
    }
    String rest = reference;
    String digest = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".")
          || first.contains(":")
          || first.equals("localhost")
          || !first.equals(first.toLowerCase(Locale.ROOT))) {
        registry = first;
        rest = rest.substring(slash + 1);
      }
    }
    return new ImageRef(registry, rest, tag, digest);
  }

  /**
   * The image of one persona: {@code <prefix>-<role>:<tag>} (SPEC §3, {@code
   * ${HYDRA_IMAGE_PREFIX}-<role>:${HYDRA_IMAGE_TAG}}).
   *
   * @param prefix the name prefix, for example {@code ghcr.io/acme/hydra}; no tag or digest
   * @param role the persona's role, for example {@code builder}
   * @param tagOrDigest a tag ({@code latest}, {@code sha-1a2b3c4}), a digest ({@code sha256:…},
   *     with or without a leading {@code @}), or both ({@code 1.4@sha256:…})
   * @throws IllegalArgumentException when the parts do not make a valid reference
   */
  public static ImageRef forRole(String prefix, String role, String tagOrDigest) {
    ImageRef base = parse(prefix + "-" + role);
    if (base.tag != null || base.digest != null) {
      throw new IllegalArgumentException(
          "the image prefix " + Texts.quote(prefix) + " must not carry a tag or digest");
    }
    String tag = tagOrDigest;
    String digest = null;
    int at = tagOrDigest.indexOf('@');
    if (at >= 0) {
      tag = tagOrDigest.substring(0, at);
      digest = tagOrDigest.substring(at + 1);
    } else if (tagOrDigest.startsWith("sha256:")) {
      tag = "";
      digest = tagOrDigest;
    }
    if (tag.isEmpty() && digest == null) {
      throw new IllegalArgumentException("empty image tag; give a tag or a sha256: digest");
    }
    return new ImageRef(base.registry, base.path, tag.isEmpty() ? null : tag, digest);
  }

  /** True when the text is a valid tag. */
  public static boolean isValidTag(String tag) {
    return TAG.matcher(tag).matches();
  }

  /** True when the text is a digest Hydra accepts: {@code sha256:} and 64 lower-case hex. */
  public static boolean isValidDigest(String digest) {
    return DIGEST.matcher(digest).matches();
  }

  /** The tag, when the reference has one. */
  public Optional<String> tagValue() {
    return Optional.ofNullable(tag);
  }

  /** The digest, when the reference has one. */
  public Optional<String> digestValue() {
    return Optional.ofNullable(digest);
  }

  /** Whether a digest pins the content, so that moving a tag cannot change what runs. */
  public boolean isPinned() {
    return digest != null;
  }

  /** The name without tag or digest: {@code [registry/]path}. */
  public String name() {
    return registry.isEmpty() ? path : registry + "/" + path;
  }

  /** The reference as {@code docker run} takes it. */
  @Override
  public String toString() {
    return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }
}
