package dev.hydra.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.config.ConfigNameScanner.Found;
import dev.hydra.config.ConfigNameScanner.Scan;
import dev.hydra.config.ConfigNameScanner.Use;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry ({@link Variables}, {@link ImageVariables}) and what the repository reads agree:
 * every name the code, the images, the launcher, the action and the workflows read is in the
 * registry, and every registry entry is read somewhere (or says why it is listed anyway).
 */
class ConfigurationAgreementTest {

  private static final String FIX =
      "add it to dev.hydra.config.Variables (or ImageVariables for what the images read) with a"
          + " default and meaning, then regenerate docs/configuration.md: "
          + ConfigurationDoc.REGENERATE;

  private static Scan scan;

  @BeforeAll
  static void scanRepository() {
    scan = ConfigNameScanner.repository(root());
  }

  @Test
  void everyNameReadIsInTheRegistry() {
    Set<String> names = new HashSet<>();
    Set<String> inputs = new HashSet<>();
    for (ConfigVariable variable : Variables.all()) {
      names.addAll(variable.names());
      inputs.addAll(variable.inputs());
    }
    Map<String, String> missing = new LinkedHashMap<>();
    for (Found found : scan.found()) {
      boolean known =
          switch (found.use()) {
            case NAME -> names.contains(found.name());
            case PREFIX -> names.stream().anyMatch(n -> n.startsWith(found.name()));
            case INPUT -> inputs.contains(found.name());
          };
      if (!known) {
        String what = found.use() == Use.INPUT ? "action input " : "";
        missing.putIfAbsent(
            what + found.name(),
            what + found.name() + " (read in " + found.where() + ") is not in the registry");
      }
    }
    assertThat(missing.values()).as("names read but not registered; " + FIX).isEmpty();
  }

  @Test
  void theScanFindsWhatEachKindOfSourceReads() {
    // A scan that finds nothing passes the check above trivially: these are known reads of each
    // kind of source, so a scanner that stops seeing one of them fails here.
    assertThat(scan.found())
        .extracting(Found::name, Found::use)
        .contains(
            org.assertj.core.groups.Tuple.tuple("HYDRA_LABEL_PREFIX", Use.NAME), // Java literal
            org.assertj.core.groups.Tuple.tuple("HYDRA_CLAUDE_TOKEN_", Use.PREFIX), // Java
            org.assertj.core.groups.Tuple.tuple("HYDRA_EGRESS_PROBE", Use.NAME), // image script
            org.assertj.core.groups.Tuple.tuple("ANTHROPIC_AUTH_TOKEN", Use.NAME), // bare word
            org.assertj.core.groups.Tuple.tuple("NPM_REGISTRY", Use.NAME), // Dockerfile ARG
            org.assertj.core.groups.Tuple.tuple("HYDRA_CDS", Use.NAME), // bin/hydra
            org.assertj.core.groups.Tuple.tuple("registry-token", Use.INPUT), // action.yml
            org.assertj.core.groups.Tuple.tuple("HYDRA_RELEASE_TOKEN", Use.NAME), // secrets.X
            org.assertj.core.groups.Tuple.tuple("HYDRA_BUILD_TIMEOUT", Use.NAME)); // vars.X
    assertThat(scan.found())
        .extracting(Found::name)
        .as("constants the scripts set themselves, and the shell's own, are not configuration")
        .doesNotContain("HYDRA_EXIT_USAGE", "HOME", "BASH_REMATCH");
  }

  @Test
  void everyRegistryEntryIsReadSomewhere() throws IllegalAccessException {
    Set<String> referenced = new HashSet<>();
    for (String word : scan.mentioned()) {
      if (word.startsWith("field:")) {
        referenced.add(word.substring("field:".length()));
      }
    }
    List<String> unread = new ArrayList<>();
    for (Map.Entry<String, ConfigVariable> e : fields().entrySet()) {
      ConfigVariable variable = e.getValue();
      if (!variable.documentedOnly().isEmpty() || referenced.contains(e.getKey())) {
        continue;
      }
      for (String name : variable.names()) {
        if (!scan.mentioned().contains(name)) {
          unread.add(name + " (" + e.getKey() + ")");
        }
      }
    }
    assertThat(unread)
        .as(
            "registry names nothing reads: remove them, or mark the entry documentedOnly(\"why\")"
                + " when it is listed for another reason")
        .isEmpty();
  }

  @Test
  void everyRegistryInputIsAnInputOfTheAction() {
    Set<String> actionInputs = new HashSet<>();
    for (Found found : scan.found()) {
      if (found.use() == Use.INPUT && found.where().startsWith("action.yml:")) {
        actionInputs.add(found.name());
      }
    }
    List<String> inputs = new ArrayList<>();
    Variables.all().forEach(v -> inputs.addAll(v.inputs()));
    assertThat(actionInputs).as("the inputs action.yml declares").hasSizeGreaterThan(20);
    assertThat(actionInputs).containsExactlyInAnyOrderElementsOf(inputs);
  }

  @Test
  void namesAreUniqueWithinASection() {
    Set<String> seen = new HashSet<>();
    List<String> repeated = new ArrayList<>();
    for (ConfigVariable variable : Variables.all()) {
      for (String name : variable.names()) {
        if (!seen.add(variable.section() + " " + name)) {
          repeated.add(name);
        }
      }
    }
    assertThat(repeated).isEmpty();
  }

  @Test
  void everyEntryHasADefaultAMeaningAndAReader() {
    for (ConfigVariable variable : Variables.all()) {
      assertThat(List.of(variable.defaultText(), variable.meaning(), variable.readBy()))
          .as("%s", variable.names())
          .allSatisfy(text -> assertThat(text).isNotBlank().doesNotContain("|"));
    }
  }

  /** Every registry constant by its field name. */
  private static Map<String, ConfigVariable> fields() throws IllegalAccessException {
    Map<String, ConfigVariable> fields = new LinkedHashMap<>();
    for (Class<?> type : List.of(Variables.class, ImageVariables.class)) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())
            && field.getType() == ConfigVariable.class
            && Modifier.isPublic(field.getModifiers())) {
          fields.put(
              type.getSimpleName() + "." + field.getName(), (ConfigVariable) field.get(null));
        }
      }
    }
    assertThat(fields.values()).containsExactlyInAnyOrderElementsOf(Variables.all());
    return fields;
  }

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("action.yml"))
          && Files.isDirectory(dir.resolve("library"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("the repository root is not above " + Path.of(""));
  }
}
