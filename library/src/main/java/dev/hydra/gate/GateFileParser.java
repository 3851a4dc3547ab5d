package dev.hydra.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hydra.image.ImageRef;
import dev.hydra.json.Json;
import dev.hydra.text.Texts;
import dev.hydra.text.Word;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Reads the gate file's YAML into {@link Gate}s, collecting every problem with its fix (pure). */
final class GateFileParser {

  static final int MAX_CHARS = 64 * 1024;
  private static final int MAX_ARGS = 100;
  private static final int MAX_ARG_CHARS = 4096;
  private static final int MAX_SCRIPT_CHARS = 8192;
  private static final int MAX_REGISTRIES = 20;
  private static final List<String> TOP_KEYS = List.of("version", "gates");
  private static final List<String> GATE_KEYS =
      List.of("name", "command", "image", "timeout", "scope", "registries", "runner");
  private static final Pattern SHORT_DURATION = Pattern.compile("([1-9][0-9]{0,4})([smh])");
  private static final Pattern REGISTRY =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?(:[0-9]{1,5})?");
  private static final String DURATION_FIX =
      "write it as 90s, 5m, 1h or ISO-8601 (PT5M), from 1s to " + Gate.MAX_TIMEOUT.toHours() + "h";

  private final String file;
  private final List<String> problems = new ArrayList<>();

  private GateFileParser(String file) {
    this.file = file;
  }

  static List<Gate> parse(String text, String file) throws GateFileException {
    return new GateFileParser(file).read(text);
  }

