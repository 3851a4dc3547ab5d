package dev.hydra.credentials;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Factories for {@link CredentialSource}s: the credentials file, the environment, a fixed value,
 * and an ordered chain of those.
 *
 * <p>The usual chain is {@code firstOf(file(Path.of("secrets/credentials.json"),
 * Path.of("secrets/.env"), needs), env(System.getenv(), needs))}: locally the file wins, in CI (no
 * file) the job's secrets do. Sources never merge: the credentials of a run come whole from one
 * source.
 */
public final class CredentialSources {

  private static final Logger LOG = LoggerFactory.getLogger(CredentialSources.class);

  private CredentialSources() {}

  /**
   * Reads {@code secrets/credentials.json} and the optional {@code secrets/.env}, for a run that
   * needs every persona and Claude.
   *
   * @see #file(Path, Path, CredentialNeeds)
   */
  public static CredentialSource file(Path credentialsJson, Path dotEnv) {
    return file(credentialsJson, dotEnv, CredentialNeeds.all());
  }

  /**
   * Reads {@code secrets/credentials.json} ({@code claude_tokens} list, {@code git_tokens} per
   * persona) and the optional {@code secrets/.env} ({@code KEY=VALUE} lines, never executed), which
   * may supply what the JSON file leaves out; a token given in both must be the same. Both files
   * must be closed to group and others on POSIX file systems ({@code chmod 600}).
   *
   * @param credentialsJson the JSON file, usually {@code secrets/credentials.json}
   * @param dotEnv the env file, usually {@code secrets/.env}
   * @param needs the personas and Claude the run needs; the result holds exactly those
   * @return a source that is empty when neither file exists
   */
  public static CredentialSource file(Path credentialsJson, Path dotEnv, CredentialNeeds needs) {
    return new FileCredentialSource(credentialsJson, dotEnv, needs);
  }

  /**
   * Reads the environment for a run that needs every persona and Claude.
   *
   * @see #env(Map, CredentialNeeds)
   */
  public static CredentialSource env(Map<String, String> env) {
    return env(env, CredentialNeeds.all());
  }

  /**
   * Reads tokens from environment variables: {@code HYDRA_BUILDER_TOKEN}, {@code
   * HYDRA_REVIEWER_TOKEN}, {@code HYDRA_SECURITY_TOKEN}, {@code HYDRA_APPLIER_TOKEN}; Claude from
   * {@code HYDRA_CLAUDE_TOKEN_1}, {@code HYDRA_CLAUDE_TOKEN_2}, … (tried in that order, named
   * {@code account-1}, …) or, for a single account, {@code CLAUDE_CODE_OAUTH_TOKEN} (named {@code
   * default}). {@code HYDRA_CLAUDE_TOKENS} holding a JSON list is refused: in CI it would be one
   * structured secret whose tokens the runner would not mask. Empty values count as unset.
   *
   * @param env the process environment (only {@code Main} passes {@code System.getenv()})
   * @param needs the personas and Claude the run needs; the result holds exactly those
   * @return a source that is empty when none of these variables is set
   */
  public static CredentialSource env(Map<String, String> env, CredentialNeeds needs) {
    return new EnvCredentialSource(env, needs);
  }

  /** A source that always returns the given credentials; for tests and embedding. */
  public static CredentialSource fixed(Credentials credentials) {
    return new CredentialSource() {
      @Override
      public Optional<Credentials> find() {
        return Optional.of(credentials);
      }

      @Override
      public String description() {
        return "fixed credentials";
      }
    };
  }

  /**
   * Tries sources in order and returns the first that holds credentials.
   *
   * <p>A source that fails does not stop the chain; when no source holds usable credentials and at
   * least one failed, the exception lists every attempt in order ("attempted sources were: 1) …; 2)
   * …"), so one message shows why each place was not used.
   *
   * @return a source that is empty only when every source is empty and none failed
   */
  public static CredentialSource firstOf(CredentialSource... sources) {
    List<CredentialSource> chain = List.of(sources);
    return new CredentialSource() {
      @Override
      public Optional<Credentials> find() throws CredentialException {
        List<String> attempts = new ArrayList<>();
        boolean failed = false;
        for (CredentialSource source : chain) {
          LOG.debug("trying credential source: {}", source.description());
          try {
            Optional<Credentials> found = source.find();
            if (found.isPresent()) {
              if (failed) {
                LOG.warn(
                    "using credentials from {}; sources tried before it failed: {}",
                    source.description(),
                    String.join("; ", attempts));
              }
              return found;
            }
            attempts.add((attempts.size() + 1) + ") " + source.description() + ": nothing found");
          } catch (CredentialException e) {
            failed = true;
            attempts.add(
                (attempts.size() + 1) + ") " + source.description() + ": " + e.getMessage());
          }
        }
        if (failed) {
          throw new CredentialException(
              "no usable credentials; attempted sources were: " + String.join("; ", attempts));
        }
        return Optional.empty();
      }

      @Override
      public String description() {
        List<String> names = new ArrayList<>();
        chain.forEach(s -> names.add(s.description()));
        return "first of [" + String.join(", ", names) + "]";
      }
    };
  }

  /**
   * Loads credentials that must exist.
   *
   * @throws CredentialException when the source holds nothing, with the fix, or as the source
   */
  public static Credentials require(CredentialSource source) throws CredentialException {
    Optional<Credentials> found = source.find();
    if (found.isEmpty()) {
      throw new CredentialException(
          "no credentials found in "
              + source.description()
              + "; create secrets/credentials.json (chmod 600) or set the HYDRA_<PERSONA>_TOKEN"
              + " and Claude token variables, see docs/security.md");
    }
    return found.get();
  }

  /**
   * Loads the credentials a run needs: {@code credentials.json} and its dot-env file when they
   * exist, else the environment ({@link #env(Map, CredentialNeeds)}).
   *
   * @throws CredentialException when neither holds them, naming every attempt and the fix
   */
  public static Credentials load(
      Path credentialsJson, Path dotEnv, Map<String, String> env, CredentialNeeds needs)
      throws CredentialException {
    return require(firstOf(file(credentialsJson, dotEnv, needs), env(env, needs)));
  }
}
