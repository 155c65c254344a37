package org.replique.server.openai;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as the completions stream uses them: each event a {@code data: …} line (or
 * several, joined by newlines) ended by a blank line; lines starting with {@code :} are comments;
 * the stream ends with {@code data: [DONE]}.
 */
public final class ServerSentEvents {
    /** The data of the event that ends a completions stream. */
    public static final String DONE = "[DONE]";

    private ServerSentEvents() {}

    /** One event carrying {@code data} (a JSON object on one line), as bytes to write and flush. */
    public static byte[] event(String data) {
        return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Reads events from a stream, one {@link #next} at a time. */
    public static final class Reader {
        private final BufferedReader in;

        public Reader(BufferedReader in) {
            this.in = in;
        }

        /** The next event's data, or null when the stream ends. Events without data are skipped. */
        public String next() throws IOException {
            StringBuilder data = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) return data.toString();
                    continue;
                }
                if (line.startsWith(":")) continue;
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) value = value.substring(1);
                if (field.equals("data")) {
                    if (data == null) data = new StringBuilder(value);
                    else data.append('\n').append(value);
                }
            }
            return data == null ? null : data.toString();
        }
    }
}
