package org.replique.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The engine is a runtime: model loading, tokenizer, backends, sampling, generation, sessions.
 * Nothing in it knows about documents, the language server or command lines, and its packages
 * depend on each other in one direction only.
 */
class ArchitectureTest {
    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.replique.engine");

    @Test
    void theEngineImportsClasses() {
        // A rule over no classes would pass vacuously.
        assertThat(ENGINE.contain("org.replique.engine.generate.Generator")).isTrue();
    }

    @Test
    void noEngineClassDependsOnTheApplication() {
        noClasses().that().resideInAPackage("org.replique.engine..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.replique.dialogue..", "org.replique.server..",
                        "picocli..", "com.google.gson..", "org.eclipse.lsp4j..", "com.google.inject..")
                .because("the engine is the runtime the application is built on, not an application")
                .check(ENGINE);
    }

    @Test
    void theEnginesPackagesFormNoCycle() {
        slices().matching("org.replique.(**)").should().beFreeOfCycles().check(ENGINE);
    }
}
