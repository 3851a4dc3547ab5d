package dev.hydra.image.publish;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What to build.
 *
 * @param imagesDir the repository's {@code images/} directory: the build context of every image
 * @param set the personas or the demo images
 * @param prefix the image name prefix ({@code HYDRA_IMAGE_PREFIX}, for example {@code
 *     ghcr.io/acme/hydra}); role {@code r} becomes {@code <prefix>-r}
 * @param tag the moving tag ({@code HYDRA_IMAGE_TAG}, for example {@code latest})
 * @param revision the commit the images are built from (40 or at least 7 hex digits), or null; it
 *     becomes the OCI revision label and, shortened to 12, the immutable tag
 * @param created the build time: the OCI created label and, without a revision, the immutable tag
 *     ({@code yyyyMMdd'T'HHmmss'Z'}, UTC)
 * @param source the repository URL for the OCI source label, or null
 * @param version the OCI version label, or null for the moving tag
 * @param extraCa a PEM file with extra CA certificates for a TLS-intercepting proxy, used only by
 *     the base image's throw-away fetch stage; never committed, never in a final image; or null
 * @param push whether to push every tag and report registry digests
 * @param baseImage the Debian image the base (or demo) image starts {@code FROM}, for example a
 *     digest-pinned {@code debian:bookworm-slim@sha256:…}; null for the Dockerfile's default
 * @param roles the persona roles to build, in order; a subset of {@link ImageSet#ROLES}
 * @param buildArgs further {@code --build-arg}s for every image (for example {@code
 *     INSTALL_CLAUDE=0}, {@code CLAUDE_CODE_VERSION}), in order
 */
public record ImageBuildRequest(
    Path imagesDir,
    ImageSet set,
    String prefix,
    String tag,
    @Nullable String revision,
    Instant created,
    @Nullable String source,
    @Nullable String version,
    @Nullable Path extraCa,
    boolean push,
    @Nullable String baseImage,
    List<String> roles,
    Map<String, String> buildArgs) {

  // A Docker repository name: optional registry host[:port], then lower-case path components.
  private static final Pattern PREFIX =
      Pattern.compile(
          "([a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]{1,5})?/)?"
              + "[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern REVISION = Pattern.compile("[0-9a-f]{7,64}");
  private static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._:/@-]{0,254}");
  private static final Pattern ARG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final Pattern LABEL_VALUE = Pattern.compile("[^\\p{Cntrl}]{0,1024}");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  public ImageBuildRequest {
    if (!PREFIX.matcher(prefix).matches() || prefix.length() > 200) {
      throw new IllegalArgumentException(
          "invalid image prefix "
              + quote(prefix)
              + ": lower-case name components, optionally after a registry host, for example"
              + " ghcr.io/acme/hydra");
    }
    if (!TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "invalid image tag " + quote(tag) + ": letters, digits, '_', '.' and '-', at most 128");
    }
    if (revision != null && !REVISION.matcher(revision).matches()) {
      throw new IllegalArgumentException(
          "invalid revision " + quote(revision) + ": a commit id in lower-case hex");
    }
    if (baseImage != null && !IMAGE.matcher(baseImage).matches()) {
      throw new IllegalArgumentException("invalid base image " + quote(baseImage));
    }
    for (String value : new String[] {source, version}) {
      if (value != null && !LABEL_VALUE.matcher(value).matches()) {
        throw new IllegalArgumentException("an OCI label value may not hold control characters");
      }
    }
    for (Map.Entry<String, String> arg : buildArgs.entrySet()) {
      if (!ARG_NAME.matcher(arg.getKey()).matches()
          || !LABEL_VALUE.matcher(arg.getValue()).matches()) {
        throw new IllegalArgumentException("invalid build argument " + quote(arg.getKey()));
      }
    }
    buildArgs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(buildArgs));
    roles = List.copyOf(roles);
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("no role to build");
    }
    for (String role : roles) {
      if (!ImageSet.ROLES.contains(role)) {
        throw new IllegalArgumentException(
            "unknown role " + quote(role) + "; the roles are " + ImageSet.ROLES);
      }
    }
    if (roles.stream().distinct().count() != roles.size()) {
      throw new IllegalArgumentException("a role is listed twice: " + roles);
    }
  }

  /**
   * A request for every role with no revision, source, version, CA, push or base override.
   *
   * @param imagesDir the {@code images/} directory
   * @param set which images
   * @param prefix the name prefix
   * @param tag the moving tag
   * @param created the build time
   * @return the request
   */
  public static ImageBuildRequest of(
      Path imagesDir, ImageSet set, String prefix, String tag, Instant created) {
    return new ImageBuildRequest(
        imagesDir,
        set,
        prefix,
        tag,
        null,
        created,
        null,
        null,
        null,
        false,
        null,
        ImageSet.ROLES,
        Map.of());
  }

  /** The same request with a revision. */
  public ImageBuildRequest withRevision(@Nullable String rev) {
    return edit(e -> e.revision = rev);
  }

  /** The same request with an OCI source URL. */
  public ImageBuildRequest withSource(@Nullable String url) {
    return edit(e -> e.source = url);
  }

  /** The same request with an extra CA file. */
  public ImageBuildRequest withExtraCa(@Nullable Path file) {
    return edit(e -> e.extraCa = file);
  }

  /** The same request, pushing or not. */
  public ImageBuildRequest withPush(boolean doPush) {
    return edit(e -> e.push = doPush);
  }

  /** The same request with another base image. */
  public ImageBuildRequest withBaseImage(@Nullable String image) {
    return edit(e -> e.baseImage = image);
  }

  /** The same request for only these roles. */
  public ImageBuildRequest withRoles(List<String> only) {
    return edit(e -> e.roles = only);
  }

  /** The same request with one more build argument. */
  public ImageBuildRequest withBuildArg(String name, String value) {
    return edit(e -> e.buildArgs.put(name, value));
  }

  // One copy for every wither; the compact constructor checks the result again.
  private ImageBuildRequest edit(Consumer<Edit> change) {
    Edit e = new Edit(this);
    change.accept(e);
    return new ImageBuildRequest(
        imagesDir,
        set,
        prefix,
        tag,
        e.revision,
        created,
        e.source,
        version,
        e.extraCa,
        e.push,
        e.baseImage,
        e.roles,
        e.buildArgs);
  }

  /** The fields the withers change, copied from a request. */
  private static final class Edit {
    @Nullable String revision;
    @Nullable String source;
    @Nullable Path extraCa;
    boolean push;
    @Nullable String baseImage;
    List<String> roles;
    final Map<String, String> buildArgs;

    Edit(ImageBuildRequest from) {
      revision = from.revision;
      source = from.source;
      extraCa = from.extraCa;
      push = from.push;
      baseImage = from.baseImage;
      roles = from.roles;
      buildArgs = new java.util.LinkedHashMap<>(from.buildArgs);
    }
  }

  /**
   * The immutable tag: the revision's first 12 digits when known, else the UTC build time.
   *
   * @return the tag
   */
  public String immutableTag() {
    return revision != null
        ? revision.substring(0, Math.min(12, revision.length()))
        : STAMP.format(created);
  }

  /** The image name of a role, without a tag: {@code <prefix>-<role>}. */
  public String repository(String role) {
    return prefix + "-" + role;
  }

  private static String quote(String s) {
    return "'" + s.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
