package org.replique.server.hf;

import static org.replique.server.hf.HfFolderException.Kind;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.replique.engine.gguf.GgmlType;
import org.replique.engine.model.ModelConfig;
import org.replique.engine.model.ModelFile;
import org.replique.engine.file.ModelFileException;
import org.replique.engine.model.ModelTensor;
import org.replique.engine.tensor.RowOrder;
import org.replique.engine.tokenizer.Vocabulary;

/**
 * A Hugging Face model folder as a {@link ModelFile}: {@code config.json} gives the configuration,
 * the {@code *.safetensors} shards (listed by {@code model.safetensors.index.json} when there is
 * one) are memory-mapped and their tensors renamed to the engine's names, and the tokenizer comes
 * from {@code tokenizer.model} or {@code tokenizer.json}. Nothing is copied: the Q and K
 * projections, stored in Hugging Face's rotate-half order, are views that carry that
 * {@link RowOrder} (the forward pass puts their results in its order).
 */
public final class HfFolder implements ModelFile {
    static final String CONFIG = "config.json";
    static final String INDEX = "model.safetensors.index.json";

    private final Path folder;
    private final Arena arena;
    private final ModelConfig config;
    private final Vocabulary vocabulary;
    private final Map<String, ModelTensor> tensors;
    private final long size;
    private boolean closed;

    private HfFolder(Path folder, Arena arena, ModelConfig config, Vocabulary vocabulary,
                     Map<String, ModelTensor> tensors, long size) {
        this.folder = folder;
        this.arena = arena;
        this.config = config;
        this.vocabulary = vocabulary;
        this.tensors = tensors;
        this.size = size;
    }