  private List<Gate> read(String text) throws GateFileException {
    if (text.length() > MAX_CHARS) {
      throw new GateFileException(
          file + " has " + text.length() + " characters, more than " + MAX_CHARS + "; shorten it");
    }
    JsonNode root =
        Json.readYaml(
            text,
            (message, cause) ->
                new GateFileException(
                    file + " is not valid YAML (" + yamlProblem(message) + "); fix its syntax",
                    cause));
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new GateFileException(
          file + " is empty; write `version: 1` and a `gates:` list, or delete the file");
    }
    if (!root.isObject()) {
      throw new GateFileException(
          file + " is not a mapping; write `version: 1` and a `gates:` list");
    }
    unknownKeys(root, TOP_KEYS, file);
    JsonNode version = root.get("version");
    if (version == null) {
      problems.add(file + ": `version` is missing; add `version: 1`");
    } else if (!version.isInt() || version.intValue() != GateFile.VERSION) {
      problems.add(
          file + ": `version` is " + shown(version) + "; this Hydra reads `version: 1` only");
    }
    List<Gate> gates = gates(root.get("gates"));
    if (!problems.isEmpty()) {
      throw new GateFileException(String.join("; ", problems));
    }
    return gates;
  }

  /**
   * The parser's message without the file's lines it quotes: SnakeYAML writes the problem, then
   * indented excerpts and their {@code in 'reader', line L, column C} marks; the first mark stays.
   */
  static String yamlProblem(String message) {
    StringBuilder out = new StringBuilder();
    boolean marked = false;
    for (String line : message.lines().toList()) {
      String strip = line.strip();
      boolean mark = strip.startsWith("in 'reader'");
      if (strip.isEmpty() || (line.startsWith(" ") && !mark) || (mark && marked)) {
        continue;
      }
      marked |= mark;
      out.append(out.isEmpty() ? "" : " ")
          .append(mark ? "at " + strip.substring(12).strip().replaceFirst(":$", "") : strip);
    }
    return Texts.escape(out.toString(), 200);
  }

  private List<Gate> gates(@Nullable JsonNode list) {
    if (list == null || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      problems.add(
          file + ": `gates` is " + kind(list) + "; write a list of gates, each starting with `- `");
      return List.of();
    }
    if (list.size() > GateFile.MAX_GATES) {
      problems.add(
          file
              + ": `gates` lists "
              + list.size()
              + " gates, more than "
              + GateFile.MAX_GATES
              + "; merge some, or use one gate-runner gate (`runner: true`) for many checks");
      return List.of();
    }
    List<Gate> gates = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      gate(i + 1, list.get(i), names).ifPresent(gates::add);
    }
    return gates;
  }

  private Optional<Gate> gate(int position, JsonNode node, Map<String, Integer> names) {
    String where = file + ": gate " + position;
    if (!node.isObject()) {
      problems.add(where + " is " + kind(node) + "; write a mapping with `name` and `command`");
      return Optional.empty();
    }
    String name = name(where, node.get("name"), position, names);
    if (!name.isEmpty()) {
      where = where + " (" + Texts.quote(name) + ")";
    }
    int before = problems.size();
    unknownKeys(node, GATE_KEYS, where);
    List<String> command = command(where, node.get("command"));
    Optional<ImageRef> image = image(where, node.get("image"));
    Duration timeout = timeout(where, node.get("timeout"));
    GateScope scope = scope(where, node.get("scope"));
    List<String> registries = registries(where, node.get("registries"));
    boolean runner = runner(where, node.get("runner"));
    if (name.isEmpty() || problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new Gate(name, command, image, timeout, scope, registries, runner));
  }

  private String name(
      String where, @Nullable JsonNode node, int position, Map<String, Integer> names) {
    if (node == null) {
      problems.add(where + ": field `name` is missing; give the gate a name such as `unit-tests`");
      return "";
    }
    if (!node.isTextual() || !Gate.NAME.matcher(node.textValue()).matches()) {
      problems.add(
          where
              + ": field `name` is "
              + shown(node)
              + "; use 1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit");
      return "";
    }
    String name = node.textValue();
    Integer first = names.putIfAbsent(name, position);
    if (first != null) {
      problems.add(
          where
              + ": field `name`: "
              + Texts.quote(name)
              + " is also the name of gate "
              + first
              + "; give each gate its own name");
      return "";
    }
    return name;
  }

  private List<String> command(String where, @Nullable JsonNode node) {
    String field = where + ": field `command`";
    if (node == null) {
      problems.add(field + " is missing; write the command, e.g. `command: [make, check]`");
      return List.of();
    }
    if (node.isTextual()) {
      String script = node.textValue();
      if (script.isBlank() || script.length() > MAX_SCRIPT_CHARS || script.indexOf('\0') >= 0) {
        problems.add(
            field
                + " is an empty, over-long ("
                + MAX_SCRIPT_CHARS
                + "+ characters) or NUL-holding string; write a shell command line");
        return List.of();
      }
      return List.of("/bin/sh", "-c", script);
    }
    if (!node.isArray() || node.isEmpty() || node.size() > MAX_ARGS) {
      problems.add(
          field
              + " is "
              + kind(node)
              + "; write a string (run by /bin/sh -c) or a list of 1 to "
              + MAX_ARGS
              + " strings");
      return List.of();
    }
    List<String> argv = new ArrayList<>();
    for (JsonNode arg : node) {
      if (!arg.isTextual() || arg.textValue().length() > MAX_ARG_CHARS) {
        problems.add(
            field
                + ": item "
                + (argv.size() + 1)
                + " is "
                + kind(arg)
                + "; every item must be a string of at most "
                + MAX_ARG_CHARS
                + " characters (quote numbers: \"1\")");
        return List.of();
      }
      if (arg.textValue().indexOf('\0') >= 0 || (argv.isEmpty() && arg.textValue().isBlank())) {
        problems.add(field + ": item " + (argv.size() + 1) + " is blank or holds NUL; fix it");
        return List.of();
      }
      argv.add(arg.textValue());
    }
    return argv;
  }

  private Optional<ImageRef> image(String where, @Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    String field = where + ": field `image`";
    if (!node.isTextual()) {
      problems.add(field + " is " + kind(node) + "; write an image reference such as `maven:3`");
      return Optional.empty();
    }
    String text = node.textValue();
    if (text.chars().anyMatch(Character::isWhitespace)) {
      problems.add(field + " " + Texts.quote(text) + " contains white space; remove it");
      return Optional.empty();
    }
    try {
      return Optional.of(ImageRef.parse(text));
    } catch (IllegalArgumentException e) {
      problems.add(
          field
              + " "
              + Texts.quote(text)
              + " is not an image reference ("
              + Texts.escape(String.valueOf(e.getMessage()), 160)
              + "); write [registry/]path[:tag][@sha256:…], or leave it out for the builder's image");
      return Optional.empty();
    }
  }

  private Duration timeout(String where, @Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Gate.DEFAULT_TIMEOUT;
    }
    String field = where + ": field `timeout`";
    if (!node.isTextual()) {
      problems.add(field + " is " + kind(node) + " without a unit; " + DURATION_FIX);
      return Gate.DEFAULT_TIMEOUT;
    }
    Optional<Duration> duration = duration(node.textValue());
    if (duration.isEmpty()) {
      problems.add(
          field + " " + Texts.quote(node.textValue()) + " is not a duration; " + DURATION_FIX);
      return Gate.DEFAULT_TIMEOUT;
    }
    Duration d = duration.get();
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Gate.MAX_TIMEOUT) > 0) {
      problems.add(
          field + " " + Texts.quote(node.textValue()) + " is out of range; " + DURATION_FIX);
      return Gate.DEFAULT_TIMEOUT;
    }
    return d;
  }

  /**
   * {@code 90s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT1M30S}); empty for anything else.
   */
  static Optional<Duration> duration(String text) {
    Matcher m = SHORT_DURATION.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return Optional.of(
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
          });
    }
    if (!text.startsWith("PT") && !text.startsWith("pt")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private GateScope scope(String where, @Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return GateScope.FULL;
    }
    Optional<GateScope> scope =
        node.isTextual() ? Word.find(GateScope.values(), node.textValue()) : Optional.empty();
    if (scope.isEmpty()) {
      problems.add(where + ": field `scope` is " + shown(node) + "; write `full` or `diff`");
      return GateScope.FULL;
    }
    return scope.get();
  }

  private List<String> registries(String where, @Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    String field = where + ": field `registries`";
    if (!node.isArray() || node.size() > MAX_REGISTRIES) {
      problems.add(
          field
              + " is "
              + kind(node)
              + "; write a list of at most "
              + MAX_REGISTRIES
              + " host names such as `repo.maven.apache.org`");
      return List.of();
    }
    List<String> hosts = new ArrayList<>();
    for (JsonNode host : node) {
      if (!host.isTextual() || !REGISTRY.matcher(host.textValue()).matches()) {
        problems.add(
            field
                + ": "
                + shown(host)
                + " is not a host name (host[:port]); write one such as `registry.npmjs.org`");
        return List.of();
      }
      hosts.add(host.textValue());
    }
    return hosts;
  }

  private boolean runner(String where, @Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      problems.add(where + ": field `runner` is " + shown(node) + "; write `true` or `false`");
      return false;
    }
    return node.booleanValue();
  }

  private void unknownKeys(JsonNode node, List<String> allowed, String where) {
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!allowed.contains(key)) {
        problems.add(
            where
                + ": unknown key "
                + Texts.quote(key)
                + "; remove it or use one of "
                + String.join(", ", allowed));
      }
    }
  }

  private static String shown(JsonNode node) {
    return node.isTextual()
        ? Texts.quote(node.textValue())
        : kind(node) + " " + Texts.quote(node.toString());
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "a mapping";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "empty";
      default -> "not a value";
    };
  }
}
