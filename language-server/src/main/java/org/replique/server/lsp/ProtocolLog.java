package org.replique.server.lsp;

import java.util.logging.Logger;

/**
 * LSP4J's own log, kept to what a user can act on. A {@code $/cancelRequest} that arrives after
 * its request was answered is the protocol's ordinary race (the client cancels what it no longer
 * needs as the answer crosses), which LSP4J reports as "Unmatched cancel notification": not a
 * problem, so not logged.
 */
final class ProtocolLog {
    /** Held here: the logging framework keeps loggers only weakly, and with them their filters. */
    private static final Logger ENDPOINT = Logger.getLogger("org.eclipse.lsp4j.jsonrpc.RemoteEndpoint");

    private ProtocolLog() {}

    static void install() {
        ENDPOINT.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Unmatched cancel notification"));
    }
}