    /** Opens a folder; throws {@link HfFolderException} saying what is missing or wrong. */
    public static HfFolder open(Path folder) {
        HfConfig config = HfConfig.read(folder);
        Vocabulary vocabulary = HfTokenizer.read(folder, config);
        Arena arena = Arena.ofShared();
        try {
            long size = 0;
            Map<String, ModelTensor> tensors = new LinkedHashMap<>();
            Map<String, String> index = index(folder);
            for (Path shard : shards(folder, index)) {
                SafetensorsFile file = SafetensorsFile.open(shard, arena);
                size += file.size();
                for (SafetensorsFile.Tensor t : file.tensors().values()) {
                    String name = HfTensorNames.engineName(t.name());
                    if (name == null || (name.equals("output.weight") && config.tiedEmbeddings())) continue;
                    if (index != null && !shard.getFileName().toString().equals(index.get(t.name()))) continue;
                    if (tensors.containsKey(name)) {
                        throw new HfFolderException(Kind.CORRUPT_HEADER, shard, "tensor '" + t.name()
                                + "' is also in another shard");
                    }
                    tensors.put(name, tensor(shard, name, t, config.model().headDim()));
                }
            }
            if (index != null) {
                for (var e : index.entrySet()) {
                    String name = HfTensorNames.engineName(e.getKey());
                    if (name != null && !tensors.containsKey(name) && !(name.equals("output.weight") && config.tiedEmbeddings())) {
                        throw new HfFolderException(Kind.MISSING_TENSOR, folder.resolve(e.getValue()), "tensor '"
                                + e.getKey() + "' is not in the shard the index names");
                    }
                }
            }
            if (!config.tiedEmbeddings() && !tensors.containsKey("output.weight")) {
                throw new HfFolderException(Kind.MISSING_TENSOR, folder, "tensor 'lm_head.weight' is missing"
                        + " (config.json says tie_word_embeddings is false)");
            }
            return new HfFolder(folder, arena, config.model(), vocabulary, Collections.unmodifiableMap(tensors), size);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * The vocabulary of a folder, for tokenizing without loading weights; {@code config.json} is
     * used when present.
     */
    public static Vocabulary readVocabulary(Path folder) {
        HfConfig config = Files.isRegularFile(folder.resolve(CONFIG)) ? HfConfig.read(folder) : null;
        return HfTokenizer.read(folder, config);
    }

    private static ModelTensor tensor(Path shard, String name, SafetensorsFile.Tensor t, int headDim) {
        GgmlType type = switch (t.dtype()) {
            case "F32" -> GgmlType.F32;
            case "F16" -> GgmlType.F16;
            case "BF16" -> GgmlType.BF16;
            default -> throw new HfFolderException(Kind.UNSUPPORTED_DTYPE, shard, "tensor '" + t.name() + "' is "
                    + t.dtype() + "; supported types are F32, F16 and BF16");
        };
        long[] shape = new long[t.shape().length];
        for (int i = 0; i < shape.length; i++) shape[i] = t.shape()[shape.length - 1 - i]; // row-major → ggml order
        RowOrder order = HfTensorNames.isRotateHalf(name) ? RowOrder.rotateHalf(headDim) : RowOrder.IDENTITY;
        return new ModelTensor(t.name(), type, shape, t.data(), order);
    }

    /** {@code weight_map} of the index (tensor → shard file name), or null when there is no index. */
    private static Map<String, String> index(Path folder) {
        Path file = folder.resolve(INDEX);
        if (!Files.isRegularFile(file)) return null;
        try {
            JsonObject map = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
                    .getAsJsonObject().getAsJsonObject("weight_map");
            if (map == null) throw new JsonParseException("no 'weight_map'");
            Map<String, String> index = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : map.entrySet()) {
                String shard = e.getValue().getAsString();
                // A file of the folder, by name only: no path, no parent, nothing a file system refuses.
                if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.startsWith(".")
                        || shard.chars().anyMatch(c -> c < 0x20)) {
                    throw new HfFolderException(Kind.CORRUPT_HEADER, file, "shard name '" + shard + "' is not a file of the folder");
                }
                index.put(e.getKey(), shard);
            }
            return index;
        } catch (IOException e) {
            throw new HfFolderException(Kind.IO_ERROR, file, "cannot read: " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | ClassCastException e) {
            throw new HfFolderException(Kind.CORRUPT_HEADER, file, "not a safetensors index: " + e.getMessage(), e);
        }
    }

    /** The shards the index names (each must exist), else every {@code *.safetensors} of the folder. */
    private static List<Path> shards(Path folder, Map<String, String> index) {
        if (index != null) {
            Set<String> names = new LinkedHashSet<>(index.values());
            List<Path> shards = new ArrayList<>();
            for (String name : names) {
                Path shard = folder.resolve(name);
                if (!Files.isRegularFile(shard)) {
                    throw new HfFolderException(Kind.MISSING_SHARD, shard, "shard named by " + INDEX + " is missing");
                }
                shards.add(shard);
            }
            return shards;
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> shards = files.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .filter(Files::isRegularFile).sorted().toList();
            if (shards.isEmpty()) {
                boolean pytorch;
                try (Stream<Path> all = Files.list(folder)) {
                    pytorch = all.anyMatch(p -> p.getFileName().toString().endsWith(".bin"));
                }
                throw new HfFolderException(Kind.MISSING_SHARD, folder, "no *.safetensors weights"
                        + (pytorch ? " (PyTorch .bin weights are not read: use the safetensors files of the model)" : ""));
            }
            return shards;
        } catch (IOException e) {
            throw new HfFolderException(Kind.IO_ERROR, folder, "cannot list: " + e.getMessage(), e);
        }
    }

    @Override
    public Path path() {
        return folder;
    }

    @Override
    public String name() {
        Path name = folder.toAbsolutePath().normalize().getFileName();
        return name == null ? folder.toString() : name.toString();
    }

    @Override
    public long sizeBytes() {
        return size;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public Map<String, ModelTensor> tensors() {
        return tensors;
    }

    @Override
    public String sourceName(String engineName) {
        return HfTensorNames.hfName(engineName);
    }

    @Override
    public ModelFileException error(Problem problem, String detail) {
        Kind kind = switch (problem) {
            case MISSING_TENSOR -> Kind.MISSING_TENSOR;
            case SHAPE_MISMATCH -> Kind.SHAPE_MISMATCH;
            case UNSUPPORTED_TYPE -> Kind.UNSUPPORTED_DTYPE;
        };
        return new HfFolderException(kind, folder, detail);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
