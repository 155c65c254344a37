package org.replique.engine.gguf;

import static org.replique.engine.gguf.GgufException.Kind;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/**
 * The key/value metadata of a GGUF file. Integers are read by value, whatever width the file
 * declared (the same key is u32 in one file and i32 or u64 in another); a value of the wrong kind
 * is a {@link GgufException} naming the key.
 */
public final class GgufMetadata {
    private final Path file;
    private final Map<String, Object> values;
    private final Map<String, GgufValueType> types;

    GgufMetadata(Path file, Map<String, Object> values, Map<String, GgufValueType> types) {
        this.file = file;
        this.values = Collections.unmodifiableMap(values);
        this.types = Collections.unmodifiableMap(types);
    }

    /** Every entry, in the file's order. */
    public Map<String, Object> asMap() {
        return values;
    }

    /**
     * The type the file declared for {@code key} (values are read by kind, so a u8 and an i32 are
     * both {@code Integer}; a writer that copies metadata needs the declared width), or null.
     */
    public GgufValueType type(String key) {
        return types.get(key);
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Object get(String key) {
        return values.get(key);
    }

    public long getLong(String key) {
        Object v = require(key);
        if (v instanceof Integer i) return i;
        if (v instanceof Long l) return l;
        throw wrongType(key, v, "an integer");
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new GgufException(Kind.MALFORMED_METADATA, file, key + " = " + v + " is out of range");
        }
        return (int) v;
    }

    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    public Optional<Integer> optionalInt(String key) {
        return has(key) ? Optional.of(getInt(key)) : Optional.empty();
    }

    public float getFloat(String key, float fallback) {
        if (!has(key)) return fallback;
        Object v = values.get(key);
        if (v instanceof Float f) return f;
        if (v instanceof Double d) return d.floatValue();
        if (v instanceof Integer || v instanceof Long) return ((Number) v).floatValue();
        throw wrongType(key, v, "a number");
    }

    public boolean getBoolean(String key, boolean fallback) {
        if (!has(key)) return fallback;
        Object v = values.get(key);
        if (v instanceof Boolean b) return b;
        throw wrongType(key, v, "a boolean");
    }

    public String getString(String key) {
        Object v = require(key);
        if (v instanceof String s) return s;
        throw wrongType(key, v, "a string");
    }

    public Optional<String> optionalString(String key) {
        return has(key) ? Optional.of(getString(key)) : Optional.empty();
    }

    public String[] getStringArray(String key) {
        if (require(key) instanceof GgufArray a && a.values() instanceof String[] s) return s;
        throw wrongType(key, values.get(key), "an array of strings");
    }

    public float[] getFloatArray(String key) {
        if (require(key) instanceof GgufArray a && a.values() instanceof float[] f) return f;
        throw wrongType(key, values.get(key), "an array of float32");
    }

    /** An integer array, whatever its declared integer width. */
    public int[] getIntArray(String key) {
        if (require(key) instanceof GgufArray a) {
            if (a.values() instanceof int[] i) return i;
            if (a.values() instanceof long[] l) {
                int[] out = new int[l.length];
                for (int k = 0; k < l.length; k++) out[k] = (int) l[k];
                return out;
            }
        }
        throw wrongType(key, values.get(key), "an array of integers");
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new GgufException(Kind.MISSING_METADATA, file, "metadata key '" + key + "' is missing");
        }
        return v;
    }

    private GgufException wrongType(String key, Object v, String expected) {
        String actual = v instanceof GgufArray a ? "an array of " + a.elementType() : v.getClass().getSimpleName();
        return new GgufException(Kind.MALFORMED_METADATA, file, "metadata '" + key + "' should be " + expected + ", is " + actual);
    }
}
