package dev.hydra.credentials;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import dev.hydra.json.Json;
import dev.hydra.secret.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code secrets/credentials.json}:
 *
 * <pre>{@code
 * { "claude_tokens": [ {"name": "account-1", "token": "…"}, {"name": "account-2", "token": "…"} ],
 *   "git_tokens":    { "builder": "…", "reviewer": "…", "security": "…", "applier": "…" } }
 * }</pre>
 *
 * Other top-level fields (a {@code _note}) are ignored. Messages name the file and the field, never
 * a value; the JSON parser's own message is never shown, because it can quote the text around an
 * error, which may be a token.
 */
final class CredentialsJson {

  static final String CLAUDE_TOKENS = "claude_tokens";
  static final String GIT_TOKENS = "git_tokens";
  private static final Set<String> KNOWN_NAMES =
      Set.of(
          CLAUDE_TOKENS,
          GIT_TOKENS,
          "name",
          "token",
          "claude_accounts",
          "builder",
          "reviewer",
          "security",
          "applier");

  /**
   * What the file holds.
   *
   * @param claude the Claude tokens, empty when the field is absent
   * @param claudePresent whether {@code claude_tokens} is in the file
   * @param git the personas' tokens that are present and non-empty
   * @param emptyPersonas personas whose field is present but {@code null} or {@code ""}
   */
  record Content(
      List<ClaudeToken> claude,
      boolean claudePresent,
      Map<Persona, Secret> git,
      Set<Persona> emptyPersonas) {}

  private CredentialsJson() {}

  static Content parse(byte[] bytes, String file) throws CredentialException {
    Map<?, ?> root = readObject(bytes, file);
    if (root.containsKey("claude_accounts") && !root.containsKey(CLAUDE_TOKENS)) {
      throw new CredentialException(
          file
              + ": field claude_accounts is the old format; rename it to "
              + CLAUDE_TOKENS
              + ", list the accounts in the order to try them and drop \"priority\"");
    }
    List<ClaudeToken> claude = new ArrayList<>();
    boolean claudePresent = root.containsKey(CLAUDE_TOKENS);
    Object claudeValue = root.get(CLAUDE_TOKENS);
    if (claudePresent && claudeValue != null) {
      if (!(claudeValue instanceof List<?> list)) {
        throw mustBe(
            file,
            CLAUDE_TOKENS,
            "a list of {\"name\": …, \"token\": …} objects",
            claudeValue,
            "fix the field");
      }
      for (int i = 0; i < list.size(); i++) {
        claude.add(claudeToken(list.get(i), CLAUDE_TOKENS + "[" + i + "]", file));
      }
    }

    EnumMap<Persona, Secret> git = new EnumMap<>(Persona.class);
    Set<Persona> empty = EnumSet.noneOf(Persona.class);
    Object gitValue = root.get(GIT_TOKENS);
    if (gitValue != null) {
      if (!(gitValue instanceof Map<?, ?> map)) {
        throw mustBe(
            file,
            GIT_TOKENS,
            "an object with one token per persona (" + Persona.choices() + ")",
            gitValue,
            "fix the field");
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        Optional<Persona> persona = exactPersona(key);
        if (persona.isEmpty()) {
          throw new CredentialException(
              file
                  + ": "
                  + (isSafeName(key)
                      ? "field " + GIT_TOKENS + "." + key
                      : "a field in " + GIT_TOKENS)
                  + " is not a persona; use "
                  + Persona.choices());
        }
        String field = persona.get().jsonField();
        Object value = e.getValue();
        if (value == null || "".equals(value)) {
          empty.add(persona.get());
          continue;
        }
        if (!(value instanceof String text)) {
          throw mustBe(file, field, "a string", value, "quote the token");
        }
        git.put(
            persona.get(), Tokens.secret(field, text, p -> file + ": field " + field + " " + p));
      }
    }
    return new Content(claude, claudePresent, git, empty);
  }

