package dev.hydra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.hydra.label.IoArchFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * ARCHITECTURE.md's package table is the rule: this test reads the table and checks every library
 * class against its package's row, so the document and the check cannot say different things. How
 * the "May depend on" column is read is explained under the table's heading in ARCHITECTURE.md.
 */
class PackageTableTest {

  static final String BASE = "dev.hydra.";

  static final JavaClasses LIBRARY =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // The Forgejo client is generated from the subset spec (module forgejo-client): no row.
          .withImportOption(location -> !location.contains("dev/hydra/forge/forgejo/client/"))
          .importPackages("dev.hydra");

  /** What every package may use besides its row. */
  static final List<String> ALWAYS = List.of("java.", "javax.", "org.jspecify.", "org.slf4j.");

  static final Set<String> LIBRARY_ROOTS = Set.of("com", "org", "jakarta", "javax", "java", "io");

  /** One allowed target: a package exactly, a package tree, or some classes of a package. */
  static final class Allowed {
    final String pkg;
    final boolean tree;
    final Set<String> classes = new LinkedHashSet<>();

    Allowed(String pkg, boolean tree) {
      this.pkg = pkg;
      this.tree = tree;
    }

    boolean allows(JavaClass target) {
      String name = target.getName();
      String in = target.getPackageName();
      if (tree) {
        return in.equals(pkg) || in.startsWith(pkg + ".");
      }
      if (!in.equals(pkg)) {
        return false;
      }
      if (classes.isEmpty()) {
        return true;
      }
      for (String simple : classes) {
        String allowed = pkg + "." + simple;
        if (name.equals(allowed) || name.startsWith(allowed + "$")) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return pkg + (tree ? ".." : "") + (classes.isEmpty() ? "" : " " + classes);
    }
  }

  /** One row: the package (relative to {@code dev.hydra}) and what it may depend on. */
  record Row(String pkg, boolean otherModule, List<Allowed> allowed) {

    String fullName() {
      return BASE + pkg;
    }

    DescribedPredicate<JavaClass> allowedTargets() {
      return DescribedPredicate.describe(
          "are in " + fullName() + ", the JDK, JSpecify, SLF4J or " + allowed,
          target -> {
            JavaClass type = target.getBaseComponentType();
            if (type.isPrimitive() || type.getPackageName().equals(fullName())) {
              return true;
            }
            for (String prefix : ALWAYS) {
              if (type.getName().startsWith(prefix)) {
                return true;
              }
            }
            return allowed.stream().anyMatch(a -> a.allows(type));
          });
    }

    ArchRule rule() {
      return classes()
          .that()
          .resideInAPackage(fullName())
          .should()
          .onlyDependOnClassesThat(allowedTargets())
          .because("that is the row of " + pkg + " in ARCHITECTURE.md's package table");
    }
  }

  private static final Pattern TOKEN = Pattern.compile("`([^`]+)`|[()]");

  /** Reads the package table under "## Package hierarchy". */
  static List<Row> parse(String markdown) {
    int heading = markdown.indexOf("## Package hierarchy");
    if (heading < 0) {
      throw new IllegalArgumentException("ARCHITECTURE.md has no \"## Package hierarchy\" section");
    }
    List<String[]> cells = new ArrayList<>();
    boolean inTable = false;
    for (String line : markdown.substring(heading).lines().toList()) {
      if (line.startsWith("| `")) {
        inTable = true;
        String inner = line.substring(1, line.length() - (line.endsWith("|") ? 1 : 0));
        cells.add(Pattern.compile(" \\| ").split(inner, -1));
      } else if (inTable && !line.startsWith("|")) {
        break;
      }
    }
    Set<String> names = new LinkedHashSet<>();
    for (String[] row : cells) {
      Matcher name = Pattern.compile("`([a-z.]+)`").matcher(row[0]);
      if (!name.find()) {
        throw new IllegalArgumentException("a table row names no package: " + row[0]);
      }
      names.add(name.group(1));
    }
    List<Row> rows = new ArrayList<>();
    int index = 0;
    for (String name : names) {
      String[] row = cells.get(index++);
      boolean otherModule = row[0].contains("(");
      rows.add(new Row(name, otherModule, allowed(name, row[row.length - 1].strip(), names)));
    }
    return rows;
  }

  private static List<Allowed> allowed(String row, String column, Set<String> names) {
    List<Allowed> allowed = new ArrayList<>();
    Matcher m = TOKEN.matcher(column);
    int depth = 0;
    Allowed last = null;
    while (m.find()) {
      String token = m.group();
      if (token.equals("(")) {
        depth++;
      } else if (token.equals(")")) {
        depth--;
      } else {
        String name = m.group(1);
        if (depth > 0) {
          if (last == null || last.tree || !Character.isUpperCase(name.charAt(0))) {
            throw new IllegalArgumentException(
                "row "
                    + row
                    + ": `"
                    + name
                    + "` in parentheses is not a class of the package before it; write"
                    + " commentary without backticks");
          }
          last.classes.add(name);
        } else if (name.endsWith("..")) {
          String pkg = name.substring(0, name.length() - 2);
          int dot = pkg.indexOf('.');
          boolean library = LIBRARY_ROOTS.contains(dot < 0 ? pkg : pkg.substring(0, dot));
          last = new Allowed(library ? pkg : BASE + pkg, true);
          allowed.add(last);
        } else if (names.contains(name)) {
          last = new Allowed(BASE + name, false);
          allowed.add(last);
        } else {
          throw new IllegalArgumentException(
              "row "
                  + row
                  + ": `"
                  + name
                  + "` is neither a package of the table nor a package tree ending in `..`");
        }
      }
    }
    return allowed;
  }

