package org.replique.server.hf;

import static org.replique.server.hf.HfFolderException.Kind;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One safetensors file, memory-mapped: an 8-byte little-endian header length, a JSON header
 * ({@code name → {dtype, shape, data_offsets: [begin, end]}}, plus an optional
 * {@code __metadata__}), then the tensor bytes, row-major, little-endian, offsets relative to the
 * end of the header. Every offset is checked against the file before a view is taken.
 */
final class SafetensorsFile {
    /** Larger headers are refused: real ones are kilobytes, and the length is read before the JSON. */
    private static final long MAX_HEADER = 100L << 20;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A tensor of the file: its dtype as written (F32, BF16, …), shape (row-major, outermost first) and bytes. */
    record Tensor(String name, String dtype, long[] shape, MemorySegment data) {}

    private final Path path;
    private final long size;
    private final Map<String, Tensor> tensors;

    private SafetensorsFile(Path path, long size, Map<String, Tensor> tensors) {
        this.path = path;
        this.size = size;
        this.tensors = tensors;
    }

    /** Maps {@code path} into {@code arena} and reads its header. */
    static SafetensorsFile open(Path path, Arena arena) {
        MemorySegment file;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            file = size == 0 ? MemorySegment.NULL : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (NoSuchFileException e) {
            throw new HfFolderException(Kind.MISSING_SHARD, path, "no such file");
        } catch (IOException e) {
            throw new HfFolderException(Kind.IO_ERROR, path, "cannot read: " + e.getMessage(), e);
        }
        long size = file.byteSize();
        if (size < 8) {
            throw new HfFolderException(Kind.CORRUPT_HEADER, path, "file is " + size + " bytes, too short for a safetensors header");
        }
        long headerLength = file.get(U64, 0);
        if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > size - 8) {
            throw new HfFolderException(Kind.CORRUPT_HEADER, path, "header length " + Long.toUnsignedString(headerLength)
                    + " does not fit the " + size + "-byte file (not a safetensors file, or truncated)");
        }
        String json = new String(file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        JsonObject header;
        try {
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonObject()) throw new JsonParseException("not an object");
            header = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new HfFolderException(Kind.CORRUPT_HEADER, path, "header is not a JSON object: " + e.getMessage(), e);
        }
        MemorySegment data = file.asSlice(8 + headerLength);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            tensors.put(e.getKey(), tensor(path, e.getKey(), e.getValue(), data));
        }
        return new SafetensorsFile(path, size, Collections.unmodifiableMap(tensors));
    }

    private static Tensor tensor(Path path, String name, JsonElement entry, MemorySegment data) {
        try {
            JsonObject o = entry.getAsJsonObject();
            String dtype = o.get("dtype").getAsString();
            var shapeJson = o.getAsJsonArray("shape");
            long[] shape = new long[shapeJson.size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsLong();
                if (shape[i] < 0) throw new IllegalStateException("negative dimension " + shape[i]);
                elements = Math.multiplyExact(elements, shape[i]);
            }
            var offsets = o.getAsJsonArray("data_offsets");
            if (offsets.size() != 2) throw new IllegalStateException("data_offsets needs two numbers");
            long begin = offsets.get(0).getAsLong();
            long end = offsets.get(1).getAsLong();
            if (begin < 0 || end < begin || end > data.byteSize()) {
                throw new HfFolderException(Kind.CORRUPT_HEADER, path, "tensor '" + name + "' lies at bytes " + begin
                        + "–" + end + " of a " + data.byteSize() + "-byte data section; the file is truncated or corrupt");
            }
            int width = elementBytes(dtype);
            if (width > 0 && end - begin != Math.multiplyExact(elements, width)) {
                throw new HfFolderException(Kind.CORRUPT_HEADER, path, "tensor '" + name + "' has " + (end - begin)
                        + " bytes for " + elements + " " + dtype + " values");
            }
            return new Tensor(name, dtype, shape, data.asSlice(begin, end - begin));
        } catch (HfFolderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new HfFolderException(Kind.CORRUPT_HEADER, path, "header entry '" + name + "' is malformed ("
                    + e.getMessage() + ")", e);
        }
    }

    /** Bytes per element of a safetensors dtype, or 0 when unknown. */
    static int elementBytes(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> 0;
        };
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    Map<String, Tensor> tensors() {
        return tensors;
    }
}
