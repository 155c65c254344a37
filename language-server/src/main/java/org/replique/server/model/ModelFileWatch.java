package org.replique.server.model;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Watches the files a loaded model maps (a GGUF file, or a folder's safetensors shards) for what
 * happens to them on disk while the server runs. Each file is held open, so that the file the
 * mapping reads can be asked for its size even after its name was removed or given to another file:
 *
 * <ul>
 *   <li>{@link Change#CHANGED_IN_PLACE}: the mapped file itself was truncated or rewritten (its size,
 *       or the modification time under its name, changed). Reading it may fault, or give other
 *       weights: the model must not be used any more.
 *   <li>{@link Change#REPLACED}: the name now leads to another file (a rename over it, a new
 *       download). The mapping still reads the old file, intact: the model may serve until the new
 *       one is loaded.
 *   <li>{@link Change#GONE}: the name leads nowhere. The mapping still reads the old file, intact.
 * </ul>
 *
 * A {@link #snapshot} of the name's state tells when a file that changed has been stable long
 * enough to be loaded again.
 */
public final class ModelFileWatch implements AutoCloseable {

    /** What happened to the model's files since it was loaded, from harmless to unsafe. */
    public enum Change { NONE, GONE, REPLACED, CHANGED_IN_PLACE }

    /** One file as it was when the model was loaded, held open. */
    private record Watched(Path path, Object key, long size, long modified, FileChannel channel) {}

    /** The state of the files under their names: equal snapshots mean nothing moved in between. */
    public record Snapshot(List<String> states) {}

    private final Path model;
    private final List<Watched> files;

    private ModelFileWatch(Path model, List<Watched> files) {
        this.model = model;
        this.files = files;
    }

    /** Starts watching the files the model at {@code model} (a file or a Hugging Face folder) maps. */
    public static ModelFileWatch of(Path model) throws IOException {
        List<Watched> files = new ArrayList<>();
        try {
            for (Path p : mappedFiles(model)) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                FileChannel channel = FileChannel.open(p, StandardOpenOption.READ);
                files.add(new Watched(p, a.fileKey(), a.size(), a.lastModifiedTime().toMillis(), channel));
            }
        } catch (IOException | RuntimeException e) {
            for (Watched w : files) w.channel.close();
            throw e;
        }
        return new ModelFileWatch(model, List.copyOf(files));
    }

    /** The model path watched (a file or a folder). */
    public Path model() {
        return model;
    }

    /** What happened since the model was loaded; the worst change of its files. */
    public Change check() {
        Change worst = Change.NONE;
        for (Watched w : files) {
            Change c = check(w);
            if (c.compareTo(worst) > 0) worst = c;
        }
        return worst;
    }

    private static Change check(Watched w) {
        try {
            if (w.channel.size() != w.size) return Change.CHANGED_IN_PLACE;
        } catch (IOException e) {
            return Change.CHANGED_IN_PLACE;
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(w.path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Change.GONE;
        } catch (IOException e) {
            return Change.GONE;
        }
        if (w.key != null && !Objects.equals(a.fileKey(), w.key)) return Change.REPLACED;
        if (a.lastModifiedTime().toMillis() != w.modified) {
            return w.key != null ? Change.CHANGED_IN_PLACE : Change.REPLACED;
        }
        return Change.NONE;
    }

    /** The state of the model's path now: which files it has, their identity, size and time. */
    public static Snapshot snapshot(Path model) {
        List<String> states = new ArrayList<>();
        try {
            for (Path p : mappedFiles(model)) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                states.add(p + " " + a.fileKey() + " " + a.size() + " " + a.lastModifiedTime().toMillis());
            }
        } catch (IOException | RuntimeException e) {
            states.add("unreadable: " + e);
        }
        return new Snapshot(List.copyOf(states));
    }

    /** Whether the model's path leads to something that could be loaded (a file, or a folder with shards). */
    public static boolean present(Path model) {
        try {
            return !mappedFiles(model).isEmpty();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The file itself, or the {@code *.safetensors} files of a folder. */
    private static List<Path> mappedFiles(Path model) throws IOException {
        if (Files.isDirectory(model)) {
            try (Stream<Path> files = Files.list(model)) {
                return files.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            }
        }
        if (!Files.exists(model)) throw new NoSuchFileException(model.toString());
        return List.of(model);
    }

    @Override
    public void close() {
        for (Watched w : files) {
            try {
                w.channel.close();
            } catch (IOException ignored) {
                // nothing to release
            }
        }
    }
}
