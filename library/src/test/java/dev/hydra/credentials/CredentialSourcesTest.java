package dev.hydra.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.hydra.json.Json;
import dev.hydra.secret.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialSourcesTest {

  static final String CLAUDE_1 = TestTokens.claude(11);
  static final String CLAUDE_2 = TestTokens.claude(12);
  static final String BUILDER = TestTokens.github(21);
  static final String REVIEWER = TestTokens.github(22);
  static final String SECURITY = TestTokens.github(23);
  static final String APPLIER = TestTokens.github(24);

  @TempDir Path dir;
  Path json;
  Path dotEnv;

  @BeforeEach
  void paths() {
    json = dir.resolve("credentials.json");
    dotEnv = dir.resolve(".env");
  }

  /** The example file of SPEC §6, with the test tokens. */
  static Map<String, Object> example() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("_note", "each persona has its own identity");
    root.put(
        "claude_tokens",
        new ArrayList<>(
            List.of(
                Map.of("name", "account-1", "token", CLAUDE_1),
                Map.of("name", "account-2", "token", CLAUDE_2))));
    Map<String, Object> git = new LinkedHashMap<>();
    git.put("builder", BUILDER);
    git.put("reviewer", REVIEWER);
    git.put("security", SECURITY);
    git.put("applier", APPLIER);
    root.put("git_tokens", git);
    return root;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> gitOf(Map<String, Object> root) {
    return (Map<String, Object>) Objects.requireNonNull(root.get("git_tokens"));
  }

  Path writeJson(Object content) throws IOException {
    return writeText(json, Json.mapper().writeValueAsString(content));
  }

  Path writeText(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class)
        != null) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    return file;
  }

  Credentials load(CredentialNeeds needs) throws CredentialException {
    return CredentialSources.file(json, dotEnv, needs).find().orElseThrow();
  }

  /** Asserts that loading fails, and that the message leaks no token. */
  AbstractThrowableAssert<?, ? extends Throwable> fails(CredentialSource source) {
    return assertThatThrownBy(source::find)
        .isInstanceOf(CredentialException.class)
        .satisfies(e -> TestTokens.assertNoTokenIn(e))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  AbstractThrowableAssert<?, ? extends Throwable> fileFails(CredentialNeeds needs) {
    return fails(CredentialSources.file(json, dotEnv, needs));
  }

  AbstractThrowableAssert<?, ? extends Throwable> fileFails() {
    return fileFails(CredentialNeeds.all());
  }

  @Nested
  class File {
    @Test
    void readsTheSpecExample() throws Exception {
      writeJson(example());
      Credentials credentials = load(CredentialNeeds.all());
      assertThat(credentials.claudeTokens())
          .extracting(ClaudeToken::name)
          .containsExactly("account-1", "account-2");
      assertThat(credentials.claudeTokens().get(0).token().reveal()).isEqualTo(CLAUDE_1);
      assertThat(credentials.claudeTokens().get(0).token().name())
          .isEqualTo("claude_tokens[0].token");
      assertThat(credentials.gitToken(Persona.REVIEWER).reveal()).isEqualTo(REVIEWER);
      assertThat(credentials.gitToken(Persona.REVIEWER).name()).isEqualTo("git_tokens.reviewer");
      assertThat(credentials.gitTokens()).containsOnlyKeys(Persona.values());
    }

    @Test
    void defaultsNeedEverything() throws Exception {
      Map<String, Object> root = example();
      gitOf(root).remove("applier");
      writeJson(root);
      assertThatThrownBy(() -> CredentialSources.file(json, dotEnv).find())
          .hasMessageContaining("git_tokens.applier is missing");
    }

    @Test
    void loadsOnlyWhatTheRunNeeds() throws Exception {
      writeJson(example());
      Credentials review = load(CredentialNeeds.of(Persona.REVIEWER, Persona.SECURITY));
      assertThat(review.gitTokens()).containsOnlyKeys(Persona.REVIEWER, Persona.SECURITY);
      assertThat(review.claudeTokens()).hasSize(2);
    }

    @Test
    void aPersonaThatIsNotNeededMayBeMissingOrEmpty() throws Exception {
      Map<String, Object> root = example();
      gitOf(root).remove("applier");
      gitOf(root).put("security", "");
      writeJson(root);
      assertThat(load(CredentialNeeds.of(Persona.BUILDER, Persona.REVIEWER)).gitTokens())
          .containsOnlyKeys(Persona.BUILDER, Persona.REVIEWER);
    }

    @Test
    void neitherFileMeansNothingFound() throws Exception {
      assertThat(CredentialSources.file(json, dotEnv).find()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"builder", "reviewer", "security", "applier"})
    void aMissingPersonaIsAnErrorNamingFileFieldAndFixNeverAFallback(String persona)
        throws Exception {
      Map<String, Object> root = example();
      gitOf(root).remove(persona);
      writeJson(root);
      fileFails()
          .hasMessage(
              json
                  + ": field git_tokens."
                  + persona
                  + " is missing; add the "
                  + persona
                  + " persona's token (each persona has its own, none borrows another's)");
    }

    @ParameterizedTest
    @CsvSource({"'\"\"'", "null"})
    void anEmptyOrNullPersonaTokenIsEmpty(String value) throws Exception {
      writeText(
          json,
          "{\"claude_tokens\":[{\"name\":\"a\",\"token\":\""
              + CLAUDE_1
              + "\"}],\"git_tokens\":{\"builder\":"
              + value
              + "}}");
      fileFails(CredentialNeeds.of(Persona.BUILDER))
          .hasMessageContaining(": field git_tokens.builder is empty; add the builder persona's");
    }

    @Test
    void missingPersonaAlsoSaysTheEnvFileHasNone() throws Exception {
      Map<String, Object> root = example();
      gitOf(root).remove("reviewer");
      writeJson(root);
      writeText(dotEnv, "GITHUB_ORG=acme\n");
      fileFails().hasMessageContaining("(and " + dotEnv + " has no HYDRA_REVIEWER_TOKEN)");
    }

    @Test
    void twoPersonasWithOneTokenNameBothPersonasNeverTheValue() throws Exception {
      Map<String, Object> root = example();
      gitOf(root).put("security", REVIEWER);
      writeJson(root);
      fileFails(CredentialNeeds.of(Persona.BUILDER))
          .hasMessage(
              json
                  + ": persona reviewer (git_tokens.reviewer) and persona security"
                  + " (git_tokens.security) have the same token; give each persona and each Claude"
                  + " account a token of its own");
    }

    @Test
    void aClaudeAccountListedTwiceIsRefused() throws Exception {
      Map<String, Object> root = example();
      root.put(
          "claude_tokens",
          List.of(
              Map.of("name", "work", "token", CLAUDE_1),
              Map.of("name", "home", "token", CLAUDE_1)));
      writeJson(root);
      fileFails()
          .hasMessageContaining("Claude account work (claude_tokens[0].token)")
          .hasMessageContaining("Claude account home (claude_tokens[1].token)");
    }

    @Test
    void missingAndEmptyClaudeTokens() throws Exception {
      Map<String, Object> root = example();
      root.remove("claude_tokens");
      writeJson(root);
      fileFails().hasMessageContaining(": field claude_tokens is missing; add the Claude accounts");
      assertThat(load(CredentialNeeds.all().withoutClaude()).claudeTokens()).isEmpty();

      root.put("claude_tokens", List.of());
      writeJson(root);
      fileFails().hasMessageContaining(": field claude_tokens is empty");
    }

    @Test
    void theOldClaudeAccountsFormatGetsARenameHint() throws Exception {
      Map<String, Object> root = example();
      root.put("claude_accounts", root.remove("claude_tokens"));
      writeJson(root);
      fileFails().hasMessageContaining("field claude_accounts is the old format; rename it");
    }

    @Test
    void aStructuredSecretIsRefused() throws Exception {
      Map<String, Object> root = example();
      gitOf(root).put("builder", Json.mapper().writeValueAsString(Map.of("token", BUILDER)));
      writeJson(root);
      fileFails()
          .hasMessageContaining(": field git_tokens.builder looks like a JSON object")
          .hasMessageContaining("structured secret is refused");
    }

    @Test
    void aNulInsideATokenIsRefused() throws Exception {
      writeText(
          json,
          "{\"claude_tokens\":[{\"name\":\"a\",\"token\":\"abcd\\u0000"
              + CLAUDE_1
              + "\"}],\"git_tokens\":{}}");
      fileFails()
          .hasMessageContaining(
              ": field claude_tokens[0].token contains a NUL character at position 5");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiterString = "|",
        value = {
          "whitespace     | ghp_with space in it                | contains whitespace at position 9",
          "too short      | abc123                              | is too short to be a token (6 characters",
          "variable       | ${HYDRA_BUILDER_TOKEN}              | looks like a variable reference",
          "quoted         | \"'quoted-token-value'\"            | is wrapped in quotes",
        })
    void unusableTokenValues(String what, String value, String problem) throws Exception {
      Map<String, Object> root = example();
      gitOf(root).put("builder", value.replace("\"", ""));
      writeJson(root);
      fileFails().hasMessageContaining(": field git_tokens.builder " + problem);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiterString = "|",
        value = {
          "root is a list      | []                                              | must hold a JSON object with claude_tokens and git_tokens, got a list",
          "claude not a list   | {\"claude_tokens\": \"x\"}                      | field claude_tokens must be a list of {\"name\": …, \"token\": …} objects, got a string",
          "entry not an object | {\"claude_tokens\": [\"x\"]}                    | field claude_tokens[0] must be an object with \"name\" and \"token\", got a string",
          "name missing        | {\"claude_tokens\": [{\"token\": \"x\"}]}       | field claude_tokens[0].name is missing",
          "name a number       | {\"claude_tokens\": [{\"name\": 1}]}            | field claude_tokens[0].name must be a string, got a number",
          "name with a space   | {\"claude_tokens\": [{\"name\": \"my acct\"}]}  | field claude_tokens[0].name must be a letter or digit",
          "token missing       | {\"claude_tokens\": [{\"name\": \"a\"}]}        | field claude_tokens[0].token is missing; add the token of Claude account a",
          "token a number      | {\"claude_tokens\": [{\"name\": \"a\", \"token\": 12345678901}]} | field claude_tokens[0].token must be a string, got a number",
          "git not an object   | {\"git_tokens\": [\"x\"]}                       | field git_tokens must be an object with one token per persona",
          "persona a number    | {\"git_tokens\": {\"builder\": 42}}             | field git_tokens.builder must be a string, got a number",
          "persona an object   | {\"git_tokens\": {\"builder\": {\"token\": \"x\"}}} | field git_tokens.builder must be a string, got an object",
          "persona a boolean   | {\"git_tokens\": {\"builder\": true}}           | field git_tokens.builder must be a string, got a boolean",
          "unknown persona     | {\"git_tokens\": {\"reviwer\": \"x\"}}          | field git_tokens.reviwer is not a persona; use builder, reviewer, security or applier",
          "duplicate field     | {\"git_tokens\": {\"builder\": \"x\", \"builder\": \"y\"}} | is not valid JSON at line 1, column 42: field builder appears twice; keep one",
        })
    void wrongShapesNameTheField(String what, String content, String message) throws Exception {
      writeText(json, content);
      fileFails().hasMessageStartingWith(json.toString()).hasMessageContaining(message);
    }

    @Test
    void invalidJsonGivesLineAndColumnButNeverTheParsersQuote() throws Exception {
      // A token pasted without quotes: Jackson's own message would quote it.
      writeText(
          json,
          "{\n  \"claude_tokens\": [],\n  \"git_tokens\": {\n    \"builder\": "
              + BUILDER
              + "\n  }\n}\n");
      fileFails()
          .hasMessageStartingWith(json + " is not valid JSON at line 4, column ")
          .hasMessageEndingWith("; check the quotes, commas and brackets near there");
    }

    @Test
    void aMissingCommaIsReportedWhereItIs() throws Exception {
      writeText(json, "{\n\"claude_tokens\": []\n\"git_tokens\": {}\n}");
      fileFails().hasMessageStartingWith(json + " is not valid JSON at line 3, column 1;");
    }

    @Test
    void anUnknownPersonaThatLooksLikeATokenIsNotRepeated() throws Exception {
      // Key and value swapped by mistake: the key is the token.
      writeText(json, "{\"git_tokens\": {\"" + BUILDER + "\": \"builder\"}}");
      fileFails().hasMessageContaining("a field in git_tokens is not a persona");
    }

    @Test
    void anEmptyFileSaysSo() throws Exception {
      writeText(json, " \n");
      fileFails().hasMessageStartingWith(json + " is empty; write {");
    }

    @Test
    void aFileLargerThanAnyCredentialsFileIsRefused() throws Exception {
      writeText(json, " ".repeat(FileCredentialSource.MAX_BYTES + 1));
      fileFails().hasMessageContaining("is larger than 1 MiB");
    }

    @Test
    void aDanglingLinkIsAnErrorNotAMissingFile() throws Exception {
      Files.createSymbolicLink(json, dir.resolve("moved-away.json"));
      fileFails()
          .hasMessage(
              json
                  + " is a symbolic link to a file that does not exist; fix the link or remove it");
    }

    @Test
    void aDirectoryIsNotAFile() throws Exception {
      Files.createDirectory(json);
      fileFails().hasMessage(json + " is a directory; it must be a file");
    }
  }

  @Nested
  class Permissions {
    @BeforeEach
    void posixOnly() {
      assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rw-rw-rw-"})
    void aCredentialsFileOpenToOthersIsRefusedWithTheChmodFix(String mode) throws Exception {
      writeJson(example());
      Files.setPosixFilePermissions(json, PosixFilePermissions.fromString(mode));
      fileFails()
          .hasMessage(
              json
                  + " is open to other users ("
                  + mode
                  + "); run chmod 600 "
                  + json
                  + " so that only its owner can read it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-------", "r--------"})
    void ownerOnlyIsAccepted(String mode) throws Exception {
      writeJson(example());
      Files.setPosixFilePermissions(json, PosixFilePermissions.fromString(mode));
      assertThat(load(CredentialNeeds.all()).gitTokens()).hasSize(4);
    }

    @Test
    void theEnvFileIsCheckedToo() throws Exception {
      writeJson(example());
      writeText(dotEnv, "GITHUB_ORG=acme\n");
      Files.setPosixFilePermissions(dotEnv, PosixFilePermissions.fromString("rw-r--r--"));
      fileFails().hasMessageContaining("chmod 600 " + dotEnv);
    }

    @Test
    void anUnreadableFileSaysSo() throws Exception {
      writeJson(example());
      Files.setPosixFilePermissions(json, PosixFilePermissions.fromString("---------"));
      assumeThat(Files.isReadable(json)).as("not running as root").isFalse();
      fileFails().hasMessageContaining(json + " is not readable by this user");
    }

    @Test
    void withoutPosixPermissionsTheCheckIsSkipped() throws Exception {
      // A zip file system has no POSIX attribute view unless asked for one: like Windows here.
      Path zip = dir.resolve("secrets.zip");
      try (FileSystem fs =
          FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
        Path inZip = fs.getPath("/credentials.json");
        Files.writeString(inZip, Json.mapper().writeValueAsString(example()));
        assertThat(fs.supportedFileAttributeViews()).doesNotContain("posix");
        Optional<Credentials> found =
            CredentialSources.file(inZip, fs.getPath("/.env"), CredentialNeeds.all()).find();
        assertThat(found).isPresent();
      }
    }
  }

  @Nested
  class EnvFile {
    @Test
    void suppliesWhatTheJsonLeavesOut() throws Exception {
      Map<String, Object> root = example();
      gitOf(root).remove("applier");
      writeJson(root);
      writeText(
          dotEnv, "# local\nexport HYDRA_APPLIER_TOKEN=\"" + APPLIER + "\"\r\nGITHUB_ORG=acme\r\n");
      Credentials credentials = load(CredentialNeeds.all());
      assertThat(credentials.gitToken(Persona.APPLIER).reveal()).isEqualTo(APPLIER);
      assertThat(credentials.gitToken(Persona.APPLIER).name()).isEqualTo("HYDRA_APPLIER_TOKEN");
    }

    @Test
    void theSameTokenInBothFilesIsFine() throws Exception {
      writeJson(example());
      writeText(dotEnv, "HYDRA_BUILDER_TOKEN='" + BUILDER + "'\n");
      assertThat(load(CredentialNeeds.all()).gitToken(Persona.BUILDER).reveal()).isEqualTo(BUILDER);
    }

    @Test
    void differentTokensForOnePersonaAreRefused() throws Exception {
      writeJson(example());
      writeText(dotEnv, "HYDRA_BUILDER_TOKEN=" + TestTokens.github(99) + "\n");
      fileFails()
          .hasMessage(
              json
                  + ": field git_tokens.builder and HYDRA_BUILDER_TOKEN in "
                  + dotEnv
                  + " hold different tokens for the builder persona; keep the token in one of the"
                  + " two files");
    }

    @Test
    void aClaudeTokenNotInTheJsonListIsRefused() throws Exception {
      writeJson(example());
      writeText(dotEnv, "CLAUDE_CODE_OAUTH_TOKEN=" + TestTokens.claude(98) + "\n");
      fileFails()
          .hasMessageContaining(
              dotEnv + ": CLAUDE_CODE_OAUTH_TOKEN is not one of the claude_tokens");
      writeText(dotEnv, "CLAUDE_CODE_OAUTH_TOKEN=" + CLAUDE_2 + "\n");
      assertThat(load(CredentialNeeds.all()).claudeTokens()).hasSize(2);
    }

    @Test
    void theEnvFileAloneIsEnough() throws Exception {
      writeText(
          dotEnv,
          String.join(
              "\n",
              "HYDRA_BUILDER_TOKEN=" + BUILDER,
              "HYDRA_REVIEWER_TOKEN=" + REVIEWER,
              "HYDRA_SECURITY_TOKEN=" + SECURITY,
              "HYDRA_APPLIER_TOKEN=" + APPLIER,
              "CLAUDE_CODE_OAUTH_TOKEN=" + CLAUDE_1,
              ""));
      Credentials credentials = load(CredentialNeeds.all());
      assertThat(credentials.claudeTokens())
          .extracting(ClaudeToken::name)
          .containsExactly("default");
      assertThat(credentials.gitTokens()).hasSize(4);
    }

    @Test
    void aMissingPersonaInTheEnvFileAlone() throws Exception {
      writeText(dotEnv, "HYDRA_BUILDER_TOKEN=" + BUILDER + "\nCLAUDE_CODE_OAUTH_TOKEN=" + CLAUDE_1);
      fileFails(CredentialNeeds.of(Persona.BUILDER, Persona.REVIEWER))
          .hasMessageStartingWith(dotEnv + ": HYDRA_REVIEWER_TOKEN is missing; add the reviewer");
    }

    @Test
    void aBadValueNamesFileLineAndVariable() throws Exception {
      writeText(
          dotEnv,
          "# x\nHYDRA_BUILDER_TOKEN=" + BUILDER + "\nHYDRA_REVIEWER_TOKEN=" + BUILDER + "\n");
      fileFails(CredentialNeeds.of(Persona.BUILDER).withoutClaude())
          .hasMessageContaining("persona builder (HYDRA_BUILDER_TOKEN) and persona reviewer");
      writeText(dotEnv, "# x\nHYDRA_BUILDER_TOKEN=$GH_TOKEN\n");
      fileFails(CredentialNeeds.of(Persona.BUILDER).withoutClaude())
          .hasMessageStartingWith(dotEnv + " line 2: HYDRA_BUILDER_TOKEN looks like a variable");
    }

    @Test
    void aMalformedLineHoldingATokenIsNotRepeated() throws Exception {
      writeJson(example());
      writeText(dotEnv, "HYDRA_BUILDER_TOKEN " + BUILDER + "\n");
      fileFails().hasMessageStartingWith(dotEnv + " line 1: expected KEY=VALUE");
    }
  }

  @Nested
  class Environment {
    Map<String, String> env() {
      Map<String, String> env = new HashMap<>();
      env.put("HYDRA_BUILDER_TOKEN", BUILDER);
      env.put("HYDRA_REVIEWER_TOKEN", REVIEWER);
      env.put("HYDRA_SECURITY_TOKEN", SECURITY);
      env.put("HYDRA_APPLIER_TOKEN", APPLIER);
      env.put("CLAUDE_CODE_OAUTH_TOKEN", CLAUDE_1);
      env.put("PATH", "/usr/bin");
      return env;
    }

    Credentials load(Map<String, String> env, CredentialNeeds needs) throws CredentialException {
      return CredentialSources.env(env, needs).find().orElseThrow();
    }

    @Test
    void readsPersonasAndTheSingleClaudeToken() throws Exception {
      Credentials credentials = load(env(), CredentialNeeds.all());
      assertThat(credentials.gitToken(Persona.SECURITY).reveal()).isEqualTo(SECURITY);
      assertThat(credentials.gitToken(Persona.SECURITY).name()).isEqualTo("HYDRA_SECURITY_TOKEN");
      assertThat(credentials.claudeTokens())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.name()).isEqualTo("default");
                assertThat(t.token().reveal()).isEqualTo(CLAUDE_1);
              });
      assertThat(CredentialSources.env(env()).find()).isPresent();
    }

    @Test
    void numberedClaudeTokensKeepTheirOrder() throws Exception {
      Map<String, String> env = env();
      env.remove("CLAUDE_CODE_OAUTH_TOKEN");
      env.put("HYDRA_CLAUDE_TOKEN_2", CLAUDE_1);
      env.put("HYDRA_CLAUDE_TOKEN_1", CLAUDE_2);
      env.put("HYDRA_CLAUDE_TOKEN_10", "");
      assertThat(load(env, CredentialNeeds.all()).claudeTokens())
          .extracting(t -> t.name() + "=" + (t.token().reveal().equals(CLAUDE_2) ? "2" : "1"))
          .containsExactly("account-1=2", "account-2=1");
    }

    @Test
    void theSingleTokenMayRepeatANumberedOne() throws Exception {
      Map<String, String> env = env();
      env.put("HYDRA_CLAUDE_TOKEN_1", CLAUDE_1);
      assertThat(load(env, CredentialNeeds.all()).claudeTokens()).hasSize(1);
      env.put("CLAUDE_CODE_OAUTH_TOKEN", CLAUDE_2);
      fails(CredentialSources.env(env))
          .hasMessageContaining("CLAUDE_CODE_OAUTH_TOKEN is set besides HYDRA_CLAUDE_TOKEN_1");
    }

    @Test
    void aGapInTheNumbersIsAnError() {
      Map<String, String> env = env();
      env.remove("CLAUDE_CODE_OAUTH_TOKEN");
      env.put("HYDRA_CLAUDE_TOKEN_1", CLAUDE_1);
      env.put("HYDRA_CLAUDE_TOKEN_3", CLAUDE_2);
      fails(CredentialSources.env(env))
          .hasMessage(
              "environment variable HYDRA_CLAUDE_TOKEN_3 is set but HYDRA_CLAUDE_TOKEN_2 is not;"
                  + " number the Claude tokens from 1 without gaps");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"HYDRA_CLAUDE_TOKEN_WORK", "HYDRA_CLAUDE_TOKEN_0", "HYDRA_CLAUDE_TOKEN_"})
    void unnumberedClaudeVariablesAreErrors(String name) {
      Map<String, String> env = env();
      env.put(name, CLAUDE_2);
      fails(CredentialSources.env(env)).hasMessageContaining("is not numbered");
    }

    @Test
    void aJsonListOfClaudeTokensIsAStructuredSecretAndRefused() throws Exception {
      Map<String, String> env = env();
      env.put(
          "HYDRA_CLAUDE_TOKENS",
          Json.mapper().writeValueAsString(List.of(Map.of("name", "a", "token", CLAUDE_2))));
      fails(CredentialSources.env(env))
          .hasMessageStartingWith("environment variable HYDRA_CLAUDE_TOKENS holds several tokens")
          .hasMessageContaining("HYDRA_CLAUDE_TOKEN_1, HYDRA_CLAUDE_TOKEN_2");
    }

    @Test
    void aStructuredPersonaSecretIsRefused() throws Exception {
      Map<String, String> env = env();
      env.put("HYDRA_BUILDER_TOKEN", Json.mapper().writeValueAsString(Map.of("token", BUILDER)));
      fails(CredentialSources.env(env))
          .hasMessageStartingWith(
              "environment variable HYDRA_BUILDER_TOKEN looks like a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"builder", "reviewer", "security", "applier"})
    void aMissingPersonaNamesItsVariableAndNeverBorrowsAnother(String id) {
      Persona persona = Persona.fromId(id).orElseThrow();
      Map<String, String> env = env();
      env.put(persona.envVariable(), "");
      fails(CredentialSources.env(env, CredentialNeeds.of(persona)))
          .hasMessage(
              "environment variable "
                  + persona.envVariable()
                  + " is not set or empty; give the "
                  + id
                  + " persona its own token: store it as a secret named "
                  + persona.envVariable()
                  + " and pass it in the job's env (a persona never borrows another's token)");
    }

    @Test
    void aReviewJobNeedsNoBuilderToken() throws Exception {
      Map<String, String> env = env();
      env.remove("HYDRA_BUILDER_TOKEN");
      env.remove("HYDRA_APPLIER_TOKEN");
      Credentials review = load(env, CredentialNeeds.of(Persona.REVIEWER, Persona.SECURITY));
      assertThat(review.gitTokens()).containsOnlyKeys(Persona.REVIEWER, Persona.SECURITY);
    }

    @Test
    void aReviewJobLoadsTheBuildersTokenForItsFixesOnlyWhenGiven() throws Exception {
      CredentialNeeds needs = CredentialNeeds.of(Persona.REVIEWER).withOptional(Persona.BUILDER);
      assertThat(load(env(), needs).gitTokens())
          .containsOnlyKeys(Persona.REVIEWER, Persona.BUILDER);
      Map<String, String> without = env();
      without.remove("HYDRA_BUILDER_TOKEN");
      assertThat(load(without, needs).gitTokens()).containsOnlyKeys(Persona.REVIEWER);
    }

    @Test
    void twoPersonasWithOneTokenAreRefused() {
      Map<String, String> env = env();
      env.put("HYDRA_APPLIER_TOKEN", BUILDER);
      fails(CredentialSources.env(env, CredentialNeeds.of(Persona.APPLIER)))
          .hasMessageContaining("persona builder (HYDRA_BUILDER_TOKEN)")
          .hasMessageContaining("persona applier (HYDRA_APPLIER_TOKEN)");
    }

    @Test
    void noClaudeToken() {
      Map<String, String> env = env();
      env.remove("CLAUDE_CODE_OAUTH_TOKEN");
      fails(CredentialSources.env(env))
          .hasMessageStartingWith("no Claude token in the environment");
    }

    @Test
    void nothingSetMeansNothingFoundAndEmptyMeansUnset() throws Exception {
      assertThat(CredentialSources.env(Map.of("PATH", "/bin")).find()).isEmpty();
      assertThat(CredentialSources.env(Map.of("HYDRA_BUILDER_TOKEN", "")).find()).isEmpty();
    }

    @Test
    void theSourceNeitherKeepsNorPrintsTheWholeEnvironment() {
      Map<String, String> env = env();
      env.put("UNRELATED_SECRET", TestTokens.github(77));
      assertThat(CredentialSources.env(env).toString()).doesNotContain("UNRELATED", "HYDRA_");
      TestTokens.assertNoTokenIn(CredentialSources.env(env).toString());
    }
  }

  @Nested
  class Chain {
    final CredentialSource empty = Optional::empty;
    final CredentialSource broken =
        new CredentialSource() {
          @Override
          public Optional<Credentials> find() throws CredentialException {
            throw new CredentialException("secrets/credentials.json: field x is wrong; fix it");
          }

          @Override
          public String description() {
            return "file secrets/credentials.json";
          }
        };
    final Credentials fixed =
        Credentials.of(
            List.of(ClaudeToken.of("a", Secret.of("a", CLAUDE_1))),
            Map.of(Persona.BUILDER, Secret.of("b", BUILDER)));

    @Test
    void theFirstSourceWithCredentialsWins() throws Exception {
      Credentials other = Credentials.withoutClaude(Map.of());
      assertThat(
              CredentialSources.firstOf(
                      empty, CredentialSources.fixed(fixed), CredentialSources.fixed(other))
                  .find())
          .containsSame(fixed);
    }

    @Test
    void aFailureDoesNotHideALaterSource() throws Exception {
      assertThat(CredentialSources.firstOf(broken, CredentialSources.fixed(fixed)).find())
          .containsSame(fixed);
    }

    @Test
    void allEmptyIsEmpty() throws Exception {
      assertThat(CredentialSources.firstOf(empty, empty).find()).isEmpty();
      assertThat(CredentialSources.firstOf().find()).isEmpty();
    }

    @Test
    void everyAttemptIsReportedInOrder() {
      CredentialSource envSource = CredentialSources.env(Map.of("HYDRA_BUILDER_TOKEN", BUILDER));
      fails(CredentialSources.firstOf(CredentialSources.file(json, dotEnv), broken, envSource))
          .hasMessage(
              "no usable credentials; attempted sources were: 1) file "
                  + json
                  + " (with "
                  + dotEnv
                  + "): nothing found; 2) file secrets/credentials.json:"
                  + " secrets/credentials.json: field x is wrong; fix it; 3) "
                  + envSource.description()
                  + ": environment variable HYDRA_REVIEWER_TOKEN is not set or empty; give the"
                  + " reviewer persona its own token: store it as a secret named"
                  + " HYDRA_REVIEWER_TOKEN and pass it in the job's env (a persona never borrows"
                  + " another's token)");
    }

    @Test
    void requireTurnsNothingIntoAnError() throws Exception {
      assertThatThrownBy(() -> CredentialSources.require(CredentialSources.firstOf(empty)))
          .isInstanceOf(CredentialException.class)
          .hasMessageContaining("no credentials found in first of [")
          .hasMessageContaining("docs/security.md");
      assertThat(CredentialSources.require(CredentialSources.fixed(fixed))).isSameAs(fixed);
    }
  }
}
