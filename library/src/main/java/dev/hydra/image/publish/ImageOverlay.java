package dev.hydra.image.publish;

import dev.hydra.config.InvalidConfigurationException;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An adopter's overlay folder (for example {@code .hydra/images/}), read and validated: what {@code
 * hydra image build --overlay DIR} adds to Hydra's own persona images.
 *
 * <pre>
 * CLAUDE.md              appended to every persona's instructions
 * packages.txt           extra Debian packages for every persona, one name a line
 * README.md              ignored (for the adopter's own notes)
 * &lt;role&gt;/CLAUDE.md       appended to that persona's instructions (after the common one)
 * &lt;role&gt;/tools.txt       extra allowed tools for that persona, one a line (Read, Bash(npm test:*))
 * &lt;role&gt;/packages.txt    extra Debian packages for that persona
 * </pre>
 *
 * <p>Blank lines and lines starting with {@code #} are ignored in the {@code .txt} files. Every
 * file is checked before anything is built: no link, UTF-8 text within its size, a package name in
 * Debian's syntax (so nothing reaches a shell but a name), a tool in Claude Code's rule syntax
 * without quotes, commas or {@code $}, and never a tool the persona's managed settings deny ({@code
 * git push} in any form, a denied tool) nor bypass mode. Each problem is an {@link
 * InvalidConfigurationException} naming the file, the problem and the fix. Reading only; no docker.
 *
 * @param dir the folder
 * @param instructions the common {@code CLAUDE.md}, empty when absent
 * @param packages the common packages
 * @param personas what each role's own folder adds, for every role (empty when it has none)
 */
