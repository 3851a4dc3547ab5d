package dev.hydra.credentials;

import dev.hydra.secret.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials from {@code secrets/credentials.json}, completed by {@code secrets/.env}.
 *
 * <p>The JSON file is the main source. The {@code .env} file may supply what the JSON file does not
 * define, with the variable names of {@link TokenVariables}; a token defined in both places must be
 * the same in both. Either file alone is enough; when neither exists the source holds nothing. On
 * POSIX file systems both files must be closed to group and others ({@code chmod 600}); elsewhere
 * that check is skipped.
 */
record FileCredentialSource(Path json, Path dotEnv, CredentialNeeds needs)
    implements CredentialSource {

  /** Larger files are not credential files. */
  static final int MAX_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(FileCredentialSource.class);

  @Override
  public String description() {
    return "file " + json + " (with " + dotEnv + ")";
  }

  @Override
  public Optional<Credentials> find() throws CredentialException {
    boolean hasJson = exists(json);
    boolean hasEnv = exists(dotEnv);
    if (!hasJson && !hasEnv) {
      LOG.debug("neither {} nor {} exists", json, dotEnv);
      return Optional.empty();
    }
    String jsonName = json.toString();
    String envName = dotEnv.toString();
    CredentialsJson.Content content =
        hasJson
            ? CredentialsJson.parse(read(json), jsonName)
            : new CredentialsJson.Content(List.of(), false, Map.of(), Set.of());
    Map<String, DotEnv.Entry> entries = hasEnv ? DotEnv.parse(text(dotEnv), envName) : Map.of();
    Map<String, String> values = new HashMap<>();
    entries.forEach((key, entry) -> values.put(key, entry.value()));
    TokenVariables.Found fromEnv =
        TokenVariables.read(values, key -> envName + line(entries, key) + ": " + key);

    EnumMap<Persona, Secret> git = new EnumMap<>(Persona.class);
    git.putAll(content.git());
    for (Map.Entry<Persona, Secret> e : fromEnv.git().entrySet()) {
      Persona persona = e.getKey();
      Secret inJson = content.git().get(persona);
      if (inJson == null) {
        git.put(persona, e.getValue());
      } else if (!inJson.sameValueAs(e.getValue())) {
        throw new CredentialException(
            jsonName
                + ": field "
                + persona.jsonField()
                + " and "
                + persona.envVariable()
                + " in "
                + envName
                + " hold different tokens for the "
                + persona.id()
                + " persona; keep the token in one of the two files");
      }
    }

    List<ClaudeToken> claude = new ArrayList<>(content.claude());
    if (claude.isEmpty()) {
      claude.addAll(fromEnv.claude());
    } else {
      for (ClaudeToken token : fromEnv.claude()) {
        if (claude.stream().noneMatch(t -> t.token().sameValueAs(token.token()))) {
          throw new CredentialException(
              envName
                  + ": "
                  + token.token().name()
                  + " is not one of the "
                  + CredentialsJson.CLAUDE_TOKENS
                  + " in "
                  + jsonName
                  + "; list every Claude account in "
                  + CredentialsJson.CLAUDE_TOKENS
                  + ", in the order to try them, and remove it from "
                  + envName);
        }
      }
    }

    Credentials all;
    try {
      all = new Credentials(claude, git);
    } catch (IllegalArgumentException e) {
      throw new CredentialException((hasJson ? jsonName : envName) + ": " + e.getMessage());
    }
    checkNeeds(all, content, hasJson, hasEnv);
    Credentials result = all.restrictTo(needs);
    LOG.debug("credentials from {}: {}", description(), result);
    return Optional.of(result);
  }

  private void checkNeeds(
      Credentials all, CredentialsJson.Content content, boolean hasJson, boolean hasEnv)
      throws CredentialException {
    String jsonName = json.toString();
    String envName = dotEnv.toString();
    for (Persona persona : needs.personas()) {
      if (all.gitTokens().containsKey(persona)) {
        continue;
      }
      String alsoEnv = hasEnv ? " (and " + envName + " has no " + persona.envVariable() + ")" : "";
      if (hasJson) {
        String state = content.emptyPersonas().contains(persona) ? "is empty" : "is missing";
        throw new CredentialException(
            jsonName
                + ": field "
                + persona.jsonField()
                + " "
                + state
                + alsoEnv
                + "; add the "
                + persona.id()
                + " persona's token (each persona has its own, none borrows another's)");
      }
      throw new CredentialException(
          envName
              + ": "
              + persona.envVariable()
              + " is missing; add the "
              + persona.id()
              + " persona's token, or put all tokens in "
              + jsonName);
    }
    if (needs.claude() && all.claudeTokens().isEmpty()) {
      if (hasJson) {
        throw new CredentialException(
            jsonName
                + ": field "
                + CredentialsJson.CLAUDE_TOKENS
                + (content.claudePresent() ? " is empty" : " is missing")
                + "; add the Claude accounts as [{\"name\": \"account-1\", \"token\": \"…\"}],"
                + " in the order to try them");
      }
      throw new CredentialException(
          envName
              + ": no Claude token; set "
              + TokenVariables.CLAUDE_SINGLE
              + " or "
              + TokenVariables.CLAUDE_NUMBERED
              + "1, "
              + TokenVariables.CLAUDE_NUMBERED
              + "2, …, or list them in "
              + jsonName);
    }
  }

  /** Whether a file is there; a link to nothing is an error, not an absent file. */
  private static boolean exists(Path file) throws CredentialException {
    if (Files.exists(file)) {
      return true;
    }
    if (Files.isSymbolicLink(file)) {
      throw new CredentialException(
          file + " is a symbolic link to a file that does not exist; fix the link or remove it");
    }
    return false;
  }

  private static String line(Map<String, DotEnv.Entry> entries, String key) {
    DotEnv.Entry entry = entries.get(key);
    return entry == null ? "" : " line " + entry.line();
  }

  private static byte[] read(Path file) throws CredentialException {
    checkFile(file);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new CredentialException(
            file
                + " is larger than "
                + (MAX_BYTES >> 20)
                + " MiB, which no credentials file is; check that the path names the right file");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new CredentialException(file + " disappeared while being read; try again", e);
    } catch (AccessDeniedException e) {
      throw new CredentialException(
          file + " is not readable by this user; make the runner's user its owner (chmod 600)", e);
    } catch (IOException e) {
      throw new CredentialException(
          file + " cannot be read (" + e.getClass().getSimpleName() + "); check the file", e);
    }
  }

  private static String text(Path file) throws CredentialException {
    byte[] bytes = read(file);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CredentialException(file + " is not UTF-8 text; save it as UTF-8");
    }
  }

  /**
   * Refuses directories and files that group or others may access. Skipped where the file system
   * has no POSIX permissions (Windows, some mounted file systems).
   */
  static void checkFile(Path file) throws CredentialException {
    if (Files.isDirectory(file)) {
      throw new CredentialException(file + " is a directory; it must be a file");
    }
    Set<PosixFilePermission> permissions = posixPermissions(file);
    if (permissions == null) {
      LOG.debug("{}: no POSIX permissions on this file system, access check skipped", file);
      return;
    }
    for (PosixFilePermission p : permissions) {
      if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
        throw new CredentialException(
            file
                + " is open to other users ("
                + PosixFilePermissions.toString(permissions)
                + "); run chmod 600 "
                + file
                + " so that only its owner can read it");
      }
    }
  }

  private static @Nullable Set<PosixFilePermission> posixPermissions(Path file)
      throws CredentialException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return null;
    }
    try {
      return view.readAttributes().permissions();
    } catch (UnsupportedOperationException e) {
      return null;
    } catch (IOException e) {
      throw new CredentialException(
          file + " cannot be inspected (" + e.getClass().getSimpleName() + "); check the file", e);
    }
  }
}
