package dev.hydra.forge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The forge port's boundaries (STYLE points 3, 4 and 21): each client library stays inside its
 * adapter, and the port speaks only Hydra's types.
 */
class ForgeArchitectureTest {

  private static final JavaClasses HYDRA =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.hydra");

  @Test
  void onlyTheGitHubAdapterUsesGithubApi() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.hydra.forge.github..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.kohsuke..")
        .because("github-api's active-record types stay inside the GitHub adapter")
        .check(HYDRA);
  }

  @Test
  void onlyTheForgejoAdapterUsesTheGeneratedClient() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.hydra.forge.forgejo..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.hydra.forge.forgejo.client..")
        .because("generated Forgejo models stay inside the Forgejo adapter")
        .check(HYDRA);
  }

  @Test
  void thePortPackageImportsNoAdapter() {
    noClasses()
        .that()
        .resideInAPackage("dev.hydra.forge")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.hydra.forge.github..",
            "dev.hydra.forge.forgejo..",
            "dev.hydra.forge.local..",
            "dev.hydra.forge.transport..",
            "dev.hydra.forges..")
        .because(
            "the port knows no adapter; dev.hydra.forges.Forges is the one place that opens one")
        .check(HYDRA);
  }

  @Test
  void onlyTheAdaptersUseTheTransport() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.hydra.forge.transport..", "dev.hydra.forge.github..", "dev.hydra.forge.forgejo..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.hydra.forge.transport..")
        .because("the transport holds tokens; callers use the Forge port")
        .check(HYDRA);
  }

  @Test
  void clientsAreBuiltFromExplicitSettings() {
    noClasses()
        .should()
        .callMethodWhere(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "GitHubBuilder.fromEnvironment",
                call ->
                    call.getTargetOwner().getFullName().equals("org.kohsuke.github.GitHubBuilder")
                        && call.getName().equals("fromEnvironment")))
        .because("on a runner it would take every GITHUB_* variable (STYLE point 9)")
        .check(HYDRA);
    noClasses()
        .that()
        .resideInAPackage("dev.hydra.forge..")
        .should()
        .callMethod(System.class, "getenv", String.class)
        .orShould()
        .callMethod(System.class, "getenv")
        .because("the environment is read once, at the edge, and passed in as a map")
        .check(HYDRA);
  }

  @Test
  void thePortSpeaksOnlyHydrasTypes() {
    methods()
        .that()
        .areDeclaredIn(Forge.class)
        .should()
        .haveRawReturnType(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "a JDK or dev.hydra.forge type",
                type ->
                    type.isPrimitive()
                        || type.getPackageName().startsWith("java.")
                        || type.getPackageName().equals("dev.hydra.forge")))
        .andShould()
        .haveRawParameterTypes(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "JDK or dev.hydra.forge types",
                (java.util.List<com.tngtech.archunit.core.domain.JavaClass> types) ->
                    types.stream()
                        .allMatch(
                            type ->
                                type.isPrimitive()
                                    || type.getPackageName().startsWith("java.")
                                    || type.getPackageName().equals("dev.hydra.forge"))))
        .check(HYDRA);
  }
}
