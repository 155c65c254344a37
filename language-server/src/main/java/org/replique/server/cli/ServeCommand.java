package org.replique.server.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.Backends;
import org.replique.engine.model.Model;
import org.replique.server.http.OpenAiServer;
import org.replique.server.http.ServedModel;
import org.replique.server.hub.RepoId;
import org.replique.server.inject.Injection;
import org.replique.server.lsp.LspConnection;
import org.replique.server.lsp.RepliqueLanguageServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replique serve}: the language server, over stdio or a local TCP port; or, with
 * {@code --http}, the model behind the OpenAI completions API for editors elsewhere.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the language server (LSP over stdio, or TCP on 127.0.0.1).",
                "With --http: serve the model over the OpenAI completions API (/v1/completions, /v1/models, /tokenize,"
                        + " /health) for the editors of a room; -m, --weights, --backend, --context, --kv-type, -t choose the model."})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--stdio", description = "speak LSP over stdin/stdout (the default)")
    boolean stdio;

    @Option(names = "--port", paramLabel = "N",
            description = "LSP: listen on 127.0.0.1:N instead (one client at a time); with --http: the HTTP port (default 8080)")
    Integer port;

    @Option(names = "--http", description = "serve the OpenAI completions API over HTTP instead of LSP")
    boolean http;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "with --http: the address to listen on (default ${DEFAULT-VALUE}); any other than loopback needs --api-key-env")
    String host;

    @Option(names = "--api-key-env", paramLabel = "VAR",
            description = "with --http: the environment variable holding the API key clients must send (Authorization: Bearer KEY)")
    String apiKeyEnv;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "with --http: requests generating at once (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--sessions", paramLabel = "N", defaultValue = "8",
            description = "with --http: KV-cache sessions kept, about one per writer (default ${DEFAULT-VALUE})")
    int sessions;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "16",
            description = "with --http: requests that may wait for a slot; more get 503 with Retry-After (default ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "with --http: the model's id in the API (default: -m OWNER/NAME, else the model's own name)")
    String modelName;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // One line per log record, its level first, so that an editor can show warnings as warnings.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        if (http) {
            return serveHttp();
        }
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
        Injection.close(injector);
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
                    Injection.close(injector);
                    if (server.exited().isDone()) return 0;
                }
            }
        }
    }

    private int serveHttp() throws Exception {
        if (parallel < 1 || sessions < parallel || queue < 0) {
            throw new IllegalArgumentException("need --parallel ≥ 1, --sessions ≥ --parallel and --queue ≥ 0");
        }
        String key = null;
        if (apiKeyEnv != null) {
            key = System.getenv(apiKeyEnv);
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("the environment variable " + apiKeyEnv + " (--api-key-env) is not set");
            }
            key = key.strip();
        }
        InetAddress address = InetAddress.getByName(host);
        OpenAiServer.checkAccess(address, key);
        OpenAiServer.Options options = new OpenAiServer.Options(address, port != null ? port : 8080, key, parallel, queue);
        Model model = Model.load(modelOptions.modelPath(), modelOptions.loadOptions());
        OpenAiServer server;
        try {
            Backend backend = Backends.create(modelOptions.backend, model, modelOptions.backendOptions());
            ServedModel served = ServedModel.of(name(model), model, backend,
                    modelOptions.contextFor(model.config().contextLength()), sessions);
            server = OpenAiServer.start(served, options);
        } catch (RuntimeException | java.io.IOException e) {
            model.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "replique-http-stop"));
        var out = spec.commandLine().getOut();
        String where = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        out.printf("replique: serving %s at http://%s:%d/v1 (OpenAI completions API; %d at once, %d sessions, %d waiting%s)%n",
                name(model), where, server.port(), parallel, sessions, queue, key == null ? "" : "; API key required");
        out.flush();
        stopped.await();
        return 0;
    }

    /** The model's id: the name asked for, else {@code OWNER/NAME} as pulled, else the model's own name. */
    private String name(Model model) {
        if (modelName != null && !modelName.isBlank()) return modelName.strip();
        if (modelOptions.model != null && !java.nio.file.Files.exists(modelOptions.model)) {
            try {
                return RepoId.parse(modelOptions.model.toString().replace('\\', '/')).toString();
            } catch (IllegalArgumentException notARepository) {
                // a file name, or OWNER/NAME/FILE: the model's own name says more
            }
        }
        return model.name();
    }
}
