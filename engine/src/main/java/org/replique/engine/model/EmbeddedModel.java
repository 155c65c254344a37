package org.replique.engine.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The demo model shipped inside the jar ({@code replique-mini-fr}, Q8_0, CC BY-NC-SA 4.0). A
 * model is memory-mapped, so the resource is copied once to a cache folder, under a name that
 * carries its digest, and used from there.
 */
public final class EmbeddedModel {
    public static final String NAME = "replique-mini-fr-q8_0.gguf";
    private static final String RESOURCE = "/org/replique/engine/models/" + NAME;

    private EmbeddedModel() {}

    /** The file of the embedded model, extracting it on first use. */
    public static synchronized Path path() {
        byte[] bytes;
        try (InputStream in = EmbeddedModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the embedded model " + NAME + " is missing from this build");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded model", e);
        }
        String digest = sha256(bytes).substring(0, 16);
        Path dir = cacheDir().resolve("models");
        Path target = dir.resolve(NAME.replace(".gguf", "-" + digest + ".gguf"));
        if (Files.isRegularFile(target)) {
            try {
                if (Files.size(target) == bytes.length) return target;
            } catch (IOException ignored) {
                // fall through and rewrite it
            }
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "extract", ".part");
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the embedded model to " + dir, e);
        }
    }

    /** {@code $REPLIQUE_CACHE}, else {@code $XDG_CACHE_HOME/replique}, else {@code ~/.cache/replique}. */
    public static Path cacheDir() {
        String explicit = System.getenv("REPLIQUE_CACHE");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "replique");
        return Path.of(System.getProperty("user.home"), ".cache", "replique");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
