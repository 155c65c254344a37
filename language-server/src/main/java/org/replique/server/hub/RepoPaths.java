package org.replique.server.hub;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Repository file names as the hub sends them ({@code /}-separated, relative to the repository root)
 * turned into paths under a target folder — refusing every name that could land elsewhere, on this
 * system or on another: {@code ..} segments, absolute paths, drive letters, backslashes, empty
 * segments and control characters. A hostile repository cannot write outside the folder.
 */
final class RepoPaths {

    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private RepoPaths() {}

    /** {@code name} unchanged if it is a safe relative repository path, else an UNSAFE_FILE_NAME error. */
    static String checked(String name) {
        String why = problem(name);
        if (why != null) {
            throw new HubException(HubException.Kind.UNSAFE_FILE_NAME,
                    "refusing repository file name '" + printable(name) + "': " + why);
        }
        return name;
    }

    /** {@code name} under {@code root}, after {@link #checked}; the result is always inside {@code root}. */
    static Path under(Path root, String name) {
        Path base = root.toAbsolutePath().normalize();
        Path p = base;
        for (String segment : checked(name).split("/")) {
            p = p.resolve(segment);
        }
        p = p.normalize();
        if (!p.startsWith(base) || p.equals(base)) {
            throw new HubException(HubException.Kind.UNSAFE_FILE_NAME,
                    "refusing repository file name '" + printable(name) + "': it leaves " + root);
        }
        return p;
    }

    private static String problem(String name) {
        if (name == null || name.isEmpty()) return "empty";
        if (name.startsWith("/")) return "absolute path";
        if (name.indexOf('\\') >= 0) return "backslash (a path separator on Windows)";
        if (DRIVE.matcher(name).matches()) return "drive letter";
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) return "control character";
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) return "empty path segment";
            if (segment.equals("..")) return "'..' segment (leaves the folder)";
            if (segment.equals(".")) return "'.' segment";
        }
        return null;
    }

    private static String printable(String name) {
        if (name == null) return "";
        StringBuilder b = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.toString();
    }
}
