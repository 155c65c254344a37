package org.replique.engine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The engine's own commands, for use without the language server. */
@Command(name = "replique", mixinStandardHelpOptions = true, version = "replique 0.1.0",
        subcommands = {GenerateCommand.class, TokenizeCommand.class, BenchCommand.class},
        description = "Dialogue completion for screenplays and plays.")
public final class EngineCli {

    public static void main(String[] args) {
        System.exit(commandLine(new EngineCli()).execute(args));
    }

    /** A command line with the project's error handling: a clear message, no stack trace. */
    public static CommandLine commandLine(Object root) {
        CommandLine cl = new CommandLine(root);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("replique: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (System.getenv("REPLIQUE_DEBUG") != null) e.printStackTrace(commandLine.getErr());
            return 2;
        });
        return cl;
    }
}
