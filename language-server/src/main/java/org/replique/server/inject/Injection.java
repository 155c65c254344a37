package org.replique.server.inject;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;

/** Builds the server's object graph. */
public final class Injection {
    private Injection() {}

    public static Injector injector() {
        return Guice.createInjector(Stage.PRODUCTION, new EngineModule(), new DocumentsModule(), new ServerModule());
    }
}
