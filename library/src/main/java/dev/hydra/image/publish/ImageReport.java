package dev.hydra.image.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code hydra image build} reports about the images it built: one line per image for the
 * terminal, step outputs for {@code GITHUB_OUTPUT}, and a Markdown table for the job summary, so
 * that an operator can pin a reference such as {@code ghcr.io/acme/hydra-builder@sha256:…}.
 *
 * <p>Every value reported was validated on the way in (prefix, tags) or matched against {@code
 * sha256:<64 hex>} on the way out (digests); nothing here comes from untrusted text.
 */
public final class ImageReport {

  private ImageReport() {}

  /**
   * The reference that pins an image: {@code <prefix>-<role>@sha256:…} when pushed, else {@code
   * <prefix>-<role>:<immutable tag>} (a local image has no registry digest).
   *
   * @param image a built image
   * @return the reference
   */
  public static String pinned(BuiltImage image) {
    return image.pushed() ? image.digest() : image.tags().get(image.tags().size() - 1);
  }

  /**
   * The digest alone: the registry's {@code sha256:…} when pushed, else the local image ID.
   *
   * @param image a built image
   * @return the digest
   */
  public static String digest(BuiltImage image) {
    String d = image.digest();
    int at = d.lastIndexOf('@');
    return at >= 0 ? d.substring(at + 1) : d;
  }

  /**
   * One line per image: role, pinned reference, tags.
   *
   * @param built the images, in build order
   * @return the lines
   */
  public static List<String> lines(List<BuiltImage> built) {
    List<String> lines = new ArrayList<>();
    for (BuiltImage image : built) {
      lines.add(
          String.format(
              "%-9s %s  (%s%s)",
              image.role(),
              pinned(image),
              String.join(", ", image.tags()),
              image.pushed() ? ", pushed" : ", local image ID " + image.digest()));
    }
    return lines;
  }

  /**
   * The step outputs: {@code prefix}, {@code tag}, {@code immutable_tag}, {@code pushed}, {@code
   * images} (the pinned references, one per line) and per role {@code <role>_image} (the pinned
   * reference) and {@code <role>_digest}.
   *
   * @param request what was built
   * @param built the images
   * @return the outputs, in order
   */
  public static Map<String, String> outputs(ImageBuildRequest request, List<BuiltImage> built) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("prefix", request.prefix());
    out.put("tag", request.tag());
    out.put("immutable_tag", request.immutableTag());
    out.put("pushed", Boolean.toString(request.push()));
    out.put("images", String.join("\n", built.stream().map(ImageReport::pinned).toList()));
    for (BuiltImage image : built) {
      out.put(image.role() + "_image", pinned(image));
      out.put(image.role() + "_digest", digest(image));
    }
    return out;
  }

  /**
   * The job summary: what was built and a table with the reference to pin for each image.
   *
   * @param request what was built
   * @param built the images
   * @return Markdown
   */
  public static String summary(ImageBuildRequest request, List<BuiltImage> built) {
    StringBuilder s = new StringBuilder();
    s.append("### Hydra images ")
        .append(request.push() ? "pushed" : "built locally")
        .append("\n\n");
    s.append("Tag `")
        .append(cell(request.tag()))
        .append("` and the immutable tag `")
        .append(cell(request.immutableTag()))
        .append('`');
    if (request.revision() != null) {
      s.append(" (commit `").append(cell(request.revision())).append("`)");
    }
    s.append(".\n\n");
    s.append("| Role | Pinned reference | Tags |\n|---|---|---|\n");
    for (BuiltImage image : built) {
      s.append("| ")
          .append(cell(image.role()))
          .append(" | `")
          .append(cell(pinned(image)))
          .append("` | ")
          .append(String.join(", ", image.tags().stream().map(t -> "`" + cell(t) + "`").toList()))
          .append(" |\n");
    }
    s.append('\n');
    if (request.push()) {
      s.append("Run exactly these images: set the repository variable `HYDRA_IMAGE_TAG` to `")
          .append(cell(request.immutableTag()))
          .append("`, or pin one image by its reference above (`hydra stage-run --image`).\n");
    } else {
      s.append("Not pushed: the digests are local image IDs; build with `--push` to publish.\n");
    }
    return s.toString();
  }

  /**
   * The step outputs of an overlay build: {@code prefix}, {@code tag}, {@code pushed}, {@code
   * images}, {@code rebuilt} (the roles built now, comma-separated) and per role {@code
   * <role>_image}, {@code <role>_digest} and {@code <role>_tag} (its immutable tag).
   */
  public static Map<String, String> outputs(OverlayRequest request, OverlayBuilder.Result result) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("prefix", request.prefix());
    out.put("tag", request.tag());
    out.put("pushed", Boolean.toString(request.push()));
    out.put("rebuilt", String.join(",", result.rebuilt()));
    out.put(
        "images", String.join("\n", result.images().stream().map(ImageReport::pinned).toList()));
    for (BuiltImage image : result.images()) {
      out.put(image.role() + "_image", pinned(image));
      out.put(image.role() + "_digest", digest(image));
      String fixed = image.tags().get(image.tags().size() - 1);
      out.put(image.role() + "_tag", fixed.substring(fixed.lastIndexOf(':') + 1));
    }
    return out;
  }

  /**
   * The job summary of an overlay build: each persona rebuilt or unchanged, and how the stages run
   * these images.
   */
  public static String summary(OverlayRequest request, OverlayBuilder.Result result) {
    StringBuilder s = new StringBuilder();
    s.append("### Hydra images customised ")
        .append(request.push() ? "and pushed" : "locally")
        .append("\n\nHydra's `")
        .append(cell(request.fromPrefix() + "-<role>:" + request.fromTag()))
        .append("` with the overlay `")
        .append(cell(request.overlay().dir().getFileName().toString()))
        .append("`.\n\n| Role | Pinned reference | Tags | Built |\n|---|---|---|---|\n");
    for (BuiltImage image : result.images()) {
      s.append("| ")
          .append(cell(image.role()))
          .append(" | `")
          .append(cell(pinned(image)))
          .append("` | ")
          .append(String.join(", ", image.tags().stream().map(t -> "`" + cell(t) + "`").toList()))
          .append(" | ")
          .append(result.rebuilt().contains(image.role()) ? "rebuilt" : "unchanged, reused")
          .append(" |\n");
    }
    s.append("\nThe stages run these images when the repository variable `HYDRA_IMAGE_PREFIX` is `")
        .append(cell(request.prefix()))
        .append("`")
        .append(
            request.tag().equals("latest")
                ? ""
                : " and `HYDRA_IMAGE_TAG` is `" + cell(request.tag()) + "`")
        .append(" (tag `")
        .append(cell(request.tag()))
        .append("` follows each build). To freeze one persona, set `HYDRA_IMAGE_DIGEST_<ROLE>` to")
        .append(" its digest above.\n");
    return s.toString();
  }

  private static String cell(String text) {
    return text.replace('\n', ' ').replace('\r', ' ').replace("|", "\\|").replace("`", "'");
  }
}
