package org.replique.intellij;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Installs the server's distribution zip as a user does with {@code unzip}: the files and their
 * Unix permissions, so that {@code bin/replique} is runnable only if the zip says so.
 */
final class Distribution {
    private Distribution() {}

    /** The distribution the build made ({@code language-server/target/replique-<version>-dist.zip}). */
    static Path zip() {
        String zip = System.getProperty("replique.dist");
        if (zip == null || !Files.isRegularFile(Path.of(zip))) {
            throw new IllegalStateException("no server distribution at " + zip + ": run mvn verify (the language server is packaged first)");
        }
        return Path.of(zip);
    }

    /** Unzips {@code zip} into {@code dir}; its {@code replique/} folder lands in {@code dir/replique}. */
    static void unzip(Path zip, Path dir) throws IOException {
        try (ZipFile archive = ZipFile.builder().setPath(zip).get()) {
            for (ZipArchiveEntry entry : java.util.Collections.list(archive.getEntries())) {
                Path target = dir.resolve(entry.getName()).normalize();
                if (!target.startsWith(dir)) throw new IOException("entry outside the folder: " + entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = archive.getInputStream(entry)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                if (entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX) {
                    Files.setPosixFilePermissions(target, permissions(entry.getUnixMode()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) p.add(bits[i]);
        }
        p.add(PosixFilePermission.OWNER_READ);
        return p;
    }
}
