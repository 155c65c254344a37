package org.replique.intellij;

import java.util.ArrayList;
import java.util.List;

/**
 * A template's {@code programArgs} turned into a process command the way LSP4IJ does it: the
 * IDE's path macros expanded ({@code CommandUtils#resolveCommandLine}; here only
 * {@code $USER_HOME$}, the one the template uses), then split on spaces, a double quote toggling
 * "inside a string" and being dropped ({@code CommandUtils#createCommands}, in
 * github.com/redhat-developer/lsp4ij,
 * {@code src/main/java/com/redhat/devtools/lsp4ij/server/definition/launching/CommandUtils.java}).
 */
final class Lsp4ijCommandLine {
    private Lsp4ijCommandLine() {}

    /** {@code userHome} as IntelliJ writes {@code $USER_HOME$}: forward slashes on every OS. */
    static List<String> resolve(String programArgs, String userHome) {
        return split(programArgs.replace("$USER_HOME$", userHome.replace('\\', '/')));
    }

    static List<String> split(String commandLine) {
        List<String> commands = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean inString = false;
        for (char c : commandLine.toCharArray()) {
            switch (c) {
                case '"' -> inString = !inString;
                case ' ' -> {
                    if (inString) {
                        part.append(c);
                    } else {
                        add(part, commands);
                    }
                }
                default -> part.append(c);
            }
        }
        add(part, commands);
        return commands;
    }

    private static void add(StringBuilder part, List<String> commands) {
        String arg = part.toString().trim();
        if (!arg.isEmpty()) commands.add(arg);
        part.setLength(0);
    }
}
