package org.replique.engine.gguf;

import static org.replique.engine.gguf.GgufException.Kind;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A GGUF (v2 or v3) file, memory-mapped once. Metadata and tensor infos are parsed eagerly with
 * every length and offset checked against the file; tensor data stays in the mapping (no copies).
 * The mapping lives until {@link #close()}.
 */
public final class GgufFile implements AutoCloseable {

    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian int
    private static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;

    private final Path path;
    private final int version;
    private final Arena arena;
    private final MemorySegment file;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final long dataStart;

    private GgufFile(Path path, int version, Arena arena, MemorySegment file, GgufMetadata metadata,
                     Map<String, GgufTensorInfo> tensors, long dataStart) {
        this.path = path;
        this.version = version;
        this.arena = arena;
        this.file = file;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
    }

    /** Maps and parses a GGUF file; throws {@link GgufException} with a readable reason on bad input. */
    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment file;
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = channel.size();
                file = size == 0 ? MemorySegment.NULL : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            } catch (NoSuchFileException e) {
                throw new GgufException(Kind.NOT_FOUND, path, "no such file");
            } catch (IOException e) {
                if (Files.isDirectory(path)) {
                    throw new GgufException(Kind.IO_ERROR, path, "is a directory, not a GGUF file");
                }
                throw new GgufException(Kind.IO_ERROR, path, "cannot read: " + e.getMessage(), e);
            }
            GgufFile parsed = new Parser(path, file).parse(arena);
            return parsed;
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** Tensors in file order. */
    public Map<String, GgufTensorInfo> tensors() {
        return tensors;
    }

    public GgufTensorInfo tensor(String name) {
        return tensors.get(name);
    }

    public long fileSize() {
        return file.byteSize();
    }

    /** Offset of the tensor data region. */
    public long dataStart() {
        return dataStart;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** A bounds-checked little-endian cursor over the mapped file. */
    private static final class Parser {
        private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        private final Path path;
        private final MemorySegment file;
        private final long size;
        private long pos;
        private String context = "header";
        private int version;

        Parser(Path path, MemorySegment file) {
            this.path = path;
            this.file = file;
            this.size = file.byteSize();
        }

        GgufFile parse(Arena arena) {
            if (size < 4) {
                throw new GgufException(Kind.TRUNCATED, path, "file is " + size + " bytes, too short for a GGUF header");
            }
            int magic = file.get(I32, 0);
            if (magic != MAGIC) {
                throw new GgufException(Kind.BAD_MAGIC, path, String.format(
                        "not a GGUF file (magic bytes %s, expected 'GGUF')", describeMagic()));
            }
            pos = 4;
            version = u32();
            if (version != 2 && version != 3) {
                throw new GgufException(Kind.UNSUPPORTED_VERSION, path,
                        "GGUF version " + Integer.toUnsignedString(version) + " is not supported (versions 2 and 3 are)");
            }
            long tensorCount = u64();
            long kvCount = u64();
            // Each key/value takes at least 12 bytes and each tensor info at least 24: reject counts
            // that cannot fit before allocating anything for them.
            if (tensorCount < 0 || kvCount < 0 || kvCount > (size - pos) / 12 || tensorCount > (size - pos) / 24) {
                throw new GgufException(Kind.TRUNCATED, path, "header announces " + Long.toUnsignedString(kvCount)
                        + " metadata entries and " + Long.toUnsignedString(tensorCount) + " tensors, more than the "
                        + size + "-byte file can hold");
            }

            Map<String, Object> values = new LinkedHashMap<>();
            Map<String, GgufValueType> types = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                context = "metadata entry " + i;
                String key = string();
                context = "metadata '" + key + "'";
                GgufValueType type = valueType(u32());
                values.put(key, value(type, 0));
                types.put(key, type);
            }
            GgufMetadata metadata = new GgufMetadata(path, values, types);

            long alignment = metadata.has("general.alignment") ? metadata.getLong("general.alignment") : DEFAULT_ALIGNMENT;
            if (alignment <= 0 || Long.bitCount(alignment) != 1) {
                throw new GgufException(Kind.MALFORMED_METADATA, path, "general.alignment = " + alignment + " is not a power of two");
            }

            record RawTensor(String name, long[] shape, int typeId, long offset) {}
            RawTensor[] raw = new RawTensor[(int) tensorCount];
            for (int i = 0; i < tensorCount; i++) {
                context = "tensor info " + i;
                String name = string();
                context = "tensor info '" + name + "'";
                int dims = u32();
                if (dims < 1 || dims > MAX_DIMS) {
                    throw new GgufException(Kind.MALFORMED_METADATA, path,
                            "tensor '" + name + "' has " + Integer.toUnsignedString(dims) + " dimensions (1 to 4 allowed)");
                }
                long[] shape = new long[dims];
                for (int d = 0; d < dims; d++) {
                    shape[d] = u64();
                    if (shape[d] <= 0 || shape[d] > size * 8) {
                        throw new GgufException(Kind.SHAPE_MISMATCH, path,
                                "tensor '" + name + "' has dimension " + Long.toUnsignedString(shape[d]));
                    }
                }
                raw[i] = new RawTensor(name, shape, u32(), u64());
            }
            long dataStart = align(pos, alignment);
            if (tensorCount > 0 && dataStart > size) {
                throw new GgufException(Kind.TRUNCATED, path, "file ends before its tensor data (header needs "
                        + dataStart + " bytes, file has " + size + ")");
            }

            Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
            for (RawTensor t : raw) {
                GgmlType type = GgmlType.byId(t.typeId);
                if (type == null) {
                    throw new GgufException(Kind.UNSUPPORTED_TENSOR_TYPE, path, "tensor '" + t.name + "' has type "
                            + GgmlType.nameOf(t.typeId) + "; supported types are " + GgmlType.supportedList());
                }
                if (t.shape[0] % type.blockSize() != 0) {
                    throw new GgufException(Kind.SHAPE_MISMATCH, path, "tensor '" + t.name + "' has rows of " + t.shape[0]
                            + " weights, not a multiple of the " + type + " block size " + type.blockSize());
                }
                long elements = 1;
                for (long dim : t.shape) {
                    elements = Math.multiplyExact(elements, dim);
                }
                long bytes = type.bytesFor(elements);
                if (t.offset < 0 || t.offset % alignment != 0) {
                    throw new GgufException(Kind.TENSOR_OUT_OF_BOUNDS, path, "tensor '" + t.name + "' starts at offset "
                            + Long.toUnsignedString(t.offset) + ", not aligned to " + alignment);
                }
                if (t.offset > size - dataStart || bytes > size - dataStart - t.offset) {
                    throw new GgufException(Kind.TENSOR_OUT_OF_BOUNDS, path, "tensor '" + t.name + "' (" + bytes
                            + " bytes at data offset " + t.offset + ") lies outside the file; the file is truncated or corrupt");
                }
                if (tensors.containsKey(t.name)) {
                    throw new GgufException(Kind.MALFORMED_METADATA, path, "tensor '" + t.name + "' appears twice");
                }
                MemorySegment slice = file.asSlice(dataStart + t.offset, bytes);
                tensors.put(t.name, new GgufTensorInfo(t.name, t.shape, type, t.offset, slice));
            }
            return new GgufFile(path, version, arena, file, metadata, Collections.unmodifiableMap(tensors), dataStart);
        }

        private String describeMagic() {
            byte[] b = file.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE);
            StringBuilder s = new StringBuilder();
            for (byte x : b) {
                s.append(String.format("%02x", x & 0xff));
            }
            return s.toString();
        }

        private static long align(long offset, long alignment) {
            return (offset + alignment - 1) / alignment * alignment;
        }

        private void need(long bytes) {
            if (bytes < 0 || bytes > size - pos) {
                throw new GgufException(Kind.TRUNCATED, path, "file ends inside " + context + " (offset " + pos
                        + ", needs " + Long.toUnsignedString(bytes) + " more bytes, file has " + size + ")");
            }
        }

        private int u32() {
            need(4);
            int v = file.get(I32, pos);
            pos += 4;
            return v;
        }

        private long u64() {
            need(8);
            long v = file.get(I64, pos);
            pos += 8;
            return v;
        }

        private String string() {
            long length = u64();
            need(length);
            byte[] bytes = file.asSlice(pos, length).toArray(ValueLayout.JAVA_BYTE);
            pos += length;
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                // Some vocabularies hold pieces that are not valid UTF-8 on their own; keep them readable.
                return new String(bytes, StandardCharsets.ISO_8859_1);
            }
        }

        private GgufValueType valueType(int id) {
            GgufValueType type = GgufValueType.byId(id);
            if (type == null) {
                throw new GgufException(Kind.MALFORMED_METADATA, path, context + " has unknown value type " + id);
            }
            return type;
        }

        private Object value(GgufValueType type, int depth) {
            switch (type) {
                case UINT8: need(1); return Integer.valueOf(file.get(ValueLayout.JAVA_BYTE, pos++) & 0xff);
                case INT8: need(1); return Integer.valueOf(file.get(ValueLayout.JAVA_BYTE, pos++));
                case UINT16: { need(2); int v = file.get(I16, pos) & 0xffff; pos += 2; return v; }
                case INT16: { need(2); int v = file.get(I16, pos); pos += 2; return v; }
                case UINT32: return Integer.toUnsignedLong(u32());
                case INT32: return u32();
                case FLOAT32: { need(4); float v = file.get(F32, pos); pos += 4; return v; }
                case BOOL: {
                    need(1);
                    byte b = file.get(ValueLayout.JAVA_BYTE, pos++);
                    return b != 0;
                }
                case STRING: return string();
                case UINT64:
                case INT64: return u64();
                case FLOAT64: { need(8); double v = file.get(F64, pos); pos += 8; return v; }
                case ARRAY: return array(depth);
                default: throw new AssertionError(type);
            }
        }

        private GgufArray array(int depth) {
            if (depth > 8) {
                throw new GgufException(Kind.MALFORMED_METADATA, path, context + " nests arrays more than 8 deep");
            }
            GgufValueType elementType = valueType(u32());
            long count = u64();
            if (count < 0 || count > (size - pos) / elementType.minBytes()) {
                throw new GgufException(Kind.TRUNCATED, path, context + " announces " + Long.toUnsignedString(count)
                        + " array elements, more than the rest of the file can hold");
            }
            int n = (int) count;
            Object values = switch (elementType) {
                case UINT8, INT8, UINT16, INT16, INT32 -> {
                    int[] a = new int[n];
                    for (int i = 0; i < n; i++) a[i] = (Integer) value(elementType, depth);
                    yield a;
                }
                case UINT32, UINT64, INT64 -> {
                    long[] a = new long[n];
                    for (int i = 0; i < n; i++) a[i] = (Long) value(elementType, depth);
                    yield a;
                }
                case FLOAT32 -> {
                    need(4L * n);
                    float[] a = file.asSlice(pos, 4L * n).toArray(F32);
                    pos += 4L * n;
                    yield a;
                }
                case FLOAT64 -> {
                    double[] a = new double[n];
                    for (int i = 0; i < n; i++) a[i] = (Double) value(elementType, depth);
                    yield a;
                }
                case BOOL -> {
                    boolean[] a = new boolean[n];
                    for (int i = 0; i < n; i++) a[i] = (Boolean) value(elementType, depth);
                    yield a;
                }
                case STRING -> {
                    String[] a = new String[n];
                    for (int i = 0; i < n; i++) a[i] = string();
                    yield a;
                }
                case ARRAY -> {
                    GgufArray[] a = new GgufArray[n];
                    for (int i = 0; i < n; i++) a[i] = array(depth + 1);
                    yield a;
                }
            };
            return new GgufArray(elementType, values);
        }
    }
}
