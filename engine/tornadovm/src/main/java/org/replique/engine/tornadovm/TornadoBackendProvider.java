package org.replique.engine.tornadovm;

import java.util.Optional;
import org.replique.engine.backend.Backend;
import org.replique.engine.backend.BackendOptions;
import org.replique.engine.backend.BackendProvider;
import org.replique.engine.backend.KvType;
import org.replique.engine.model.Model;

/**
 * The {@code tornadovm} backend, found through {@link java.util.ServiceLoader} when this module's
 * jar is on the class path. This class touches no TornadoVM type until TornadoVM is known to be
 * there, so that a JVM without it can still list the backend and say what is missing.
 */
public final class TornadoBackendProvider implements BackendProvider {
    /** System property: positions of the device KV cache pool shared by all sequences. */
    public static final String KV_POSITIONS_PROPERTY = "replique.tornadovm.kv-positions";

    static final String BAILOUT_PROPERTY = "tornado.recover.bailout";

    @Override
    public String name() {
        return "tornadovm";
    }

    @Override
    public Optional<String> unavailableReason() {
        if (ModuleLayer.boot().findModule("tornado.runtime").isEmpty()) {
            return Optional.of("the TornadoVM runtime is not on the module path: start the JVM with TornadoVM's "
                    + "argument file (java @$TORNADOVM_HOME/tornado-argfile …); TornadoVM is installed separately, "
                    + "see engine/tornadovm/README.md");
        }
        String bailout = System.getProperty(BAILOUT_PROPERTY);
        if (bailout == null) {
            // A kernel the device cannot compile would otherwise run as sequential Java, which is
            // wrong for work-group kernels: fail instead. Read when TornadoVM first starts, below.
            System.setProperty(BAILOUT_PROPERTY, "False");
        } else if (!bailout.equalsIgnoreCase("false")) {
            return Optional.of("-D" + BAILOUT_PROPERTY + "=" + bailout + " would let TornadoVM run a kernel it cannot "
                    + "compile as sequential Java, which gives wrong results for this backend's work-group kernels; "
                    + "use -D" + BAILOUT_PROPERTY + "=False");
        }
        if (System.getProperty(ForwardPlan.BYTECODE_PROPERTY) == null) {
            // Room for several layers per task graph (TornadoVM's default holds about two), read
            // when TornadoVM compiles its first graph.
            System.setProperty(ForwardPlan.BYTECODE_PROPERTY, String.valueOf(ForwardPlan.BYTECODE_BYTES));
        }
        return Device.problem();
    }

    @Override
    public Backend create(Model model, BackendOptions options) {
        if (options.kvType() != KvType.F32) {
            throw new IllegalArgumentException("the tornadovm backend keeps its KV cache in F32 (not "
                    + options.kvType().wireName() + ")");
        }
        return new TornadoBackend(model, Device.open(), Integer.getInteger(KV_POSITIONS_PROPERTY, 0));
    }
}
