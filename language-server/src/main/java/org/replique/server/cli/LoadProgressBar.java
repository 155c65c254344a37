package org.replique.server.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.replique.engine.model.LoadProgress;

/**
 * Progress through a model's tensors (loading and quantizing weights, or quantizing a file) as a
 * terminal progress bar on standard error; silent when that is not a terminal.
 */
final class LoadProgressBar implements LoadProgress {
    private final String task;
    private ProgressBar bar;

    private LoadProgressBar(String task) {
        this.task = task;
    }

    static LoadProgress onStandardError() {
        return onStandardError("Loading weights");
    }

    static LoadProgress onStandardError(String task) {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() ? new LoadProgressBar(task) : LoadProgress.NONE;
    }

    @Override
    public synchronized void update(long bytesDone, long bytesTotal) {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(bytesTotal)
                    .setUnit(" MiB", 1L << 20).setStyle(ProgressBarStyle.ASCII).showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }
        bar.stepTo(bytesDone);
        if (bytesDone >= bytesTotal) {
            bar.close();
        }
    }
}