  private static ClaudeToken claudeToken(@Nullable Object element, String field, String file)
      throws CredentialException {
    if (!(element instanceof Map<?, ?> entry)) {
      throw mustBe(file, field, "an object with \"name\" and \"token\"", element, "fix the entry");
    }
    Object name = entry.get("name");
    if (!(name instanceof String nameText) || nameText.isEmpty()) {
      throw new CredentialException(
          file
              + ": field "
              + field
              + ".name "
              + (name == null || "".equals(name)
                  ? "is missing"
                  : "must be a string, got " + kind(name))
              + "; name the account, for example \"account-1\"");
    }
    if (!ClaudeToken.isValidName(nameText)) {
      throw new CredentialException(
          file
              + ": field "
              + field
              + ".name must be a letter or digit followed by up to 63 letters, digits, '.', '_',"
              + " '@', '+' or '-'; rename the account, for example \"account-1\"");
    }
    Object token = entry.get("token");
    String tokenField = field + ".token";
    if (token == null || "".equals(token)) {
      throw new CredentialException(
          file
              + ": field "
              + tokenField
              + " is missing; add the token of Claude account "
              + nameText);
    }
    if (!(token instanceof String tokenText)) {
      throw mustBe(file, tokenField, "a string", token, "quote the token");
    }
    return new ClaudeToken(
        nameText,
        Tokens.secret(tokenField, tokenText, p -> file + ": field " + tokenField + " " + p));
  }

  private static Map<?, ?> readObject(byte[] bytes, String file) throws CredentialException {
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      throw new CredentialException(
          file
              + " is empty; write {\"claude_tokens\": […], \"git_tokens\": {…}} as in"
              + " docs/security.md, or delete the file");
    }
    Object root;
    try {
      root = Json.lite().anyFrom(bytes);
    } catch (JacksonException e) {
      // Never the parser's message or the exception as cause: both can quote a token.
      throw new CredentialException(file + " is not valid JSON" + where(e) + fix(e));
    } catch (IOException e) {
      throw new CredentialException(file + " cannot be parsed; check that it is UTF-8 JSON");
    }
    if (root instanceof Map<?, ?> map) {
      return map;
    }
    throw new CredentialException(
        file
            + " must hold a JSON object with "
            + CLAUDE_TOKENS
            + " and "
            + GIT_TOKENS
            + ", got "
            + kind(root)
            + "; see docs/security.md for the format");
  }

  private static String where(JacksonException e) {
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 1
        ? ""
        : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  private static String fix(JacksonException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.startsWith("Duplicate field '") || message.startsWith("Duplicate key")) {
      int open = message.indexOf('\'');
      int close = message.indexOf('\'', open + 1);
      String name = open >= 0 && close > open ? message.substring(open + 1, close) : "";
      return ": "
          + (KNOWN_NAMES.contains(name) ? "field " + name : "a field")
          + " appears twice; keep one";
    }
    return "; check the quotes, commas and brackets near there";
  }

  private static Optional<Persona> exactPersona(String key) {
    for (Persona persona : Persona.values()) {
      if (persona.id().equals(key)) {
        return Optional.of(persona);
      }
    }
    return Optional.empty();
  }

  /** {@code <file>: field <field> must be <expected>, got <kind>; <fix>}. */
  private static CredentialException mustBe(
      String file, String field, String expected, @Nullable Object value, String fix) {
    return new CredentialException(
        file + ": field " + field + " must be " + expected + ", got " + kind(value) + "; " + fix);
  }

  /** Field names repeated in messages must be short identifiers, never something like a token. */
  private static boolean isSafeName(String key) {
    return key.length() <= 24 && key.matches("[A-Za-z_][A-Za-z0-9_-]*");
  }

  static String kind(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof Map) {
      return "an object";
    }
    return "a " + value.getClass().getSimpleName();
  }
}
