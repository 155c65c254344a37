package org.replique.server.inject;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;

/** Builds the server's object graph: one per connection. */
public final class Injection {
    private Injection() {}

    public static Injector injector() {
        return Guice.createInjector(Stage.PRODUCTION, new ThreadsModule(), new ServerModule());
    }
}
