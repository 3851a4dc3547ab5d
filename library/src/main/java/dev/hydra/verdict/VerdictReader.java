package dev.hydra.verdict;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.hydra.json.Json;
import dev.hydra.label.Stage;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds and validates the verdict in a stage container's output.
 *
 * <p>The contract: the <em>last</em> stdout line starting with {@value #PREFIX} carries the verdict
 * as compact JSON. Earlier such lines are ignored (an agent quoting the format in its own output
 * cannot pre-empt the entrypoint's final word). Anything else — no such line, a line that is not
 * JSON, a verdict that breaks {@code verdict-v1.schema.json}, or one for another stage — is a
 * failure with a reason, never a pass.
 */
public final class VerdictReader {

  /** The marker that starts the verdict line. */
  public static final String PREFIX = "HYDRA-VERDICT ";

  /**
   * The {@code HYDRA_MODE} of a builder's retry: the pull request exists, so its passing verdict
   * may leave out the branch and PR text.
   */
  public static final String FIX_MODE = "fix";

  /** The schema, as a classpath resource beside this class. */
  public static final String SCHEMA_RESOURCE = "verdict-v1.schema.json";

  /** Longest verdict line accepted. */
  public static final int MAX_LINE = 1 << 20;

  private static final int MAX_ERRORS_SHOWN = 5;

  private VerdictReader() {}

  /**
   * Reads the verdict of a stage from its output lines.
   *
   * @param expected the stage that ran
   * @param stdout the container's stdout, line by line
   * @return the validated verdict
   * @throws InvalidVerdictException when there is no usable verdict for {@code expected}
   */
  public static Verdict read(Stage expected, Iterable<String> stdout)
      throws InvalidVerdictException {
    return read(expected, "", stdout);
  }

  /**
   * Reads the verdict of a stage run in this mode from its output lines.
   *
   * @param expected the stage that ran
   * @param mode the {@code HYDRA_MODE} the runner gave the container: in {@value #FIX_MODE} (a
   *     retry on an existing pull request) a passing build verdict needs no branch or PR text
   * @param stdout the container's stdout, line by line
   * @return the validated verdict
   * @throws InvalidVerdictException when there is no usable verdict for {@code expected}
   */
  public static Verdict read(Stage expected, String mode, Iterable<String> stdout)
      throws InvalidVerdictException {
    String last = null;
    for (String line : stdout) {
      if (line.startsWith(PREFIX)) {
        last = line;
      }
    }
    if (last == null) {
      throw new InvalidVerdictException(
          "the "
              + expected.id()
              + " container printed no line starting with `HYDRA-VERDICT `;"
              + " the image must end with its verdict (see verdict-v1.schema.json)");
    }
    return parse(expected, mode, last.substring(PREFIX.length()));
  }

  /**
   * Validates one verdict object.
   *
   * @param expected the stage that ran
   * @param json the JSON after the marker
   * @return the verdict
   * @throws InvalidVerdictException when it is not JSON, breaks the schema, or names another stage
   */
  public static Verdict parse(Stage expected, String json) throws InvalidVerdictException {
    return parse(expected, "", json);
  }

  /**
   * Validates one verdict object of a stage run in this mode.
   *
   * @param expected the stage that ran
   * @param mode the {@code HYDRA_MODE} the runner gave the container
   * @param json the JSON after the marker
   * @return the verdict
   * @throws InvalidVerdictException when it is not JSON, breaks the schema, names another stage, or
   *     is a passing build outside {@value #FIX_MODE} mode without its branch and PR text
   */
  public static Verdict parse(Stage expected, String mode, String json)
      throws InvalidVerdictException {
    if (json.length() > MAX_LINE) {
      throw new InvalidVerdictException(
          "the " + expected.id() + " verdict is larger than " + (MAX_LINE >> 10) + " KiB");
    }
    JsonNode node =
        Json.readTree(
            json,
            (why, e) ->
                new InvalidVerdictException(
                    "the "
                        + expected.id()
                        + " verdict is not valid JSON: "
                        + Texts.escape(why, 160),
                    e));
    if (node == null || !node.isObject()) {
      throw new InvalidVerdictException("the " + expected.id() + " verdict must be a JSON object");
    }
    List<Error> errors = Schemas.VERDICT.validate(node);
    if (!errors.isEmpty()) {
      String shown =
          errors.stream()
              .limit(MAX_ERRORS_SHOWN)
              .map(e -> Texts.escape(e.getMessage(), 200))
              .collect(Collectors.joining("; "));
      String more =
          errors.size() > MAX_ERRORS_SHOWN
              ? " (+" + (errors.size() - MAX_ERRORS_SHOWN) + " more)"
              : "";
      throw new InvalidVerdictException(
          "the " + expected.id() + " verdict breaks verdict-v1.schema.json: " + shown + more);
    }
    Stage stage = Stage.fromId(node.get("stage").asText()).orElseThrow();
    if (stage != expected) {
      throw new InvalidVerdictException(
          "the " + expected.id() + " container reported a verdict for stage " + stage.id());
    }
    boolean passed = node.get("outcome").asText().equals("pass");
    if (stage == Stage.BUILD && passed && !node.has("branch") && !FIX_MODE.equals(mode)) {
      throw new InvalidVerdictException(
          "the build verdict is pass but has no branch, pr_title and pr_body (every build pass"
              + " but a retry, HYDRA_MODE=fix, names the pull request to open)");
    }
    Verdict.BuilderResult builder = null;
    if (node.has("branch")) {
      builder =
          new Verdict.BuilderResult(
              node.get("branch").asText(),
              node.get("pr_title").asText(),
              node.get("pr_body").asText());
    }
    return new Verdict(
        stage,
        passed,
        node.get("summary").asText(),
        findings(node.get("findings")),
        findings(node.get("fixes_applied")),
        findings(node.get("unfixed")),
        node.get("turns").asInt(),
        node.get("cost_usd").asDouble(),
        builder);
  }

  /**
   * Loads the schema and the validator by checking one verdict, so that the first real verdict is
   * read at full speed. Stage runners call it on a background thread while the container runs.
   */
  public static void warmUp() {
    try {
      parse(
          Stage.APPLIER,
          "{\"schema\":1,\"stage\":\"applier\",\"outcome\":\"pass\",\"summary\":\"warm-up\","
              + "\"findings\":[],\"fixes_applied\":[],\"unfixed\":[],\"turns\":0,\"cost_usd\":0}");
    } catch (InvalidVerdictException e) {
      throw new IllegalStateException("the warm-up verdict is invalid: " + e.getMessage(), e);
    }
  }

  private static List<Finding> findings(JsonNode array) {
    List<Finding> out = new ArrayList<>(array.size());
    for (JsonNode f : array) {
      out.add(
          new Finding(
              Severity.valueOf(f.get("severity").asText()),
              f.get("file").asText(),
              f.get("line").asInt(),
              f.get("rule").asText(),
              f.get("message").asText()));
    }
    return out;
  }

  /** The schema, loaded once on first use. */
  private static final class Schemas {
    static final Schema VERDICT = load();

    private static Schema load() {
      try (InputStream in = VerdictReader.class.getResourceAsStream(SCHEMA_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the jar");
        }
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
