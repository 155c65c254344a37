package org.replique.engine.kernel;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The C library's single-precision {@code sinf}, {@code cosf}, {@code powf} and {@code expf},
 * which ggml calls for the RoPE angles and for the odd elements of a row that its vector code
 * leaves over. They are not correctly rounded: glibc's {@code sinf}/{@code cosf} differ
 * from Java's double-precision functions rounded to float in about 1.5 % of the angles of a
 * model's positions, and such a last-bit difference in a query or key sometimes moves a quantized
 * activation one step later on. Called through the foreign function interface; where the C
 * library cannot be reached, Java's functions rounded to float stand in.
 */
public final class CMath {
    private static final MethodHandle SINF;
    private static final MethodHandle COSF;
    private static final MethodHandle POWF;
    private static final MethodHandle EXPF;

    static {
        MethodHandle sin = null;
        MethodHandle cos = null;
        MethodHandle pow = null;
        MethodHandle exp = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            FunctionDescriptor unary = FunctionDescriptor.of(ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_FLOAT);
            sin = linker.downcallHandle(libc.find("sinf").orElseThrow(), unary);
            cos = linker.downcallHandle(libc.find("cosf").orElseThrow(), unary);
            exp = linker.downcallHandle(libc.find("expf").orElseThrow(), unary);
            pow = linker.downcallHandle(libc.find("powf").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_FLOAT));
        } catch (RuntimeException | Error e) {
            sin = cos = pow = exp = null;
        }
        SINF = sin;
        COSF = cos;
        POWF = pow;
        EXPF = exp;
    }

    private CMath() {}

    public static float sin(float x) {
        if (SINF == null) return (float) Math.sin(x);
        try {
            return (float) SINF.invokeExact(x);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    public static float cos(float x) {
        if (COSF == null) return (float) Math.cos(x);
        try {
            return (float) COSF.invokeExact(x);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    public static float pow(float x, float y) {
        if (POWF == null) return (float) Math.pow(x, y);
        try {
            return (float) POWF.invokeExact(x, y);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    public static float exp(float x) {
        if (EXPF == null) return (float) Math.exp(x);
        try {
            return (float) EXPF.invokeExact(x);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
