package org.replique.server.hf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.fuzz.FuzzSeeds;
import org.replique.fixtures.gguf.GgufWriter.TensorType;
import org.replique.fixtures.hf.HfFolderExporter;

/**
 * The Hugging Face folders the fuzz targets start from: a tiny model in two shards with an index
 * and a {@code tokenizer.json}, and stories260K in one file; their files are the seeds, and the
 * tiny one's files stand beside the one file a target mutates.
 */
final class HfFuzzFolder {
    static final Path TINY = export("tiny", 2, FuzzSeeds.tinyGguf(TensorType.F32, 8), null);
    static final Path STORIES = export("stories", 1, FuzzSeeds.bytes("models/stories260K-f32.gguf"),
            Fixtures.file("models/stories260K.tokenizer.model"));

    private HfFuzzFolder() {}

    private static Path export(String name, int shards, byte[] gguf, Path sentencePiece) {
        try {
            Path dir = FuzzSeeds.scratchFolder();
            Path file = dir.resolve(name + ".gguf");
            Files.write(file, gguf);
            Path folder = dir.resolve(name);
            HfFolderExporter.export(file, folder, new HfFolderExporter.Options("F32", shards, sentencePiece, true));
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of one of the folders, as text. */
    static String text(Path folder, String name) {
        try {
            return Files.readString(folder.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shard files of a folder, as bytes. */
    static Stream<byte[]> shards(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".safetensors")).sorted().map(p -> {
                try {
                    return Files.readAllBytes(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A fresh copy of the tiny folder, with {@code name} left out, for a target to write its own
     * version of that file into.
     */
    static Path copyWithout(String name) {
        try {
            Path copy = FuzzSeeds.scratchFolder();
            try (Stream<Path> files = Files.list(TINY)) {
                for (Path p : files.toList()) {
                    if (!p.getFileName().toString().equals(name)) Files.copy(p, copy.resolve(p.getFileName()));
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        FuzzSeeds.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
