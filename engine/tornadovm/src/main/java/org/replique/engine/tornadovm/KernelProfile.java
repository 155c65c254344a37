package org.replique.engine.tornadovm;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.replique.engine.backend.Profiling;

/**
 * The times TornadoVM's profiler recorded for the plan's executions, summed per kernel (the tasks
 * {@code qkv0 … qkv31} are the kernel {@code qkv}) and per graph-level timer.
 *
 * <p>With the profiler on, each execution of a task graph appends one JSON object to that graph's
 * log: the graph's timers ({@code TOTAL_TASK_GRAPH_TIME}, the host's time for the whole execution;
 * {@code TOTAL_KERNEL_TIME}; {@code COPY_IN_TIME}; dispatch times …) and, per task, its
 * {@code TASK_KERNEL_TIME} on the device, all in nanoseconds. The log only grows, so the objects
 * already counted are skipped.
 */
final class KernelProfile {
    private static final String KERNEL_TIME = "TASK_KERNEL_TIME";

    private final Map<String, long[]> kernels = new TreeMap<>();
    private final Map<String, long[]> totals = new TreeMap<>();
    private final Map<Integer, Integer> seen = new TreeMap<>();
    private int passes;

    void reset() {
        kernels.clear();
        totals.clear();
        passes = 0;
        // Objects logged before now stay skipped: seen counts are kept.
    }

    /** Adds the objects of {@code log} (graph {@code graph}'s whole log) not added before. */
    void add(int graph, String log) {
        List<JsonObject> objects = parse(log);
        int from = seen.getOrDefault(graph, 0);
        for (int i = from; i < objects.size(); i++) {
            for (Map.Entry<String, JsonElement> g : objects.get(i).entrySet()) {
                if (g.getValue().isJsonObject()) addGraph(g.getKey(), g.getValue().getAsJsonObject());
            }
            passes++;
        }
        seen.put(graph, objects.size());
    }

    private void addGraph(String graph, JsonObject timers) {
        for (Map.Entry<String, JsonElement> e : timers.entrySet()) {
            if (e.getValue().isJsonObject()) {
                JsonElement time = e.getValue().getAsJsonObject().get(KERNEL_TIME);
                if (time != null) addTo(kernels, kernelName(e.getKey()), number(time));
            } else if (e.getKey().endsWith("_TIME")) {
                addTo(totals, e.getKey(), number(e.getValue()));
            }
        }
    }

    /** {@code layers.qkv7} → {@code qkv}; {@code logits.output} → {@code output}. */
    static String kernelName(String task) {
        String name = task.substring(task.lastIndexOf('.') + 1);
        int end = name.length();
        while (end > 0 && Character.isDigit(name.charAt(end - 1))) end--;
        return name.substring(0, end);
    }

    private static long number(JsonElement e) {
        try {
            return Long.parseLong(e.getAsString().trim());
        } catch (NumberFormatException | UnsupportedOperationException ex) {
            return 0;
        }
    }

    private static void addTo(Map<String, long[]> map, String key, long nanos) {
        long[] v = map.computeIfAbsent(key, k -> new long[2]);
        v[0]++;
        v[1] += nanos;
    }

    /** The concatenated JSON objects of a log, in order. */
    static List<JsonObject> parse(String log) {
        List<JsonObject> out = new ArrayList<>();
        if (log == null || log.isBlank()) return out;
        try (JsonReader reader = new JsonReader(new StringReader(log))) {
            reader.setStrictness(Strictness.LENIENT);
            while (reader.peek() != JsonToken.END_DOCUMENT) {
                JsonElement e = JsonParser.parseReader(reader);
                if (e.isJsonObject()) out.add(e.getAsJsonObject());
            }
        } catch (IOException | RuntimeException e) {
            // A truncated last object: keep what parsed.
        }
        return out;
    }

    /** Nanoseconds recorded for a graph-level timer, e.g. {@code TOTAL_GRAAL_COMPILE_TIME}; 0 when absent. */
    long total(String timer) {
        long[] v = totals.get(timer);
        return v == null ? 0 : v[1];
    }

    /** Executions of task graphs recorded. */
    int graphExecutions() {
        return passes;
    }

    /** Kernels by total time, then the totals. */
    Profiling.Profile toProfile() {
        List<Profiling.Step> k = new ArrayList<>();
        kernels.forEach((name, v) -> k.add(new Profiling.Step(name, v[0], v[1])));
        k.sort(Comparator.comparingLong(Profiling.Step::nanos).reversed());
        List<Profiling.Step> t = new ArrayList<>();
        totals.forEach((name, v) -> t.add(new Profiling.Step(name, v[0], v[1])));
        return new Profiling.Profile(List.copyOf(k), List.copyOf(t));
    }
}
