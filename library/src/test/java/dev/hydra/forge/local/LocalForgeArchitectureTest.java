package dev.hydra.forge.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The {@code forge.local} row of ARCHITECTURE.md's package table, kept here rather than in the
 * shared {@code ArchitectureTest} so that the rule sits beside the package it is about.
 */
class LocalForgeArchitectureTest {

  static final JavaClasses LIBRARY =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.hydra");

  @Test
  void dependsOnlyOnWhatItsRowAllows() {
    classes()
        .that()
        .resideInAPackage("dev.hydra.forge.local..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "dev.hydra.forge",
            "dev.hydra.forge.local..",
            "dev.hydra.label..",
            "dev.hydra.credentials..",
            "dev.hydra.json..",
            "dev.hydra.text..",
            "java..",
            "com.fasterxml.jackson..",
            "org.slf4j..",
            "org.jspecify..")
        .because("the local forge is an adapter of the forge port on files, nothing more")
        .check(LIBRARY);
  }

  @Test
  void itsFileFormatStaysInside() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.hydra.forge.local..")
        .should()
        .dependOnClassesThat()
        .belongToAnyOf(LocalFiles.class, LocalStore.class)
        .because("the JSON DTOs and file handling are the local forge's own (STYLE point 12)")
        .check(LIBRARY);
  }
}
