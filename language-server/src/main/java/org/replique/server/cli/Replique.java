package org.replique.server.cli;

import org.replique.dialogue.cli.ParseCommand;
import org.replique.dialogue.cli.PromptCommand;
import org.replique.engine.cli.BenchCommand;
import org.replique.engine.cli.EngineCli;
import org.replique.engine.cli.GenerateCommand;
import org.replique.engine.cli.TokenizeCommand;
import picocli.CommandLine.Command;

/** {@code replique}: the language server and every command, in one jar. */
@Command(name = "replique", mixinStandardHelpOptions = true, version = "replique 0.1.0",
        description = "Dialogue completion for screenplays and plays.",
        subcommands = {DemoCommand.class, ServeCommand.class, CompleteCommand.class, GenerateCommand.class,
                TokenizeCommand.class, BenchCommand.class, ParseCommand.class, PromptCommand.class, PullCommand.class})
public final class Replique {

    public static void main(String[] args) {
        System.exit(EngineCli.commandLine(new Replique()).execute(args));
    }
}
