package org.replique.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.junit.jupiter.api.Test;
import org.replique.fixtures.Fixtures;
import org.replique.fixtures.lsp.ScriptedClient;
import org.replique.fixtures.lsp.Texts;

/**
 * A keystroke storm against the packaged server ({@code replique serve}, the embedded demo model,
 * default settings): after ten warming bursts, for {@code replique.storm.seconds} (60) seconds, each second a burst of 100
 * keystrokes at the end of a long play, 5 ms apart, each with an automatic inline request that
 * cancels the one before (as VS Code does), then half a second without typing. Reports the
 * latency of each burst's last request, how the earlier ones ended, and the server's resident
 * memory and threads before and after (each measured after a full GC, through {@code jcmd}).
 *
 * <p>A benchmark, not a test: it asserts only that the server answered every burst's last request
 * and lived. Run it with
 * {@code mvn -B -pl language-server -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=KeystrokeStormBenchmark}; its figures go to the console and to
 * {@code language-server/target/keystroke-storm.json}.
 */
class KeystrokeStormBenchmark {
    private static final int SECONDS = Integer.getInteger("replique.storm.seconds", 60);
    private static final int KEYS_PER_BURST = 100;
    private static final int WARM_BURSTS = 10;
    private static final String URI = "file:///storm/jeu-de-l-amour.txt";
    /** What the writer types, a character per keystroke: speeches, and the cues of the next ones. */
    private static final String TYPED = "Mais que voulez-vous que je vous dise, Lisette ? Je ne sais plus que penser de"
            + " tout ceci.\n\nLISETTE.\nMadame, il faut prendre un parti, et le prendre vite.\n\nSILVIA.\n";

