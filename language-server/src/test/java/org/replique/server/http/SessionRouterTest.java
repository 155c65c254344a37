package org.replique.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which cache a request lands in: the longest shared prefix, else the client's own, else a new or the oldest one. */
class SessionRouterTest {
    private static int[] prompt(int start, int length) {
        return IntStream.range(start, start + length).toArray();
    }

    private static int[] extended(int[] p, int... more) {
        int[] r = java.util.Arrays.copyOf(p, p.length + more.length);
        System.arraycopy(more, 0, r, p.length, more.length);
        return r;
    }

    @Test
    void theNextKeystrokeGoesWhereThePreviousOneIsCached() {
        SessionRouter router = new SessionRouter(4);
        int[] a = prompt(1000, 100);
        int[] b = prompt(2000, 100);
        SessionRouter.Lease la = router.route(a, "host");
        router.release(la, a);
        SessionRouter.Lease lb = router.route(b, "host");
        router.release(lb, b);
        assertThat(lb.key()).isNotEqualTo(la.key());
        // Same client address (a proxy, or no user field): the prefix decides.
        SessionRouter.Lease next = router.route(extended(b, 7), "host");
        assertThat(next.key()).isEqualTo(lb.key());
        assertThat(next.sharedTokens()).isEqualTo(100);
    }

    @Test
    void aPromptThatMatchesNothingTakesANewSessionWhileThereIsRoom() {
        SessionRouter router = new SessionRouter(4);
        SessionRouter.Lease first = router.route(prompt(0, 80), "alice");
        router.release(first, prompt(0, 80));
        SessionRouter.Lease bob = router.route(prompt(900, 80), "alice"); // another writer behind the same address
        assertThat(bob.key()).isNotEqualTo(first.key());
        assertThat(bob.sharedTokens()).isZero();
        router.release(bob, prompt(900, 80));
        // Alice's next keystroke still finds her cache.
        assertThat(router.route(extended(prompt(0, 80), 1), "alice").key()).isEqualTo(first.key());
    }

    @Test
    void aBusySessionIsNeverSharedAndTheOldestIdleOneIsReusedWhenFull() {
        SessionRouter router = new SessionRouter(2);
        int[] p = prompt(0, 60);
        SessionRouter.Lease busy = router.route(p, "a");
        SessionRouter.Lease other = router.route(p, "b");
        assertThat(other.key()).isNotEqualTo(busy.key());
        router.release(busy, p);
        router.release(other, prompt(300, 60));
        SessionRouter.Lease third = router.route(prompt(700, 60), "c");
        assertThat(third.key()).isEqualTo(busy.key()); // least recently used
        assertThat(router.size()).isEqualTo(2);
    }
}
