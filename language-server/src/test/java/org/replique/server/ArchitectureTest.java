package org.replique.server;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The server's packages depend on each other downwards only: {@code cli} and {@code inject} on
 * top, then {@code lsp}, then the request services ({@code commands}, {@code completion}), then
 * what they share ({@code context}, {@code client}, {@code model}, {@code documents},
 * {@code config}). The benchmarks use the engine and the documents, never the server.
 */
class ArchitectureTest {
    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.replique.server");

    @Test
    void theServerImportsClasses() {
        assertThat(SERVER.contain("org.replique.server.lsp.RepliqueLanguageServer")).isTrue();
    }

    @Test
    void theServersPackagesFormNoCycle() {
        slices().matching("org.replique.(**)").should().beFreeOfCycles().check(SERVER);
    }

    @Test
    void onlyTheCommandLineAndTheWiringUseTheProtocolLayer() {
        noClasses().that().resideOutsideOfPackages("org.replique.server.lsp..", "org.replique.server.cli..",
                        "org.replique.server.inject..")
                .should().dependOnClassesThat().resideInAPackage("org.replique.server.lsp..")
                .check(SERVER);
    }

    @Test
    void suggestionsKnowTheSeamButNotWhereTheirTextComesFrom() {
        noClasses().that().resideInAnyPackage("org.replique.server.completion..", "org.replique.server.commands..")
                .should().dependOnClassesThat().resideInAnyPackage("org.replique.server.remote..",
                        "org.replique.server.http..", "org.replique.server.openai..")
                .check(SERVER);
    }

    @Test
    void theHttpServerAndTheRemoteClientShareOnlyTheWireFormat() {
        noClasses().that().resideInAPackage("org.replique.server.http..")
                .should().dependOnClassesThat().resideInAnyPackage("org.replique.server.remote..",
                        "org.replique.server.lsp..", "org.replique.server.completion..")
                .check(SERVER);
        noClasses().that().resideInAPackage("org.replique.server.remote..")
                .should().dependOnClassesThat().resideInAnyPackage("org.replique.server.http..",
                        "org.replique.server.model..", "org.replique.server.lsp..")
                .check(SERVER);
    }

    @Test
    void theBenchmarksMeasureTheRuntimeWithoutTheServer() {
        noClasses().that().resideInAPackage("org.replique.server.bench..")
                .should().dependOnClassesThat(resideInAPackage("org.replique.server..")
                        .and(resideOutsideOfPackage("org.replique.server.bench..")))
                .orShould().dependOnClassesThat().resideInAnyPackage("org.eclipse.lsp4j..", "picocli..")
                .check(SERVER);
    }
}
