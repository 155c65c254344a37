package org.replique.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Admission: slots first, then a bounded wait served round-robin between clients. */
class FairQueueTest {

    @Test
    void requestsRunAtOnceWhileSlotsAreFree() throws Exception {
        FairQueue q = new FairQueue(2, 0);
        FairQueue.Ticket a = q.enter("a");
        FairQueue.Ticket b = q.enter("b");
        a.await(() -> false);
        b.await(() -> false);
        assertThat(q.running()).isEqualTo(2);
        assertThatThrownBy(() -> q.enter("c")).isInstanceOf(FairQueue.Full.class);
        a.close();
        assertThat(q.enter("c")).isNotNull();
    }

    @Test
    void waitingClientsTakeTurnsSoThatOneWithManyRequestsCannotStarveAnother() throws Exception {
        FairQueue q = new FairQueue(1, 10);
        FairQueue.Ticket holding = q.enter("x");
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        // Client "busy" queues four requests before "quiet" queues its one.
        String[] arrivals = {"busy", "busy", "busy", "busy", "quiet"};
        CountDownLatch queued = new CountDownLatch(arrivals.length);
        for (String client : arrivals) {
            FairQueue.Ticket t = q.enter(client);
            queued.countDown();
            Thread thread = Thread.ofVirtual().start(() -> {
                t.await(() -> false);
                order.add(client);
                t.close();
            });
            threads.add(thread);
        }
        queued.await();
        assertThat(q.waiting()).isEqualTo(5);
        holding.close();
        for (Thread t : threads) t.join();
        assertThat(order).containsExactly("busy", "quiet", "busy", "busy", "busy");
    }

    @Test
    void aFullQueueSaysWhenToComeBack() throws Exception {
        FairQueue q = new FairQueue(1, 1);
        q.enter("a");
        q.enter("b");
        FairQueue.Full full = null;
        try {
            q.enter("c");
        } catch (FairQueue.Full e) {
            full = e;
        }
        assertThat(full).isNotNull();
        assertThat(full.retryAfterSeconds()).isPositive();
    }

    @Test
    void aWaiterWhoseClientLeftGivesItsPlaceUp() throws Exception {
        FairQueue q = new FairQueue(1, 1);
        FairQueue.Ticket running = q.enter("a");
        FairQueue.Ticket waiting = q.enter("b");
        assertThatThrownBy(() -> waiting.await(() -> true)).isInstanceOf(CancellationException.class);
        assertThat(q.waiting()).isZero();
        assertThat(q.enter("c")).isNotNull(); // the place is free again
        running.close();
    }
}
