package dev.hydra.ops;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.credentials.Persona;
import dev.hydra.image.ImageRef;
import dev.hydra.ops.Doctor.Row;
import dev.hydra.ops.Doctor.Status;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Doctor's image rows: the image each persona's stage would run, named from {@code
 * HYDRA_IMAGE_PREFIX}, {@code HYDRA_IMAGE_TAG} and {@code HYDRA_IMAGE_DIGEST_<ROLE>} exactly as the
 * stage names it, and whether it can be pulled. The check goes through an {@link ImageProbe}, so
 * tests use a fake and {@code hydra doctor} asks the registry through the docker CLI.
 */
public final class ImageCheck {

  private ImageCheck() {}

  /** Says whether an image can be pulled, without pulling it. */
  public interface ImageProbe {

    /**
     * Asks for one image.
     *
     * @return empty when the image can be pulled (or is present locally); else why not, one line
     * @throws IOException when the probe cannot ask at all (no docker CLI): the row is a warning
     */
    Optional<String> unavailable(ImageRef image) throws IOException, InterruptedException;
  }

  /** The image a persona's stage runs, as the stage names it. */
  public interface ImageNames {

    /**
     * Names the image of one persona's stage.
     *
     * @throws InvalidConfigurationException when a variable is invalid, naming it
     */
    ImageRef image(Persona persona) throws InvalidConfigurationException;
  }

  /** The fix for an image that cannot be pulled. */
  static final String FIX =
      "push the images (`hydra image build --push`, or the hydra-image workflow), or point"
          + " HYDRA_IMAGE_PREFIX / HYDRA_IMAGE_TAG / HYDRA_IMAGE_DIGEST_<ROLE> at images that exist;"
          + " a private registry needs a login first";

  /**
   * One row per persona.
   *
   * @param names the image each persona's stage runs
   * @param probe asks the registry
   */
  public static List<Row> rows(ImageNames names, ImageProbe probe) throws InterruptedException {
    List<Row> rows = new ArrayList<>();
    for (Persona persona : Persona.values()) {
      String who = persona.id();
      ImageRef image;
      try {
        image = names.image(persona);
      } catch (InvalidConfigurationException e) {
        rows.add(
            Row.fail(
                who,
                "image named",
                Texts.oneLine(String.valueOf(e.getMessage())),
                "fix the repository variable named"));
        continue;
      }
      String shown = Texts.escape(image.toString(), 300);
      try {
        Optional<String> why = probe.unavailable(image);
        rows.add(
            why.isEmpty()
                ? new Row(who, "image pullable", Status.OK, shown, "")
                : Row.fail(who, "image pullable", shown + ": " + Texts.oneLine(why.get()), FIX));
      } catch (IOException e) {
        rows.add(
            new Row(
                who,
                "image pullable",
                Status.WARN,
                shown + ": not checked (" + Texts.oneLine(String.valueOf(e.getMessage())) + ")",
                "run doctor where the docker CLI is installed"));
      }
    }
    return rows;
  }
}
