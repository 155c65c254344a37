package org.replique.server.remote;

import java.io.IOException;
import java.util.List;

/** The scripted server for tests of other packages. */
public final class ScriptedServerAccess implements AutoCloseable {
    private final ScriptedHttpServer server = new ScriptedHttpServer();

    public ScriptedServerAccess() throws IOException {}

    public String baseUrl() {
        return server.baseUrl();
    }

    public void status(int code, String body) {
        server.then(new ScriptedHttpServer.Status(code, body, null));
    }

    public void stream(String... texts) {
        server.then(new ScriptedHttpServer.Stream(List.of(texts), "stop"));
    }

    @Override
    public void close() {
        server.close();
    }
}
