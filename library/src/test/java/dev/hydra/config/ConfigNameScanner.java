package dev.hydra.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds every configuration name the repository reads: string literals of the Java main sources
 * ({@code "HYDRA_…"}, {@code "GITHUB_…"}, …), the variables the images' and launcher's scripts read
 * from their environment, the Dockerfiles' build arguments, the action's inputs and the variables
 * it sets, and every workflow's {@code vars.X}, {@code secrets.X}, {@code inputs.X}. Comments are
 * not reads. It also collects every name mentioned in code, for the reverse check (each registry
 * entry is read somewhere).
 */
final class ConfigNameScanner {

  /** How a name is used. */
  enum Use {
    /** A variable, secret or build argument read by this name. */
    NAME,
    /** A name's beginning, completed at run time ({@code "HYDRA_CLAUDE_TOKEN_" + n}). */
    PREFIX,
    /** An action input. */
    INPUT
  }

  /**
   * One name found.
   *
   * @param name the name
   * @param use how it is used
   * @param where the file (relative to the scanned root) and line: {@code action.yml:12}
   */
  record Found(String name, Use use, String where) {}

  /** What a scan found, and every upper-case word the scanned code mentions. */
  record Scan(List<Found> found, Set<String> mentioned) {}

  private static final String PREFIXES = "(?:HYDRA|ANTHROPIC|CLAUDE|GITHUB|FORGEJO|GITEA|DEMO)_";
  private static final Pattern PREFIXED =
      Pattern.compile("(?<![A-Za-z0-9_$])" + PREFIXES + "[A-Z0-9_]*");
  private static final Pattern WORD = Pattern.compile("(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]*[A-Z0-9]");
  private static final Pattern SHELL_REF = Pattern.compile("\\$\\{?([A-Z][A-Z0-9_]*)");
  private static final Pattern SHELL_ASSIGN =
      Pattern.compile(
          "^\\s*(?:export\\s+|readonly\\s+|local\\s+|declare\\s+-\\w+\\s+)?([A-Z][A-Z0-9_]*)=(.*)$",
          Pattern.MULTILINE);
  private static final Pattern DOCKER_ARG =
      Pattern.compile("^ARG\\s+([A-Z][A-Z0-9_]*)", Pattern.MULTILINE);
  private static final Pattern DOCKER_ENV = Pattern.compile("^ENV\\s+(.*)$", Pattern.MULTILINE);
  private static final Pattern ENV_ASSIGN = Pattern.compile("([A-Z][A-Z0-9_]*)=(\\S*)");
  private static final Pattern PERL_ENV = Pattern.compile("\\$ENV\\{['\"]?([A-Z][A-Z0-9_]*)");
  private static final Pattern YAML_COMMENT = Pattern.compile("(^|\\s)#.*$", Pattern.MULTILINE);
  private static final Pattern EXPRESSION_REF =
      Pattern.compile("\\b(vars|secrets|inputs)\\.([A-Za-z0-9_-]+)");
  private static final Pattern YAML_ENV_KEY =
      Pattern.compile("^\\s+(" + PREFIXES + "[A-Z0-9_]*):\\s*\\$\\{\\{", Pattern.MULTILINE);
  private static final Pattern YAML_INPUT_KEY =
      Pattern.compile(
          "^\\s+([a-z][a-z0-9-]*):\\s*\\$\\{\\{\\s*(?:vars|secrets)\\.", Pattern.MULTILINE);
  private static final Pattern ACTION_INPUT =
      Pattern.compile("^  ([a-z][a-z0-9-]*):\\s*$", Pattern.MULTILINE);
  private static final Pattern TOP_LEVEL = Pattern.compile("^([a-z]+):", Pattern.MULTILINE);
  private static final Pattern ACTION_ENV_KEY =
      Pattern.compile("^\\s+([A-Z][A-Z0-9_]*):\\s*\\$\\{\\{", Pattern.MULTILINE);
  private static final Pattern REGISTRY_FIELD =
      Pattern.compile("\\b((?:Variables|ImageVariables)\\.[A-Z][A-Z0-9_]*)\\b");