  static Path architectureMd() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("ARCHITECTURE.md");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "ARCHITECTURE.md not found above " + Path.of("").toAbsolutePath());
  }

  static String markdown() {
    try {
      return Files.readString(architectureMd());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read ARCHITECTURE.md: " + e.getMessage(), e);
    }
  }

  static List<Row> libraryRows() {
    return parse(markdown()).stream().filter(row -> !row.otherModule()).toList();
  }

  @TestFactory
  Stream<DynamicTest> everyPackageDependsOnlyOnWhatItsRowAllows() {
    return libraryRows().stream()
        .map(row -> DynamicTest.dynamicTest(row.pkg(), () -> row.rule().check(LIBRARY)));
  }

  @Test
  void everyPackageHasARowAndEveryRowAPackage() {
    Set<String> packages =
        LIBRARY.stream()
            // dev.hydra itself holds only its package-info, which needs no row.
            .filter(type -> !type.getSimpleName().equals("package-info"))
            .map(JavaClass::getPackageName)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> rows =
        libraryRows().stream().map(Row::fullName).collect(Collectors.toCollection(TreeSet::new));
    assertThat(rows).as("rows of ARCHITECTURE.md's package table").isEqualTo(packages);
  }

  @Test
  void everyArchitectureTestIsNamedInArchitectureMd() {
    JavaClasses tests =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .importPackages("dev.hydra");
    Set<String> inCode = new TreeSet<>();
    for (JavaClass test : tests) {
      if (test.getSimpleName().endsWith("ArchitectureTest")
          || test.getSimpleName().equals("PackageTableTest")) {
        for (JavaMethod method : test.getMethods()) {
          if (method.isAnnotatedWith(Test.class) || method.isAnnotatedWith(TestFactory.class)) {
            inCode.add(test.getSimpleName() + "." + method.getName());
          }
        }
      }
    }
    Matcher named =
        Pattern.compile("`((?:[A-Za-z]*ArchitectureTest|PackageTableTest)\\.[a-zA-Z]+)`")
            .matcher(markdown());
    Set<String> inDoc = new TreeSet<>();
    while (named.find()) {
      inDoc.add(named.group(1));
    }
    assertThat(inCode).as("architecture tests").isNotEmpty();
    assertThat(inDoc).as("architecture tests named in ARCHITECTURE.md").isEqualTo(inCode);
  }

  /** The check is not vacuous: a row that forbids what the code does fails. */
  @Nested
  class TheCheckCanFail {

    private Row row(String markdown, String pkg) {
      return parse(markdown).stream().filter(r -> r.pkg().equals(pkg)).findFirst().orElseThrow();
    }

    @Test
    void aDependencyTheRowDoesNotListIsCaught() {
      // The label row allows `text`; without it, LabelScheme's use of Texts is a violation.
      String doctored =
          markdown().replaceFirst("(\\| `label` \\|[^\\n]*\\| )`text` \\|", "$1JDK only |");
      EvaluationResult result = row(doctored, "label").rule().evaluate(LIBRARY);
      assertThat(result.getFailureReport().getDetails())
          .isNotEmpty()
          .anyMatch(line -> line.contains("dev.hydra.text.Texts"));
    }

    @Test
    void aLibraryTheRowDoesNotListIsCaught() {
      EvaluationResult result =
          row(markdown(), "label")
              .rule()
              .evaluate(new ClassFileImporter().importClasses(IoArchFixture.class));
      assertThat(result.getFailureReport().getDetails())
          .anyMatch(line -> line.contains("com.fasterxml.jackson.databind.ObjectMapper"));
    }

    @Test
    void aClassListNarrowsThePackage() {
      // image.publish may use `config` (`HydraRelease`, `ImageDefaults`,
      // `InvalidConfigurationException`); without the last it may not use that exception.
      String doctored =
          markdown()
              .replace(
                  "`config` (`HydraRelease`, `ImageDefaults`, `InvalidConfigurationException`)",
                  "`config` (`HydraRelease`, `ImageDefaults`)");
      assertThat(
              row(doctored, "image.publish")
                  .rule()
                  .evaluate(LIBRARY)
                  .getFailureReport()
                  .getDetails())
          .isNotEmpty()
          .anyMatch(line -> line.contains("dev.hydra.config.InvalidConfigurationException"));
      assertThat(row(markdown(), "image.publish").rule().evaluate(LIBRARY).hasViolation())
          .isFalse();
    }

    @Test
    void anExactPackageDoesNotAllowItsSubPackages() {
      String table =
          """
          ## Package hierarchy

          | Package | What | May depend on |
          |---|---|---|
          | `container` | port | `text` |
          | `container.docker` | adapter | `container`, `text` |
          | `text` | text | JDK only |
          | `stage` | stages | `container` |
          """;
      Row stage = row(table, "stage");
      assertThat(stage.rule().evaluate(LIBRARY).getFailureReport().getDetails())
          .noneMatch(line -> line.contains("dev.hydra.container.ContainerRuntime>"))
          .anyMatch(line -> line.contains("dev.hydra.agent"));
    }

    @Test
    void anUnknownNameIsRefused() {
      String table =
          """
          ## Package hierarchy

          | Package | What | May depend on |
          |---|---|---|
          | `text` | text | `txet` |
          """;
      assertThatThrownBy(() -> parse(table))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("`txet` is neither a package of the table");
      String lower =
          """
          ## Package hierarchy

          | Package | What | May depend on |
          |---|---|---|
          | `json` | json | `text` (`json`) |
          | `text` | t | JDK only |
          """;
      assertThatThrownBy(() -> parse(lower))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a class of the package before it");
    }
  }
}
