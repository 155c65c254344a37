package org.replique.server.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import org.replique.server.documents.DocumentStore;

/** The open documents. */
public final class DocumentsModule extends AbstractModule {
    @Provides
    @Singleton
    DocumentStore documents() {
        return new DocumentStore();
    }
}
