package org.replique.dialogue;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Documents know nothing of the protocol or the engine, and their packages form no cycle. */
class ArchitectureTest {
    private static final JavaClasses DIALOGUE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.replique.dialogue");

    @Test
    void theDialogueModuleImportsClasses() {
        assertThat(DIALOGUE.contain("org.replique.dialogue.prompt.PromptBuilder")).isTrue();
    }

    @Test
    void noDialogueClassDependsOnTheEngineOrTheProtocol() {
        noClasses().that().resideInAPackage("org.replique.dialogue..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.replique.engine..", "org.replique.server..", "org.eclipse.lsp4j..", "com.google.inject..")
                .because("token counting is passed in as a function; the server is where documents meet the model")
                .check(DIALOGUE);
    }

    @Test
    void theDialoguePackagesFormNoCycle() {
        slices().matching("org.replique.(**)").should().beFreeOfCycles().check(DIALOGUE);
    }
}