    @Test
    void stormOfKeystrokes() throws Exception {
        Path jar = Path.of(System.getProperty("replique.jar"));
        // The launcher's flags (bin/replique); -Dreplique.storm.gc replaces its GC flags, to compare.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0", "-Xss4m"));
        command.addAll(List.of(System.getProperty("replique.storm.gc", "-Xmn64m").split(" ")));
        command.addAll(List.of("-jar", jar.toString(), "serve"));
        try (ScriptedClient client = ScriptedClient.spawn(command)) {
            long pid = client.process().orElseThrow().pid();
            client.initialize(new JsonObject());
            client.awaitStatus("ready");
            String play = Files.readString(Fixtures.file("documents/plays/marivaux-jeu-de-l-amour-et-du-hasard.play.txt"),
                    StandardCharsets.UTF_8);
            String text = play.stripTrailing() + "\n\nSILVIA.\n";
            client.open(URI, "plaintext", text);
            long rssBefore = 0;
            long threadsBefore = 0;
            long heapBefore = 0;
            java.util.Set<String> threadNamesBefore = java.util.Set.of();

            List<Double> lastLatencies = new ArrayList<>();
            int unansweredLast = 0;
            int emptyLast = 0;
            int earlierCancelled = 0;
            int earlierEmpty = 0;
            int earlierWithItems = 0;
            int typedIndex = 0;
            long stormStart = System.nanoTime();
            // The first bursts warm the server (compiled code, the session, the request threads):
            // "before" is measured after them, so that the storm's own effect is what is compared.
            for (int second = -WARM_BURSTS; second < SECONDS; second++) {
                if (second == 0) {
                    rssBefore = afterGc(pid, "VmRSS");
                    threadsBefore = afterGc(pid, "Threads");
                    heapBefore = heapUsedAfterGc(pid);
                    threadNamesBefore = threadNames(pid);
                    lastLatencies.clear();
                    unansweredLast = emptyLast = earlierCancelled = earlierEmpty = earlierWithItems = 0;
                    stormStart = System.nanoTime();
                }
                long burstStart = System.nanoTime();
                List<CompletableFuture<List<InlineCompletionItem>>> burst = new ArrayList<>();
                long lastSent = 0;
                for (int k = 0; k < KEYS_PER_BURST; k++) {
                    if (!burst.isEmpty()) burst.getLast().cancel(true); // the client drops the request it no longer needs
                    String current = client.text(URI);
                    Position at = Texts.end(current);
                    client.type(URI, at, String.valueOf(TYPED.charAt(typedIndex++ % TYPED.length())));
                    Position after = Texts.end(client.text(URI));
                    lastSent = System.nanoTime();
                    burst.add(client.inlineAsync(URI, after.getLine(), after.getCharacter(), InlineCompletionTriggerKind.Automatic));
                    sleepUntil(burstStart + (k + 1) * 5_000_000L);
                }
                try {
                    List<InlineCompletionItem> items = burst.getLast().get(30, TimeUnit.SECONDS);
                    lastLatencies.add((System.nanoTime() - lastSent) / 1e6);
                    if (items.isEmpty()) emptyLast++;
                } catch (java.util.concurrent.TimeoutException e) {
                    unansweredLast++;
                }
                for (CompletableFuture<List<InlineCompletionItem>> f : burst.subList(0, burst.size() - 1)) {
                    try {
                        List<InlineCompletionItem> items = f.getNow(null);
                        if (items == null) earlierEmpty++;
                        else if (items.isEmpty()) earlierEmpty++;
                        else earlierWithItems++;
                    } catch (CancellationException | java.util.concurrent.CompletionException e) {
                        earlierCancelled++;
                    }
                }
                sleepUntil(burstStart + 1_000_000_000L);
            }
            double stormSeconds = (System.nanoTime() - stormStart) / 1e9;
            long rssAfter = afterGc(pid, "VmRSS");
            long threadsAfter = afterGc(pid, "Threads");
            long heapAfter = heapUsedAfterGc(pid);
            java.util.Set<String> newThreads = threadNames(pid);
            newThreads.removeAll(threadNamesBefore);
            assertThat(client.process().orElseThrow().isAlive()).isTrue();
            client.shutdown();

            double[] l = lastLatencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            JsonObject r = new JsonObject();
            r.addProperty("seconds", stormSeconds);
            r.addProperty("keystrokes", SECONDS * KEYS_PER_BURST);
            r.addProperty("bursts", SECONDS);
            r.addProperty("last_answered", l.length);
            r.addProperty("last_answered_empty", emptyLast);
            r.addProperty("last_unanswered", unansweredLast);
            r.addProperty("last_latency_ms_p50", percentile(l, 0.50));
            r.addProperty("last_latency_ms_p95", percentile(l, 0.95));
            r.addProperty("last_latency_ms_max", l.length == 0 ? 0 : l[l.length - 1]);
            r.addProperty("earlier_cancelled", earlierCancelled);
            r.addProperty("earlier_empty", earlierEmpty);
            r.addProperty("earlier_with_items", earlierWithItems);
            r.addProperty("rss_before_kb", rssBefore);
            r.addProperty("rss_after_kb", rssAfter);
            r.addProperty("rss_change_percent", 100.0 * (rssAfter - rssBefore) / rssBefore);
            r.addProperty("heap_used_before_kb", heapBefore);
            r.addProperty("heap_used_after_kb", heapAfter);
            r.addProperty("threads_before", threadsBefore);
            r.addProperty("threads_after", threadsAfter);
            r.addProperty("threads_new", String.join(", ", newThreads));
            r.addProperty("gc", System.getProperty("replique.storm.gc", "-Xmn64m"));
            String json = new GsonBuilder().setPrettyPrinting().create().toJson(r);
            System.out.println("KeystrokeStormBenchmark: " + json);
            Files.writeString(Path.of("target", "keystroke-storm.json"), json);
            assertThat(unansweredLast).as("every burst's last request answered").isZero();
        }
    }

    /** A line of /proc/PID/status ({@code VmRSS} in kB, {@code Threads}) after a full GC of the server. */
    private static long afterGc(long pid, String field) throws Exception {
        Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        gc.waitFor(60, TimeUnit.SECONDS);
        Thread.sleep(1000);
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    /** The names of the server's threads (numbers at the end of pool threads' names kept). */
    private static java.util.Set<String> threadNames(long pid) throws Exception {
        Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), "Thread.print").redirectErrorStream(true).start();
        String out = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        dump.waitFor(60, TimeUnit.SECONDS);
        java.util.Set<String> names = new java.util.TreeSet<>();
        var m = java.util.regex.Pattern.compile("(?m)^\"([^\"]+)\"").matcher(out);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /** The server's heap in use after a full GC, in kB ({@code jcmd GC.heap_info}: every generation's "used"). */
    private static long heapUsedAfterGc(long pid) throws Exception {
        afterGc(pid, "VmRSS");
        Process info = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
        String out = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        info.waitFor(60, TimeUnit.SECONDS);
        long used = 0;
        var m = java.util.regex.Pattern.compile("(?m)^\\s*(PSYoungGen|ParOldGen|garbage-first heap|def new generation|"
                + "tenured generation)\\s+total[^\\n]*?used (\\d+)K").matcher(out);
        while (m.find()) used += Long.parseLong(m.group(2));
        return used;
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
    }
}
