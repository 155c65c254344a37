package org.replique.device;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers what a device run wrote into one JSON file: the system's description, TornadoVM's device
 * lists, and the results of the check on each backend ({@link Results} files), with a summary per
 * backend. A results file that cannot be read is recorded as such, not dropped.
 *
 * <p>{@code MergeResults --out FILE [--system FILE] [--devices LABEL=FILE]... RESULTS.json...}
 */
public final class MergeResults {
    static final String SCHEMA = "replique-device-run/1";

    private MergeResults() {}

    public static void main(String[] args) throws IOException {
        Path out = null;
        Path system = null;
        JsonObject devices = new JsonObject();
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--system" -> system = Path.of(args[++i]);
                case "--devices" -> {
                    String[] labelFile = args[++i].split("=", 2);
                    devices.addProperty(labelFile[0], read(Path.of(labelFile[1])));
                }
                default -> inputs.add(Path.of(args[i]));
            }
        }
        if (out == null) throw new IllegalArgumentException("--out FILE is required");
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
                .serializeSpecialFloatingPointValues().create().toJson(merge(system, devices, inputs)) + "\n",
                StandardCharsets.UTF_8);
    }

    static JsonObject merge(Path system, JsonObject devices, List<Path> inputs) {
        JsonObject root = new JsonObject();
        root.addProperty("schema", SCHEMA);
        if (system != null) root.addProperty("system", read(system));
        root.add("devices", devices);
        JsonArray runs = new JsonArray();
        JsonObject summary = new JsonObject();
        for (Path input : inputs) {
            JsonObject run;
            try {
                JsonElement e = JsonParser.parseString(Files.readString(input, StandardCharsets.UTF_8));
                run = e.getAsJsonObject();
            } catch (IOException | RuntimeException e) {
                run = new JsonObject();
                run.addProperty("file", input.toString());
                run.addProperty("unreadable", e.toString());
            }
            runs.add(run);
            String label = run.has("label") ? run.get("label").getAsString() : input.getFileName().toString();
            JsonObject s = run.has("summary") ? run.getAsJsonObject("summary").deepCopy() : new JsonObject();
            s.add("finished", run.has("finished") ? run.get("finished") : null);
            summary.add(label, s);
        }
        root.add("runs", runs);
        root.add("summary", summary);
        return root;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }
}