public record ImageOverlay(
    Path dir, String instructions, List<String> packages, Map<String, PersonaOverlay> personas) {

  /** Most bytes of an instructions file. */
  static final int MAX_INSTRUCTIONS = 64 * 1024;

  /** Most bytes of a list file. */
  static final int MAX_LIST = 16 * 1024;

  /** Most entries of a list file. */
  static final int MAX_ENTRIES = 100;

  // Debian Policy §5.6.1: lower-case letters, digits, '+', '-', '.'; at least two characters,
  // starting with a letter or digit.
  private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]{1,99}");
  // A permission rule: a tool name, optionally with a specifier in parentheses. No quote, comma
  // (the list separator), backslash, backquote or '$' anywhere.
  private static final Pattern TOOL =
      Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,99}(\\([^'\",\\\\`$()\\p{Cntrl}]{1,200}\\))?");
  private static final Set<String> ROOT_FILES = Set.of("CLAUDE.md", "packages.txt", "README.md");
  private static final Set<String> ROLE_FILES = Set.of("CLAUDE.md", "tools.txt", "packages.txt");

  /**
   * What one persona's folder adds.
   *
   * @param instructions its {@code CLAUDE.md}, empty when absent
   * @param tools its extra allowed tools, in order
   * @param packages its extra packages, in order
   */
  public record PersonaOverlay(String instructions, List<String> tools, List<String> packages) {

    public PersonaOverlay {
      tools = List.copyOf(tools);
      packages = List.copyOf(packages);
    }

    static final PersonaOverlay NONE = new PersonaOverlay("", List.of(), List.of());
  }

  public ImageOverlay {
    packages = List.copyOf(packages);
    personas = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(personas));
  }

  /** What a role's own folder adds (nothing when it has no folder). */
  public PersonaOverlay persona(String role) {
    return personas.getOrDefault(role, PersonaOverlay.NONE);
  }

  /** The files a role's image consumes, relative to the folder (for its commit time). */
  public List<String> filesOf(String role) {
    List<String> files = new ArrayList<>();
    for (String name : List.of("CLAUDE.md", "packages.txt")) {
      if (Files.isRegularFile(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        files.add(name);
      }
    }
    for (String name : List.of("CLAUDE.md", "tools.txt", "packages.txt")) {
      if (Files.isRegularFile(dir.resolve(role).resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        files.add(role + "/" + name);
      }
    }
    return files;
  }

  /**
   * Reads and validates an overlay folder against Hydra's own images.
   *
   * @param dir the overlay folder
   * @param hydraImages Hydra's {@code images/} (each role's {@code settings.json} and {@code
   *     persona.env} say what the persona denies)
   * @return the overlay
   * @throws InvalidConfigurationException naming the file, the problem and the fix
   */
  public static ImageOverlay read(Path dir, Path hydraImages) throws InvalidConfigurationException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidConfigurationException(
          "--overlay "
              + dir
              + " is not a directory; pass the overlay folder of your repository, for example"
              + " .hydra/images (images/README.md, Customising the images)");
    }
    for (Path entry : list(dir)) {
      String name = entry.getFileName().toString();
      if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        if (!ImageSet.ROLES.contains(name)) {
          throw new InvalidConfigurationException(
              entry
                  + ": unknown folder; the persona folders are "
                  + String.join(", ", ImageSet.ROLES)
                  + ". Rename or remove it");
        }
        for (Path file : list(entry)) {
          requireKnown(file, ROLE_FILES);
        }
      } else {
        requireKnown(entry, ROOT_FILES);
      }
    }
    Map<String, PersonaOverlay> personas = new LinkedHashMap<>();
    for (String role : ImageSet.ROLES) {
      Path roleDir = dir.resolve(role);
      PersonaOverlay persona =
          new PersonaOverlay(
              text(roleDir.resolve("CLAUDE.md")),
              tools(roleDir.resolve("tools.txt"), PersonaRules.of(hydraImages, role)),
              packages(roleDir.resolve("packages.txt")));
      personas.put(role, persona);
    }
    return new ImageOverlay(
        dir, text(dir.resolve("CLAUDE.md")), packages(dir.resolve("packages.txt")), personas);
  }

  private static void requireKnown(Path file, Set<String> allowed)
      throws InvalidConfigurationException {
    String name = file.getFileName().toString();
    if (Files.isSymbolicLink(file)) {
      throw new InvalidConfigurationException(
          file + ": a symbolic link; an overlay file must be a plain file. Copy the file instead");
    }
    if (!allowed.contains(name) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidConfigurationException(
          file
              + ": not an overlay file; here the files are "
              + String.join(", ", new TreeSet<>(allowed))
              + ". Rename or remove it");
    }
  }

  private static List<Path> list(Path dir) throws InvalidConfigurationException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(entries::add);
    } catch (IOException e) {
      throw new InvalidConfigurationException("cannot list " + dir + ": " + e.getMessage());
    }
    entries.sort(null);
    return entries;
  }

  /** The file's text, empty when absent. */
  static String text(Path file) throws InvalidConfigurationException {
    return read(file, MAX_INSTRUCTIONS);
  }

  private static String read(Path file, int max) throws InvalidConfigurationException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return "";
    }
    try {
      if (Files.size(file) > max) {
        throw new InvalidConfigurationException(
            file + ": larger than " + max / 1024 + " KiB; shorten it");
      }
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
      if (text.indexOf('\0') >= 0) {
        throw new InvalidConfigurationException(file + ": holds a NUL byte; save it as text");
      }
      return text;
    } catch (CharacterCodingException e) {
      throw new InvalidConfigurationException(file + ": not UTF-8 text; save it as UTF-8");
    } catch (IOException e) {
      throw new InvalidConfigurationException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** The entries of a list file: trimmed, without blank and comment lines. */
  private static List<String> entries(Path file) throws InvalidConfigurationException {
    List<String> entries = new ArrayList<>();
    for (String line : read(file, MAX_LIST).split("\n", -1)) {
      String entry = line.strip();
      if (!entry.isEmpty() && !entry.startsWith("#")) {
        entries.add(entry);
      }
    }
    if (entries.size() > MAX_ENTRIES) {
      throw new InvalidConfigurationException(
          file + ": more than " + MAX_ENTRIES + " entries; keep it to what the persona needs");
    }
    return entries;
  }

  static List<String> packages(Path file) throws InvalidConfigurationException {
    List<String> names = new ArrayList<>();
    for (String name : entries(file)) {
      if (!PACKAGE.matcher(name).matches()) {
        throw new InvalidConfigurationException(
            file
                + ": "
                + Texts.quote(name)
                + " is not a Debian package name (lower-case letters, digits, '+', '-' and '.',"
                + " starting with a letter or digit, one name a line, no version); for example"
                + " python3-venv");
      }
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  static List<String> tools(Path file, PersonaRules rules) throws InvalidConfigurationException {
    List<String> tools = new ArrayList<>();
    for (String tool : entries(file)) {
      String lower = tool.toLowerCase(java.util.Locale.ROOT);
      if (lower.contains("bypasspermissions") || lower.contains("dangerously")) {
        throw new InvalidConfigurationException(
            file
                + ": "
                + Texts.quote(tool)
                + " asks for bypass mode, which the managed settings disable for every persona;"
                + " list the tools the persona needs instead, for example Bash(npm test:*)");
      }
      if (!TOOL.matcher(tool).matches()) {
        throw new InvalidConfigurationException(
            file
                + ": "
                + Texts.quote(tool)
                + " is not a tool rule: a tool name, optionally with a specifier in parentheses"
                + " without quotes, commas, '\\', '`' or '$', one a line; for example Bash(npm"
                + " test:*) or WebFetch(domain:docs.example.com)");
      }
      String denied = rules.denial(tool);
      if (denied != null) {
        throw new InvalidConfigurationException(
            file
                + ": "
                + Texts.quote(tool)
                + " would allow "
                + denied
                + ", which the "
                + rules.role()
                + " persona's managed settings deny (images/"
                + rules.role()
                + "/settings.json); remove it, or allow a narrower rule such as Bash(npm"
                + " test:*)");
      }
      if (!tools.contains(tool)) {
        tools.add(tool);
      }
    }
    return tools;
  }
}
