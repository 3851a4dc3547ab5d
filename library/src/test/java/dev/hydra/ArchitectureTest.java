package dev.hydra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.hydra.event.EventExamples;
import dev.hydra.event.EventFiles;
import dev.hydra.input.StageInputs;
import dev.hydra.label.IoArchFixture;
import dev.hydra.route.JacksonArchFixture;
import dev.hydra.stage.DockerArchFixture;
import dev.hydra.stage.StageRunner;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.RandomAccessFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The library's architecture (STYLE.md point 21), checked on the production classes.
 *
 * <p>Jackson: the intended design is that {@code dev.hydra.json.Json} is the only place Jackson is
 * <em>configured</em> (duplicate keys, depth bound, escapes), while the event parser and the route
 * output <em>use</em> the instances it hands out. So the rules are: the pure value and rule
 * packages ({@code label}, {@code config}, {@code text}, the {@code forge} port, {@code container})
 * never touch Jackson, and outside {@code json} nothing constructs, builds, reconfigures or
 * bypasses ({@code JSON.std}) a Jackson object.
 */
class ArchitectureTest {

  static final JavaClasses LIBRARY =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // The Forgejo client is generated from the subset spec, not written by us.
          .withImportOption(location -> !location.contains("dev/hydra/forge/forgejo/client/"))
          .importPackages("dev.hydra");

  static final String[] PURE = {
    "dev.hydra.label..",
    "dev.hydra.event..",
    "dev.hydra.route..",
    "dev.hydra.text..",
    "dev.hydra.input..",
    "dev.hydra.image" // ImageRef; image.publish drives docker build and may do I/O
  };

  static final ArchRule NO_CYCLES =
      slices()
          .matching("dev.hydra.(*)..")
          .should()
          .beFreeOfCycles()
          .because("packages depend on each other in one direction only");

  static final ArchRule PURE_PACKAGES_DO_NO_IO =
      noClasses()
          .that()
          .resideInAnyPackage(PURE)
          .and(outside(EventFiles.class, EventExamples.class, StageInputs.class))
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.nio.file..", "java.nio.channels..", "java.net..")
          .orShould()
          .dependOnClassesThat()
          .belongToAnyOf(
              File.class,
              FileInputStream.class,
              FileOutputStream.class,
              FileReader.class,
              FileWriter.class,
              RandomAccessFile.class,
              ProcessBuilder.class,
              Process.class,
              Runtime.class)
          .orShould()
          .callMethod(Class.class, "getResourceAsStream", String.class)
          .orShould()
          .callMethod(Class.class, "getResource", String.class)
          .because(
              "labels, events, routing, text and image references are pure; only EventFiles and"
                  + " EventExamples read files and resources, and StageInputs writes the input"
                  + " folder");

  static final ArchRule NO_GETENV =
      noClasses()
          .that()
          .resideInAPackage("dev.hydra..")
          .should()
          .callMethod(System.class, "getenv")
          .orShould()
          .callMethod(System.class, "getenv", String.class)
          .because("the environment is read once, in the CLI, and passed to Settings as a map");

  static final ArchRule NO_EXIT =
      noClasses()
          .that()
          .resideInAPackage("dev.hydra..")
          .should()
          .callMethod(System.class, "exit", int.class)
          .orShould()
          .callMethod(Runtime.class, "exit", int.class)
          .orShould()
          .callMethod(Runtime.class, "halt", int.class)
          .because("the library reports problems with exceptions; only the CLI picks exit codes");

  static final ArchRule NO_CLI =
      noClasses()
          .that()
          .resideInAPackage("dev.hydra..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.commons.cli..", "picocli..", "dev.hydra.cli..")
          .because("the library is called by the CLI, never the other way round");

