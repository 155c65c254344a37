package org.replique.intellij;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The zip users download: one folder, {@code replique/}, that LSP4IJ's "Import template..." takes
 * as it is (the folder holds template.json and its companions, plus the guide LSP4IJ shows behind
 * the dialog's help button), with the very files the tests checked.
 */
class TemplateZipIT {

    @Test
    void holdsOneTemplateFolderWithTheTestedFilesAndTheGuide() throws Exception {
        Path zip = Path.of(System.getProperty("replique.templateZip"));
        assertThat(zip.getFileName().toString()).matches("replique-lsp4ij-template-.+\\.zip");
        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<String> files = new ArrayList<>();
            z.stream().filter(e -> !e.isDirectory()).forEach(e -> files.add(e.getName()));
            List<String> expected = new ArrayList<>(TemplateFolder.FILES.stream().map(f -> "replique/" + f).toList());
            expected.add("replique/README.md");
            assertThat(files).containsExactlyInAnyOrderElementsOf(expected);

            for (String file : TemplateFolder.FILES) {
                ZipEntry entry = z.getEntry("replique/" + file);
                String zipped = new String(z.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
                assertThat(zipped).as(file).isEqualTo(TemplateFolder.text(file));
            }
            String guide = new String(z.getInputStream(z.getEntry("replique/README.md")).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(guide).contains("LSP4IJ").contains(".lsp4ij/lsp/replique");
        }
    }
}
