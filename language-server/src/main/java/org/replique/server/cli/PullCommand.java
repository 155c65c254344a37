package org.replique.server.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.replique.server.hub.HubSettings;
import org.replique.server.hub.Pull;
import org.replique.server.hub.PullListener;
import org.replique.server.hub.RepoFile;
import org.replique.server.hub.RepoId;
import org.replique.server.hub.RepoInfo;
import org.replique.server.hub.RetryPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replique pull OWNER/NAME}: downloads a model repository from the Hugging Face hub into
 * the cache huggingface_hub shares (or {@code --local-dir}), resumably and verified, then says how
 * to use it ({@code -m OWNER/NAME}) and under which licence.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a model from the Hugging Face hub (resumable; every file's hash checked).",
                "Files go to the cache huggingface_hub uses, shared with Python tools; then -m OWNER/NAME runs it."},
        footer = {"", "Environment: HF_ENDPOINT (default https://huggingface.co), HF_TOKEN (private or gated models;"
                + " else the token 'hf auth login' stored), HF_HOME or HF_HUB_CACHE (default ~/.cache/huggingface/hub)."})
public final class PullCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OWNER/NAME", description = "the model repository, e.g. OpenLLM-France/Claire-Mistral-7B-0.1")
    String repository;

    @Option(names = "--revision", paramLabel = "REV", defaultValue = "main",
            description = "branch, tag or commit (default: ${DEFAULT-VALUE})")
    String revision;

    @Option(names = "--include", paramLabel = "GLOB",
            description = {"only files matching GLOB (repeatable; * matches across folders), e.g. '*Q4_K_M.gguf'.",
                    "Without it: every file but weights in formats Réplique does not read (PyTorch .bin beside"
                            + " safetensors, …)"})
    List<String> includes = new ArrayList<>();

    @Option(names = "--local-dir", paramLabel = "DIR", description = "plain files in DIR instead of the shared cache")
    Path localDir;

    @Spec
    CommandSpec spec;

    /** Where the hub is and who we are: from the environment unless set (tests). */
    HubSettings settings;
    RetryPolicy policy = RetryPolicy.DEFAULT;

    @Override
    public Integer call() {
        RepoId repo = RepoId.parse(repository);
        HubSettings s = settings != null ? settings : HubSettings.fromEnvironment();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Bars only on a terminal; piped or logged output gets one line per file.
        boolean bars = System.console() != null && System.console().isTerminal();
        Pull.Result result = new Pull(s, policy, new Report(out, err, bars))
                .run(new Pull.Request(repo, revision, includes, localDir));
        out.printf(Locale.ROOT, "%s: %d file%s in %s (%d downloaded, %d already there)%n", repo, result.files().size(),
                result.files().size() == 1 ? "" : "s", result.folder(), result.downloaded(), result.reused());
        String model = localDir == null ? repo.toString() : result.folder().toString();
        out.println("Use it with: replique generate -m " + model + " --prompt-file scene.txt"
                + "   (or the language server's replique.model.path: " + model + ")");
        out.flush();
        return 0;
    }

    /** Tells the user what happens: the repository and its licence, then each file. */
    private static final class Report implements PullListener {
        private final PrintWriter out;
        private final PrintWriter err;
        private final boolean bars;
        /** Files smaller than this get no bar. */
        private static final long BAR_THRESHOLD = 1 << 20;

        Report(PrintWriter out, PrintWriter err, boolean bars) {
            this.out = out;
            this.err = err;
            this.bars = bars;
        }

        @Override
        public void repository(RepoInfo info, List<RepoFile> selected) {
            long total = selected.stream().mapToLong(RepoFile::size).sum();
            out.printf(Locale.ROOT, "%s at %s (commit %s): %d file%s, %s%n", info.repo(), info.revision(),
                    info.commit().substring(0, 12), selected.size(), selected.size() == 1 ? "" : "s", size(total));
            if (info.license() != null) {
                out.printf("Licence: %s (the model card's 'license: %s'): its terms apply to your use of the model.%n",
                        info.licenseTitle(), info.license());
            } else {
                out.println("Licence: the model card names none; read the repository's terms before using the model.");
            }
            out.flush();
        }

        @Override
        public void skipped(List<RepoFile> files) {
            long total = files.stream().mapToLong(f -> Math.max(0, f.size())).sum();
            out.printf(Locale.ROOT, "Leaving out %d file%s (%s) of weight formats Réplique does not read: %s;"
                    + " --include fetches them%n", files.size(), files.size() == 1 ? "" : "s", size(total),
                    String.join(", ", files.stream().map(RepoFile::path).limit(6).toList()) + (files.size() > 6 ? ", …" : ""));
            out.flush();
        }

        @Override
        public void reused(RepoFile file, boolean linked) {
            if (!bars) {
                err.println((linked ? "linked   " : "present  ") + file.path());
                err.flush();
            }
        }

        @Override
        public Transfer downloading(RepoFile file, long resumedFrom) {
            if (!bars) {
                err.println("fetching " + file.path() + " (" + size(file.size())
                        + (resumedFrom > 0 ? ", resuming after " + size(resumedFrom) : "") + ")");
                err.flush();
                return Transfer.NONE;
            }
            if (file.size() < BAR_THRESHOLD) {
                return Transfer.NONE; // a bar for a few kilobytes would only flicker
            }
            ProgressBar bar = new ProgressBarBuilder()
                    .setTaskName(shortName(file.path()))
                    .setInitialMax(file.size())
                    .setUnit("MiB", 1 << 20)
                    .showSpeed(new DecimalFormat("0.0"))
                    .setStyle(ProgressBarStyle.UNICODE_BLOCK)
                    .startsFrom(resumedFrom, Duration.ZERO)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build();
            return new Transfer() {
                @Override
                public void advanced(long bytes) {
                    bar.stepBy(bytes);
                }

                @Override
                public void restartedAt(long position) {
                    bar.stepTo(position);
                }

                @Override
                public void close() {
                    bar.close();
                }
            };
        }

        @Override
        public void retrying(String what, int failures, String reason, Duration wait) {
            // On a terminal the bar's line is still open: the message goes below it.
            err.printf(Locale.ROOT, "%s%s: %s; retrying in %.1f s%n", bars ? System.lineSeparator() : "", what, reason,
                    wait.toMillis() / 1000.0);
            err.flush();
        }

        @Override
        public void verified(RepoFile file) {
            if (!bars) {
                err.println("verified " + file.path() + " (" + (file.sha256() != null ? "sha256" : "git blob hash") + ")");
                err.flush();
            }
        }

        private static String shortName(String path) {
            return path.length() <= 36 ? path : "…" + path.substring(path.length() - 35);
        }
    }

    /** Bytes for people: 4.07 GiB, 652.3 KiB, 120 B. */
    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
