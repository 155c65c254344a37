package org.replique.server.documents;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.replique.dialogue.project.ProjectChunks;
import org.replique.dialogue.project.ProjectFile;
import org.replique.dialogue.prompt.ChunkSource;
import org.replique.server.config.ServerSettings;

/**
 * The other files of the project a prompt may draw on, as a ring of the most recently edited ones:
 * the open scripts (their latest text), the ones closed lately (their last text), and the scripts
 * and character notes ({@code characters.md}, {@code personnages.md}) of the workspace folders on
 * disk, by modification time. A request's prompt gets chunks of them about the people of its scene
 * (see {@link ProjectChunks}).
 */
@Singleton
public final class ContextRing {
    /** Folders deeper than this under a workspace folder are not read. */
    static final int DEPTH = 4;
    /** Files larger than this are not read. */
    static final long LARGEST = 2_000_000;
    /** A scan of the workspace folders serves this long before the next one. */
    static final long SCAN_NANOS = 5_000_000_000L;
    private static final List<String> SCRIPTS = List.of(".fountain", ".spmd", ".play", ".play.txt", ".transcript", ".dialogue");

    private final DocumentStore documents;
    private final Supplier<ServerSettings> settings;
    private volatile List<Path> folders = List.of();
    /** When each open document was last opened or edited. */
    private final Map<String, Long> edited = new ConcurrentHashMap<>();
    /** Documents closed lately, with their last text and when they closed; guarded by itself. */
    private final LinkedHashMap<String, Remembered> closed = new LinkedHashMap<>();
    /** Files read from disk, by path; re-read when their size or time changes. */
    private final Map<Path, OnDisk> disk = new ConcurrentHashMap<>();
    /** Open documents as project files, kept while their parse is the same. */
    private final Map<String, Remembered> open = new ConcurrentHashMap<>();
    private volatile Scan scan = new Scan(Long.MIN_VALUE, List.of());

    private record Remembered(ParsedDocument parsed, ProjectFile file, long time) {}

    private record OnDisk(long modified, long size, ProjectFile file) {}

    private record Found(Path path, long modified) {}

    private record Scan(long at, List<Found> files) {}

    @Inject
    public ContextRing(DocumentStore documents, Supplier<ServerSettings> settings) {
        this.documents = documents;
        this.settings = settings;
    }

    /** The workspace folders, from {@code initialize}. */
    public void folders(List<Path> roots) {
        folders = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        scan = new Scan(Long.MIN_VALUE, List.of());
    }

    /** A document was opened or edited. */
    public void edited(String uri) {
        edited.put(uri, System.currentTimeMillis());
        synchronized (closed) {
            closed.remove(uri);
        }
    }

    /** A document closed: its last text stays in the ring as a recently edited file. */
    public void closed(String uri, ParsedDocument last) {
        Long time = edited.remove(uri);
        open.remove(uri);
        if (last == null) return;
        synchronized (closed) {
            closed.put(uri, new Remembered(last, ProjectFile.of(fileName(uri), last.dialogue()),
                    time == null ? System.currentTimeMillis() : time));
            int keep = Math.max(0, settings.get().prompt().ringFiles());
            var it = closed.keySet().iterator();
            while (closed.size() > keep && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    /** The chunks a prompt in {@code uri} may start with; none when the ring is off. */
    public ChunkSource sourceFor(String uri) {
        ServerSettings.PromptSettings p = settings.get().prompt();
        if (p.ringTokens() <= 0 || p.ringFiles() <= 0) return ChunkSource.NONE;
        List<ProjectFile> files = files(uri, p.ringFiles());
        return files.isEmpty() ? ChunkSource.NONE : new ProjectChunks(files);
    }

    /** The files of the ring for a prompt in {@code uri}, the most recently edited first. */
    List<ProjectFile> files(String uri, int count) {
        record Candidate(long time, Supplier<ProjectFile> file) {}
        List<Candidate> candidates = new ArrayList<>();
        Set<Path> taken = new HashSet<>();
        Path own = path(uri);
        if (own != null) taken.add(own);
        for (String other : documents.uris()) {
            if (other.equals(uri)) continue;
            Path p = path(other);
            if (p != null) taken.add(p);
            documents.parsed(other).ifPresent(parsed -> candidates.add(new Candidate(
                    edited.getOrDefault(other, 0L), () -> openFile(other, parsed))));
        }
        synchronized (closed) {
            for (var e : closed.entrySet()) {
                if (e.getKey().equals(uri)) continue;
                Path p = path(e.getKey());
                if (p != null) taken.add(p);
                Remembered r = e.getValue();
                candidates.add(new Candidate(r.time(), r::file));
            }
        }
        for (Found f : scanned()) {
            if (!taken.contains(f.path())) {
                candidates.add(new Candidate(f.modified(), () -> read(f)));
            }
        }
        candidates.sort(Comparator.comparingLong(Candidate::time).reversed());
        List<ProjectFile> files = new ArrayList<>();
        for (Candidate c : candidates) {
            if (files.size() >= count) break;
            ProjectFile f = c.file().get();
            if (f != null) files.add(f);
        }
        return files;
    }

    private ProjectFile openFile(String uri, ParsedDocument parsed) {
        Remembered r = open.get(uri);
        if (r == null || r.parsed() != parsed) {
            r = new Remembered(parsed, ProjectFile.of(fileName(uri), parsed.dialogue()), 0);
            open.put(uri, r);
        }
        return r.file();
    }

    /** The scripts and notes of the workspace folders, scanned at most every few seconds. */
    private List<Found> scanned() {
        Scan s = scan;
        long now = System.nanoTime();
        if (s.at() != Long.MIN_VALUE && now - s.at() < SCAN_NANOS) return s.files();
        List<Found> found = new ArrayList<>();
        for (Path root : folders) {
            try (Stream<Path> walk = Files.walk(root, DEPTH)) {
                walk.filter(p -> wanted(p, root)).limit(2_000).forEach(p -> {
                    try {
                        found.add(new Found(p, Files.getLastModifiedTime(p).toMillis()));
                    } catch (IOException e) {
                        // gone meanwhile
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                // an unreadable folder adds nothing
            }
        }
        scan = new Scan(now, List.copyOf(found));
        return found;
    }

    private static boolean wanted(Path p, Path root) {
        for (Path part : root.relativize(p)) {
            String n = part.toString();
            if (n.startsWith(".") || n.equals("node_modules") || n.equals("target")) return false;
        }
        if (!Files.isRegularFile(p)) return false;
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return ProjectFile.isNotes(name) || SCRIPTS.stream().anyMatch(name::endsWith);
    }

    private ProjectFile read(Found f) {
        try {
            long size = Files.size(f.path());
            OnDisk known = disk.get(f.path());
            if (known != null && known.modified() == f.modified() && known.size() == size) return known.file();
            if (size > LARGEST) return null;
            String text = Files.readString(f.path(), StandardCharsets.UTF_8);
            ProjectFile file = ProjectFile.read(f.path().getFileName().toString(), text);
            disk.put(f.path(), new OnDisk(f.modified(), size, file));
            return file;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable, not UTF-8, or gone: the ring goes without it
        }
    }

    /** The file path of a {@code file:} URI, or null. */
    static Path path(String uri) {
        try {
            URI u = URI.create(uri);
            return "file".equals(u.getScheme()) ? Path.of(u).toAbsolutePath().normalize() : null;
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }

    private static String fileName(String uri) {
        return ParsedDocument.fileName(uri);
    }
}
