package org.replique.engine.tornadovm;

import java.util.BitSet;

/**
 * The pages of the device's KV cache pool: every sequence takes pages of
 * {@link DeviceKernels#PAGE} positions as it grows and gives them back when it shrinks or closes,
 * so sequences of any length share one pool allocated once on the device.
 */
final class KvPages {
    private final int pages;
    private final BitSet used;
    private int free;

    KvPages(int pages) {
        if (pages < 1) throw new IllegalArgumentException("the KV cache pool needs at least one page");
        this.pages = pages;
        this.used = new BitSet(pages);
        this.free = pages;
    }

    int pages() {
        return pages;
    }

    synchronized int free() {
        return free;
    }

    /** A free page, or −1 when the pool is exhausted. */
    synchronized int take() {
        if (free == 0) return -1;
        int page = used.nextClearBit(0);
        used.set(page);
        free--;
        return page;
    }

    synchronized void give(int page) {
        if (!used.get(page)) throw new IllegalStateException("page " + page + " is not in use");
        used.clear(page);
        free++;
    }
}