  // Packages that read or write JSON (payloads, verdicts, stream-json, state files, forge wire
  // formats in the adapters) may use Jackson; the pure value and rule packages may not.
  static final ArchRule JACKSON_ONLY_WHERE_JSON_IS_READ_OR_WRITTEN =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.hydra.label..",
              "dev.hydra.config..",
              "dev.hydra.text..",
              "dev.hydra.input..",
              "dev.hydra.forge",
              "dev.hydra.container..",
              "dev.hydra.image..",
              "dev.hydra.stage..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.fasterxml.jackson..")
          .because(
              "labels, config, forge values, text, containers, images and the stage runner know"
                  + " nothing of JSON (the verdict and stream-json are read in their own packages)");

  static final ArchRule COMMONS_EXEC_ONLY_IN_THE_DOCKER_ADAPTER =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.hydra.container.docker..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.apache.commons.exec..")
          .because("processes are started only behind the CommandRunner seam (STYLE.md point 7)");

  static final ArchRule STAGES_USE_THE_CONTAINER_PORT =
      noClasses()
          .that()
          .resideInAPackage("dev.hydra.stage..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.hydra.container.docker..", "org.apache.commons.exec..")
          .orShould()
          .dependOnClassesThat()
          .belongToAnyOf(ProcessBuilder.class, Process.class)
          .because(
              "a stage runs its container through the ContainerRuntime port, so the same runner"
                  + " works on Docker and Kubernetes and is tested with a fake runtime");

  static final ArchRule PIPELINE_RUNS_STAGES_THROUGH_ITS_PORT =
      noClasses()
          .that()
          .resideInAPackage("dev.hydra.pipeline..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.hydra.container..",
              "dev.hydra.forge.github..",
              "dev.hydra.forge.forgejo..",
              "dev.hydra.forge.transport..",
              "org.apache.commons.exec..")
          .orShould()
          .dependOnClassesThat()
          .belongToAnyOf(ProcessBuilder.class, Process.class)
          .because(
              "the pipeline runs stages only through the StageExecutor port and talks to forges"
                  + " only through the Forge port (the local forge's compare-and-set excepted), so"
                  + " it is tested with a scripted executor on the local forge");

  static final ArchRule JACKSON_CONFIGURED_ONLY_IN_JSON =
      noClasses()
          .that()
          .resideInAPackage("dev.hydra..")
          .and()
          .resideOutsideOfPackage("dev.hydra.json..")
          .should()
          .callConstructorWhere(targetIn("com.fasterxml.jackson."))
          .orShould()
          .callMethodWhere(configuresJackson())
          .orShould()
          .accessField(JSON.class, "std")
          .because(
              "dev.hydra.json.Json is the one place Jackson is configured (duplicate keys,"
                  + " nesting bound, escapes); everything else uses Json.lite() or Json.mapper()");

  @Test
  void noCyclesBetweenPackages() {
    NO_CYCLES.check(LIBRARY);
  }

  @Test
  void pureCodeDoesNoIo() {
    PURE_PACKAGES_DO_NO_IO.check(LIBRARY);
  }

  @Test
  void nothingReadsTheEnvironment() {
    NO_GETENV.check(LIBRARY);
  }

  @Test
  void nothingExits() {
    NO_EXIT.check(LIBRARY);
  }

  @Test
  void libraryNeverDependsOnTheCommandLine() {
    NO_CLI.check(LIBRARY);
  }

  @Test
  void commonsExecOnlyInTheDockerAdapter() {
    COMMONS_EXEC_ONLY_IN_THE_DOCKER_ADAPTER.check(LIBRARY);
  }

  @Test
  void stagesUseTheContainerPort() {
    STAGES_USE_THE_CONTAINER_PORT.check(LIBRARY);
  }

  @Test
  void jacksonOnlyWhereJsonIsReadOrWritten() {
    JACKSON_ONLY_WHERE_JSON_IS_READ_OR_WRITTEN.check(LIBRARY);
  }

  @Test
  void pipelineRunsStagesThroughItsPort() {
    PIPELINE_RUNS_STAGES_THROUGH_ITS_PORT.check(LIBRARY);
  }

  @Test
  void jacksonIsConfiguredOnlyInTheJsonFacade() {
    JACKSON_CONFIGURED_ONLY_IN_JSON.check(LIBRARY);
  }

  @Test
  void theRulesSeeTheWholeLibrary() {
    assertThat(LIBRARY.stream().map(JavaClass::getPackageName).distinct())
        .contains(
            "dev.hydra.config",
            "dev.hydra.event",
            "dev.hydra.forge",
            "dev.hydra.image",
            "dev.hydra.json",
            "dev.hydra.label",
            "dev.hydra.pipeline",
            "dev.hydra.route",
            "dev.hydra.stage",
            "dev.hydra.text");
    assertThat(LIBRARY.contain(IoArchFixture.class)).as("test classes are not imported").isFalse();
  }

  /** The rules are not vacuous: classes that break them are caught. */
  @Nested
  class RulesCanFail {

    final JavaClasses fixtures =
        new ClassFileImporter().importClasses(IoArchFixture.class, JacksonArchFixture.class);

    @Test
    void io() {
      EvaluationResult result = PURE_PACKAGES_DO_NO_IO.evaluate(fixtures);

      assertThat(result.hasViolation()).isTrue();
      assertThat(result.getFailureReport().getDetails())
          .anyMatch(line -> line.contains("java.nio.file.Files"))
          .anyMatch(line -> line.contains("java.io.File"))
          .anyMatch(line -> line.contains("ProcessBuilder"))
          .anyMatch(line -> line.contains("getResourceAsStream"));
    }

    @Test
    void aStageReachingForDocker() {
      EvaluationResult result =
          STAGES_USE_THE_CONTAINER_PORT.evaluate(
              new ClassFileImporter().importClasses(DockerArchFixture.class, StageRunner.class));

      assertThat(result.getFailureReport().getDetails())
          .isNotEmpty()
          .allMatch(line -> line.contains("DockerArchFixture"))
          .anyMatch(line -> line.contains("DockerCliRuntime"));
    }

    @Test
    void getenvAndExit() {
      assertThat(NO_GETENV.evaluate(fixtures).hasViolation()).isTrue();
      assertThat(NO_EXIT.evaluate(fixtures).hasViolation()).isTrue();
    }

    @Test
    void jacksonOutsideItsPackages() {
      EvaluationResult result = JACKSON_ONLY_WHERE_JSON_IS_READ_OR_WRITTEN.evaluate(fixtures);

      assertThat(result.hasViolation()).isTrue();
      assertThat(result.getFailureReport().getDetails())
          .allMatch(line -> line.contains("IoArchFixture"));
    }

    @Test
    void jacksonConfiguredOutsideJson() {
      EvaluationResult result = JACKSON_CONFIGURED_ONLY_IN_JSON.evaluate(fixtures);

      assertThat(result.getFailureReport().getDetails())
          .anyMatch(line -> line.contains("ObjectMapper.<init>"))
          .anyMatch(line -> line.contains("JSON.std"))
          .anyMatch(line -> line.contains("configure"))
          .anyMatch(line -> line.contains("JsonMapper.builder"))
          .noneMatch(line -> line.contains("readTree"));
    }

    @Test
    void noFalsePositives() {
      JavaClasses withExceptions =
          new ClassFileImporter()
              .importClasses(
                  IoArchFixture.class,
                  EventFiles.class,
                  EventExamples.class,
                  EventExamples.Example.class);

      assertThat(PURE_PACKAGES_DO_NO_IO.evaluate(withExceptions).getFailureReport().getDetails())
          .as("EventFiles and EventExamples are the allowed exceptions")
          .isNotEmpty()
          .allMatch(line -> line.contains("IoArchFixture"));
      assertThat(NO_CLI.evaluate(fixtures).hasViolation()).isFalse();
    }
  }

  private static DescribedPredicate<JavaClass> outside(Class<?>... allowed) {
    return DescribedPredicate.describe(
        "are not EventFiles or EventExamples (or nested in them)",
        javaClass -> {
          for (Class<?> type : allowed) {
            String name = javaClass.getName();
            if (name.equals(type.getName()) || name.startsWith(type.getName() + "$")) {
              return false;
            }
          }
          return true;
        });
  }

  private static final String TYPE_REFERENCE = "com.fasterxml.jackson.core.type.TypeReference";

  private static DescribedPredicate<JavaAccess<?>> targetIn(String packagePrefix) {
    return DescribedPredicate.describe(
        "target a class in " + packagePrefix,
        access ->
            access.getTargetOwner().getPackageName().startsWith(packagePrefix)
                // A TypeReference subclass is a type token for reading, not configuration.
                && !access.getTargetOwner().getName().equals(TYPE_REFERENCE));
  }

  private static final Pattern CONFIGURE =
      Pattern.compile(
          "builder|rebuild|copy|with|without|configure|enable|disable|set[A-Z].*"
              + "|register.*|findAndRegisterModules|characterEscapes|streamReadConstraints");

  private static DescribedPredicate<JavaAccess<?>> configuresJackson() {
    return DescribedPredicate.describe(
        "build or reconfigure a Jackson object",
        access ->
            access.getTargetOwner().getPackageName().startsWith("com.fasterxml.jackson")
                && CONFIGURE.matcher(access.getName()).matches());
  }
}
