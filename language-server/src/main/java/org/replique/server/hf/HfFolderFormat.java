package org.replique.server.hf;

import java.nio.file.Files;
import java.nio.file.Path;
import org.replique.engine.model.ModelFile;
import org.replique.engine.model.ModelFormat;
import org.replique.engine.tokenizer.Vocabulary;

/** Hugging Face model folders for the engine's {@code ModelFile.open}: any directory is read as one. */
public final class HfFolderFormat implements ModelFormat {

    @Override
    public boolean reads(Path path) {
        return Files.isDirectory(path);
    }

    @Override
    public ModelFile open(Path path) {
        return HfFolder.open(path);
    }

    @Override
    public Vocabulary vocabulary(Path path) {
        return HfFolder.readVocabulary(path);
    }
}