  /** What the shell gives every script: never configuration. */
  private static final Set<String> SHELL_BUILTINS =
      Set.of(
          "HOME",
          "PATH",
          "PWD",
          "IFS",
          "BASH_REMATCH",
          "BASH_SOURCE",
          "UID",
          "EUID",
          "USER",
          "LOGNAME",
          "RANDOM",
          "SECONDS",
          "LINENO",
          "PIPESTATUS",
          "FUNCNAME",
          "OPTARG",
          "OPTIND",
          "HOSTNAME",
          "TMPDIR",
          "SHELL",
          "TERM");

  /** The registry's own files: they define the names, they do not read them. */
  static final Set<String> REGISTRY_FILES =
      Set.of(
          "Variables.java", "ImageVariables.java", "ConfigVariable.java", "ConfigurationDoc.java");

  private final List<Found> found = new ArrayList<>();
  private final Set<String> mentioned = new HashSet<>();

  /** Scans the repository at {@code root}: the sources, images, launcher, action and workflows. */
  static Scan repository(Path root) {
    ConfigNameScanner scanner = new ConfigNameScanner();
    for (String sources : List.of("library/src/main/java", "runner-entry/src/main/java")) {
      for (Path file : files(root.resolve(sources))) {
        if (file.toString().endsWith(".java")
            && !REGISTRY_FILES.contains(file.getFileName().toString())) {
          scanner.java(where(root, file), read(file));
        }
      }
    }
    scanner.scripts(root, files(root.resolve("images")));
    for (Path file : files(root.resolve("bin"))) {
      scanner.scripts(root, List.of(file));
    }
    scanner.action(where(root, root.resolve("action.yml")), read(root.resolve("action.yml")));
    for (String dir : List.of(".github/workflows", ".forgejo/workflows")) {
      for (Path file : files(root.resolve(dir))) {
        if (file.toString().endsWith(".yml") || file.toString().endsWith(".yaml")) {
          scanner.workflow(where(root, file), read(file));
        }
      }
    }
    return scanner.result();
  }

  Scan result() {
    return new Scan(List.copyOf(found), Set.copyOf(mentioned));
  }

  /** A Java source: the names in its string literals and text blocks, never in comments. */
  void java(String file, String text) {
    StringBuilder code = new StringBuilder();
    int i = 0;
    int n = text.length();
    while (i < n) {
      if (text.startsWith("//", i)) {
        i = indexOr(text, "\n", i, n);
      } else if (text.startsWith("/*", i)) {
        i = indexOr(text, "*/", i + 2, n - 2) + 2;
      } else if (text.startsWith("\"\"\"", i)) {
        int end = literalEnd(text, i + 3, "\"\"\"");
        literal(file, text, i + 3, end);
        i = end + 3;
      } else if (text.charAt(i) == '"') {
        int end = literalEnd(text, i + 1, "\"");
        literal(file, text, i + 1, end);
        i = end + 1;
      } else if (text.charAt(i) == '\'') {
        i = literalEnd(text, i + 1, "'") + 1;
      } else {
        code.append(text.charAt(i));
        i++;
      }
    }
    Matcher field = REGISTRY_FIELD.matcher(code);
    while (field.find()) {
      mentioned.add("field:" + field.group(1));
    }
  }

  /**
   * Scripts that may source each other (the images, or one launcher script): a variable they
   * reference is read from the environment unless one of them sets it to a constant; a Dockerfile's
   * {@code ARG} is a build argument; Perl reads {@code $ENV{X}}.
   */
  void scripts(Path root, List<Path> files) {
    List<Path> scripts = files.stream().filter(ConfigNameScanner::isScript).toList();
    Set<String> internal = new HashSet<>();
    for (Path file : scripts) {
      String code = shellCode(read(file));
      Matcher assign = SHELL_ASSIGN.matcher(code);
      while (assign.find()) {
        if (!assign.group(2).contains("${" + assign.group(1))) {
          internal.add(assign.group(1));
        }
      }
      Matcher env = DOCKER_ENV.matcher(code);
      while (env.find()) {
        Matcher names = ENV_ASSIGN.matcher(env.group(1));
        while (names.find()) {
          if (!names.group(2).contains("${" + names.group(1))) {
            internal.add(names.group(1));
          }
        }
      }
    }
    for (Path file : scripts) {
      shell(where(root, file), read(file), internal);
    }
  }

