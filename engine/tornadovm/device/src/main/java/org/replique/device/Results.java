package org.replique.device;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Locale;

/**
 * The device script's results, one JSON document rewritten whole after every change (to a
 * temporary file, then renamed), so that a run cut off at any point leaves a complete file that
 * says how far it got: {@code finished} is false until the end.
 *
 * <p>Layout: {@code schema}, {@code label}, {@code started_at}, {@code finished},
 * {@code elapsed_s}, {@code environment} {…}, {@code steps} [{@code name}, {@code status}
 * (pass, fail, error, skipped), {@code seconds}, details …], {@code summary} {…}.
 */
final class Results {
    static final String SCHEMA = "replique-device-results/1";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .disableHtmlEscaping().create();

    private final Path file;
    private final JsonObject root = new JsonObject();
    private final JsonArray steps = new JsonArray();
    private final JsonObject summary = new JsonObject();
    private final long start = System.nanoTime();

    Results(Path file, String label) {
        this.file = file;
        root.addProperty("schema", SCHEMA);
        root.addProperty("label", label);
        root.addProperty("started_at", Instant.now().toString());
        root.addProperty("finished", false);
        root.add("environment", new JsonObject());
        root.add("steps", steps);
        root.add("summary", summary);
        write();
    }

    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    synchronized void environment(String key, JsonElement value) {
        root.getAsJsonObject("environment").add(key, value);
        write();
    }

    synchronized void environment(String key, String value) {
        root.getAsJsonObject("environment").addProperty(key, value);
        write();
    }

    /** Records a step (its object is kept, not copied: later {@link #update()} calls write its changes). */
    synchronized Step step(String name) {
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.addProperty("status", "running");
        steps.add(o);
        write();
        return new Step(o, System.nanoTime());
    }

    synchronized void summary(String key, JsonElement value) {
        summary.add(key, value);
        write();
    }

    synchronized void summary(String key, String value) {
        summary.addProperty(key, value);
        write();
    }

    synchronized void finish() {
        root.addProperty("finished", true);
        write();
    }

    /** Rewrites the file with what is known now. */
    synchronized void update() {
        write();
    }

    /** Steps recorded so far with {@code status}. */
    synchronized int count(String status) {
        int n = 0;
        for (JsonElement e : steps) {
            if (status.equals(e.getAsJsonObject().get("status").getAsString())) n++;
        }
        return n;
    }

    private void write() {
        root.addProperty("elapsed_s", round(elapsedSeconds(), 1));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, GSON.toJson(root) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return v;
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    /** One step's record: its details, then how it ended. */
    final class Step {
        final JsonObject json;
        private final long started;

        private Step(JsonObject json, long started) {
            this.json = json;
            this.started = started;
        }

        Step put(String key, String value) {
            synchronized (Results.this) {
                json.addProperty(key, value);
            }
            return this;
        }

        Step put(String key, Number value) {
            synchronized (Results.this) {
                json.addProperty(key, value);
            }
            return this;
        }

        Step put(String key, boolean value) {
            synchronized (Results.this) {
                json.addProperty(key, value);
            }
            return this;
        }

        Step put(String key, JsonElement value) {
            synchronized (Results.this) {
                json.add(key, value);
            }
            return this;
        }

        double seconds() {
            return (System.nanoTime() - started) / 1e9;
        }

        /** Ends the step with {@code status} and writes the file. */
        void end(String status) {
            synchronized (Results.this) {
                json.addProperty("status", status);
                json.addProperty("seconds", round(seconds(), 2));
                write();
            }
        }

        void pass(boolean passed) {
            end(passed ? "pass" : "fail");
        }

        void skip(String why) {
            put("reason", why);
            end("skipped");
        }

        void error(Throwable e) {
            put("error", e.toString());
            StackTraceElement[] trace = e.getStackTrace();
            JsonArray where = new JsonArray();
            for (int i = 0; i < Math.min(8, trace.length); i++) where.add(trace[i].toString());
            put("at", where);
            if (e.getCause() != null) put("cause", e.getCause().toString());
            end("error");
        }
    }
}
