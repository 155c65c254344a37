package org.replique.server.cli;

import org.replique.dialogue.cli.ParseCommand;
import org.replique.dialogue.cli.PromptCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code replique}: the language server and every command, in one jar. */
@Command(name = "replique", mixinStandardHelpOptions = true, version = "replique 0.1.0",
        description = "Dialogue completion for screenplays and plays.",
        subcommands = {DemoCommand.class, ServeCommand.class, CompleteCommand.class, GenerateCommand.class,
                TokenizeCommand.class, BenchCommand.class, ParseCommand.class, PromptCommand.class, PullCommand.class,
                QuantizeCommand.class})
public final class Replique {

    public static void main(String[] args) {
        System.exit(commandLine(new Replique()).execute(args));
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