  /** One script, given the names its group sets itself. */
  void shell(String file, String text, Set<String> internal) {
    String code = shellCode(text);
    String name = file.substring(file.lastIndexOf('/') + 1);
    if (name.equals("Dockerfile")) {
      add(DOCKER_ARG, 1, code, file, Use.NAME, Set.of());
      mentionWords(code);
      return;
    }
    if (name.endsWith(".pl")) {
      add(PERL_ENV, 1, code, file, Use.NAME, Set.of());
      return;
    }
    Set<String> skip = new HashSet<>(internal);
    skip.addAll(SHELL_BUILTINS);
    add(SHELL_REF, 1, code, file, Use.NAME, skip);
    add(PREFIXED, 0, code, file, Use.NAME, skip);
    mentionWords(code);
  }

  /** The action: its inputs, the variables it sets from them, the inputs it uses. */
  void action(String file, String text) {
    String code = YAML_COMMENT.matcher(text).replaceAll("$1");
    Matcher inputs = TOP_LEVEL.matcher(code);
    while (inputs.find()) {
      if (!inputs.group(1).equals("inputs")) {
        continue;
      }
      int from = inputs.end();
      int end = inputs.find() ? inputs.start() : code.length();
      Matcher m = ACTION_INPUT.matcher(code);
      m.region(from, end);
      while (m.find()) {
        found.add(new Found(m.group(1), Use.INPUT, file + ":" + line(code, m.start(1))));
      }
      break;
    }
    add(ACTION_ENV_KEY, 1, code, file, Use.NAME, Set.of());
    expressions(file, code);
    mentionWords(code);
  }

  /** A workflow: {@code vars.X}, {@code secrets.X}, {@code inputs.X}, Hydra's env and inputs. */
  void workflow(String file, String text) {
    String code = YAML_COMMENT.matcher(text).replaceAll("$1");
    expressions(file, code);
    add(YAML_ENV_KEY, 1, code, file, Use.NAME, Set.of());
    add(YAML_INPUT_KEY, 1, code, file, Use.INPUT, Set.of());
    mentionWords(code);
  }

  private void expressions(String file, String code) {
    Matcher m = EXPRESSION_REF.matcher(code);
    while (m.find()) {
      Use use = m.group(1).equals("inputs") ? Use.INPUT : Use.NAME;
      found.add(new Found(m.group(2), use, file + ":" + line(code, m.start(2))));
      mentioned.add(m.group(2));
    }
  }

  private void literal(String file, String text, int from, int to) {
    String literal = text.substring(from, to);
    Matcher m = PREFIXED.matcher(literal);
    while (m.find()) {
      String name = m.group();
      Use use = name.endsWith("_") ? Use.PREFIX : Use.NAME;
      found.add(new Found(name, use, file + ":" + line(text, from + m.start())));
    }
    Matcher words = WORD.matcher(literal);
    while (words.find()) {
      mentioned.add(words.group());
    }
  }

  private void add(
      Pattern pattern, int group, String code, String file, Use use, Set<String> skip) {
    Matcher m = pattern.matcher(code);
    while (m.find()) {
      String name = m.group(group);
      if (!skip.contains(name)) {
        Use how = use == Use.NAME && name.endsWith("_") ? Use.PREFIX : use;
        found.add(new Found(name, how, file + ":" + line(code, m.start(group))));
      }
    }
  }

  private void mentionWords(String code) {
    Matcher words = WORD.matcher(code);
    while (words.find()) {
      mentioned.add(words.group());
    }
  }

  /** The script without comments, line numbers kept. */
  static String shellCode(String text) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String stripped = line.strip();
      if (stripped.startsWith("#")) {
        out.append('\n');
        continue;
      }
      out.append(line.replaceAll("(^|\\s)#[^'\"]*$", "$1")).append('\n');
    }
    return out.toString();
  }

  private static boolean isScript(Path file) {
    String name = file.getFileName().toString();
    return !name.endsWith(".md") && !name.endsWith(".json") && Files.isRegularFile(file);
  }

  private static int literalEnd(String text, int from, String close) {
    int i = from;
    while (i < text.length()) {
      if (text.charAt(i) == '\\') {
        i += 2;
      } else if (text.startsWith(close, i)) {
        return i;
      } else {
        i++;
      }
    }
    return text.length();
  }

  private static int indexOr(String text, String what, int from, int fallback) {
    int at = text.indexOf(what, from);
    return at < 0 ? fallback : at;
  }

  private static int line(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static String where(Path root, Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
