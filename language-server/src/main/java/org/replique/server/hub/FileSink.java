package org.replique.server.hub;

import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Receives a response body straight into the download file at {@code start}, hashing and
 * reporting as it writes. Once {@link #abort}ed (a stalled connection) it writes nothing more, so a
 * retry can take over the file at once.
 */
final class FileSink implements BodySubscriber<Long> {
    private final FileChannel channel;
    private final RunningHash hash;
    private final PullListener.Transfer transfer;
    private final HubHttp.Activity activity;
    private final long start;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private long position;
    private Flow.Subscription subscription;
    private boolean closed;

    FileSink(FileChannel channel, long start, RunningHash hash, PullListener.Transfer transfer, HubHttp.Activity activity) {
        this.channel = channel;
        this.start = start;
        this.position = start;
        this.hash = hash;
        this.transfer = transfer;
        this.activity = activity;
        activity.onAbort(this::abort);
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        if (closed) {
            s.cancel();
            return;
        }
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        long n = 0;
        synchronized (this) {
            if (closed) return;
            try {
                for (ByteBuffer b : items) {
                    ByteBuffer w = b.duplicate();
                    while (w.hasRemaining()) {
                        position += channel.write(w, position);
                    }
                    n += b.remaining();
                    hash.update(b);
                }
            } catch (IOException e) {
                closed = true;
                subscription.cancel();
                result.completeExceptionally(new DiskFailure("cannot write the download: " + e.getMessage(), e));
                return;
            }
            subscription.request(1);
        }
        activity.touch();
        transfer.advanced(n);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(position - start);
    }

    @Override
    public CompletionStage<Long> getBody() {
        return result;
    }

    /** Stops writing for good and drops the connection. */
    synchronized void abort() {
        closed = true;
        if (subscription != null) subscription.cancel();
        result.completeExceptionally(new IOException("transfer abandoned"));
    }
}
