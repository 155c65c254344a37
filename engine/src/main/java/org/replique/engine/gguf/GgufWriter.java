package org.replique.engine.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF (version 3) file the way ggml's {@code gguf} writer lays it out: header, metadata
 * in insertion order, tensor infos (dimensions without trailing ones) with offsets into the data
 * section, padding to the alignment, then each tensor's bytes padded to the alignment, the last
 * one included. Tensor bytes are produced while the file is written ({@link TensorData}), one
 * tensor at a time, so a model of any size streams to disk.
 *
 * <p>Metadata values take the forms {@link GgufFile} reads them in: {@code Integer} or {@code Long}
 * for the integer types, {@code Float}, {@code Double}, {@code Boolean}, {@code String}, and
 * {@link GgufArray} with a primitive array ({@code int[]}, {@code long[]}, {@code float[]},
 * {@code double[]}, {@code boolean[]}, {@code String[]}, {@code GgufArray[]}). Setting a key that
 * is already there moves it to the end, as ggml's {@code gguf_set_*} does.
 */
public final class GgufWriter {
    public static final int DEFAULT_ALIGNMENT = 32;
    private static final String ALIGNMENT_KEY = "general.alignment";

    /** A tensor's bytes, produced when the file is written; exactly the size its type and shape give. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(OutputStream out) throws IOException;
    }

    private record Entry(GgufValueType type, Object value) {}

    private record Tensor(String name, long[] shape, GgmlType type, long size, TensorData data) {}

    private final Map<String, Entry> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    /** Sets {@code key}, checking that {@code value} is a value of {@code type}. */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        check(key, type, value);
        metadata.remove(key);
        metadata.put(key, new Entry(type, value));
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufWriter putU32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putF32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    public GgufWriter putArray(String key, GgufValueType elementType, Object values) {
        return put(key, GgufValueType.ARRAY, new GgufArray(elementType, values));
    }

    /** Copies every entry of {@code source}, in its order and with its declared types. */
    public GgufWriter copy(GgufMetadata source) {
        for (Map.Entry<String, Object> e : source.asMap().entrySet()) {
            put(e.getKey(), source.type(e.getKey()), e.getValue());
        }
        return this;
    }

    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    /** Adds a tensor of {@code shape} (ggml order, {@code shape[0]} contiguous) whose bytes {@code data} writes. */
    public GgufWriter tensor(String name, GgmlType type, long[] shape, TensorData data) {
        long elements = 1;
        for (long d : shape) {
            if (d <= 0) throw new IllegalArgumentException(name + ": dimension " + d);
            elements = Math.multiplyExact(elements, d);
        }
        if (shape.length == 0 || shape.length > 4 || shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": shape " + java.util.Arrays.toString(shape) + " for " + type);
        }
        for (Tensor t : tensors) {
            if (t.name.equals(name)) throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        tensors.add(new Tensor(name, shape.clone(), type, type.bytesFor(elements), data));
        return this;
    }

    /** Bytes the data section will take (each tensor padded to the alignment). */
    public long dataBytes() {
        long total = 0;
        for (Tensor t : tensors) total += align(t.size, alignment());
        return total;
    }

