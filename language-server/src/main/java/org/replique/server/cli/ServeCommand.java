package org.replique.server.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;
import org.replique.server.inject.Injection;
import org.replique.server.lsp.LspConnection;
import org.replique.server.lsp.RepliqueLanguageServer;
import org.replique.server.model.ModelService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code replique serve}: the language server, over stdio or a local TCP port. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the language server (LSP over stdio, or TCP on 127.0.0.1).")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--stdio", description = "speak LSP over stdin/stdout (the default)")
    boolean stdio;

    @Option(names = "--port", paramLabel = "N", description = "listen on 127.0.0.1:N instead (one client at a time)")
    Integer port;

    @Override
    public Integer call() throws Exception {
        // One line per log record, its level first, so that an editor can show warnings as warnings.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        if (port != null) {
            return serveTcp(port);
        }
        // stdout carries the protocol: anything else printed there would corrupt it.
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        System.setOut(System.err);
        InputStream in = System.in;
        var injector = Injection.injector();
        RepliqueLanguageServer server = injector.getInstance(RepliqueLanguageServer.class);
        LspConnection.serve(server, in, protocol).join();
        injector.getInstance(ModelService.class).close();
        return 0;
    }

    private int serveTcp(int port) throws Exception {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            System.err.println("replique: listening on 127.0.0.1:" + socket.getLocalPort());
            while (true) {
                try (Socket client = socket.accept()) {
                    var injector = Injection.injector();
                    RepliqueLanguageServer server = injector.getInstance(RepliqueLanguageServer.class);
                    LspConnection.serve(server, client.getInputStream(), client.getOutputStream()).join();
                    injector.getInstance(ModelService.class).close();
                    if (server.exited().isDone()) return 0;
                }
            }
        }
    }
}
