package org.replique.server.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.replique.engine.model.LoadProgress;

/** A model load's progress as a terminal progress bar on standard error; silent when that is not a terminal. */
final class LoadProgressBar implements LoadProgress {
    private ProgressBar bar;

    private LoadProgressBar() {}

    static LoadProgress onStandardError() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() ? new LoadProgressBar() : LoadProgress.NONE;
    }

    @Override
    public synchronized void update(long bytesDone, long bytesTotal) {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName("Loading weights").setInitialMax(bytesTotal)
                    .setUnit(" MiB", 1L << 20).setStyle(ProgressBarStyle.ASCII).showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }
        bar.stepTo(bytesDone);
        if (bytesDone >= bytesTotal) {
            bar.close();
        }
    }
}