    /** Writes the file; a tensor that writes a number of bytes other than its size is an error. */
    public void write(Path path) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 20)) {
            writeTo(out);
        }
    }

    public void writeTo(OutputStream stream) throws IOException {
        int alignment = alignment();
        Counting out = new Counting(stream);
        out.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.u32(3);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, Entry> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type.id());
            out.value(e.getValue().type, e.getValue().value);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            out.string(t.name);
            int dims = t.shape.length;
            while (dims > 1 && t.shape[dims - 1] == 1) dims--;
            out.u32(dims);
            for (int d = 0; d < dims; d++) out.u64(t.shape[d]);
            out.u32(t.type.id());
            out.u64(offset);
            offset += align(t.size, alignment);
        }
        out.pad(alignment);
        for (Tensor t : tensors) {
            long before = out.count;
            t.data.writeTo(out);
            if (out.count - before != t.size) {
                throw new IllegalStateException("tensor '" + t.name + "' wrote " + (out.count - before)
                        + " bytes, its " + t.type + " shape needs " + t.size);
            }
            out.pad(alignment);
        }
        out.flush();
    }

    private int alignment() {
        Entry a = metadata.get(ALIGNMENT_KEY);
        return a == null ? DEFAULT_ALIGNMENT : ((Number) a.value).intValue();
    }

    private static long align(long x, long a) {
        return (x + a - 1) / a * a;
    }

    private static void check(String key, GgufValueType type, Object value) {
        boolean ok = switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> value instanceof Integer || value instanceof Long;
            case FLOAT32, FLOAT64 -> value instanceof Float || value instanceof Double;
            case BOOL -> value instanceof Boolean;
            case STRING -> value instanceof String;
            case ARRAY -> value instanceof GgufArray a && arrayMatches(a);
        };
        if (!ok) {
            throw new IllegalArgumentException("metadata '" + key + "': " + (value == null ? "null" : value.getClass().getSimpleName())
                    + " is not a " + type + " value");
        }
        if (key.equals(ALIGNMENT_KEY)) {
            long a = ((Number) value).longValue();
            if (type != GgufValueType.UINT32 || a <= 0 || Long.bitCount(a) != 1) {
                throw new IllegalArgumentException(ALIGNMENT_KEY + " must be a u32 power of two, not " + value);
            }
        }
    }

    private static boolean arrayMatches(GgufArray a) {
        return switch (a.elementType()) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> a.values() instanceof int[] || a.values() instanceof long[];
            case FLOAT32 -> a.values() instanceof float[];
            case FLOAT64 -> a.values() instanceof double[];
            case BOOL -> a.values() instanceof boolean[];
            case STRING -> a.values() instanceof String[];
            case ARRAY -> a.values() instanceof GgufArray[] nested && java.util.Arrays.stream(nested).allMatch(GgufWriter::arrayMatches);
        };
    }

    /** Little-endian output that counts what went through it (for offsets and padding). */
    private static final class Counting extends OutputStream {
        private final OutputStream out;
        long count;

        Counting(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        void bytes(byte[] b) throws IOException {
            write(b, 0, b.length);
        }

        void u32(long v) throws IOException {
            for (int i = 0; i < 4; i++) write((int) (v >>> (8 * i)) & 0xff);
        }

        void u64(long v) throws IOException {
            for (int i = 0; i < 8; i++) write((int) (v >>> (8 * i)) & 0xff);
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void pad(int alignment) throws IOException {
            while (count % alignment != 0) write(0);
        }

        void scalar(GgufValueType type, long v) throws IOException {
            switch (type) {
                case UINT8, INT8, BOOL -> write((int) v & 0xff);
                case UINT16, INT16 -> { write((int) v & 0xff); write((int) (v >>> 8) & 0xff); }
                case UINT32, INT32, FLOAT32 -> u32(v);
                default -> u64(v);
            }
        }

        void value(GgufValueType type, Object v) throws IOException {
            switch (type) {
                case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> scalar(type, ((Number) v).longValue());
                case FLOAT32 -> u32(Float.floatToRawIntBits(((Number) v).floatValue()) & 0xffffffffL);
                case FLOAT64 -> u64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
                case BOOL -> write((Boolean) v ? 1 : 0);
                case STRING -> string((String) v);
                case ARRAY -> array((GgufArray) v);
            }
        }

        void array(GgufArray a) throws IOException {
            u32(a.elementType().id());
            u64(a.size());
            switch (a.values()) {
                case int[] xs -> { for (int x : xs) scalar(a.elementType(), x); }
                case long[] xs -> { for (long x : xs) scalar(a.elementType(), x); }
                case float[] xs -> { for (float x : xs) u32(Float.floatToRawIntBits(x) & 0xffffffffL); }
                case double[] xs -> { for (double x : xs) u64(Double.doubleToRawLongBits(x)); }
                case boolean[] xs -> { for (boolean x : xs) write(x ? 1 : 0); }
                case String[] xs -> { for (String x : xs) string(x); }
                case GgufArray[] xs -> { for (GgufArray x : xs) array(x); }
                default -> throw new AssertionError(a.values().getClass());
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
