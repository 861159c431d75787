package eu.prositronic.testkit;

import eu.prositronic.core.catalog.Architecture;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.CatalogLoader;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.ggml.LlamaFileType;
import eu.prositronic.core.problem.ProsiException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Builds a synthetic GGUF (all-zero weights, sparse file) with the exact shapes of a catalog model, which llama.cpp
 * loads like a converted model: the architecture comes from the catalog's {@link ModelSpec#architecture()}, the tensor
 * table and the family's own metadata from its {@link Family}.
 *
 * <p>Tokenizer ({@link Vocab}): the vocabulary size must be the real n_vocab so that token_embd/output shapes, the
 * logits and the output buffer equal the real model's. Two minimal encodings work with llama.cpp
 * (src/llama-vocab.cpp {@code llama_vocab::impl::load}):
 * <ul>
 * <li>{@link Vocab#NONE}: {@code tokenizer.ggml.model = "none"} plus {@code <arch>.vocab_size}; llama.cpp adds
 * n_vocab dummy tokens and no tokenizer. Enough for llama.cpp itself (llama-fit-params, llama-server without
 * requests), but any tokenize call aborts ({@code GGML_ASSERT(tokenizer && ...)} in llama-vocab.cpp), and
 * node-llama-cpp tokenizes while loading a model, so it aborts.</li>
 * <li>{@link Vocab#TEST} (default): {@code tokenizer.ggml.model = "test"} plus {@code tokenizer.ggml.tokens} with
 * n_vocab unique strings (the token id in hex); no scores, types or merges needed. The "test" tokenizer hashes
 * 5-byte chunks to ids. Costs about 2.4 MB of metadata for Qwen3.5.</li>
 * </ul>
 *
 * <p>Command line (tools/llama-measure/README.md): {@code java -jar
 * testkit/target/prositronic-testkit-<version>-synthetic-gguf.jar qwen3-5-4b q8_0 /tmp/qwen35-4B-q8_0.gguf}.
 *
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-vocab.cpp#L1939-L1968">src/llama-vocab.cpp L1939-L1968</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-vocab.cpp#L3413-L3417">src/llama-vocab.cpp L3413-L3417</a>
 * @see <a href="https://github.com/ggml-org/llama.cpp/blob/7fe450e19305b828c199d602c23a8337aaa1f03b/src/llama-vocab.cpp#L3612-L3640">src/llama-vocab.cpp L3612-L3640</a>
 */
public final class SyntheticGguf {
    private SyntheticGguf() {}

    /** Minimal tokenizer encodings, see class comment. */
    public enum Vocab {
        NONE,
        TEST
    }

    /** Every weight matrix {@code weights}, norms F32, the "test" tokenizer. */
    public static GgufWriter writer(ModelSpec model, GgmlType weights) {
        return writer(model, ModelTensors.uniform(weights), weights, Vocab.TEST);
    }

    public static GgufWriter writer(ModelSpec model, ModelTensors.TypePolicy policy, GgmlType nominal, Vocab vocab) {
        Architecture arch = model.architecture();
        Family family = Family.of(arch.ggufArchitecture());
        String a = arch.ggufArchitecture();
        Architecture.Attention at = arch.attention();
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", a);
        w.putString("general.name", "synthetic " + model.name());
        w.putUint32("general.file_type", LlamaFileType.uniform(nominal).id());
        w.putUint32("general.quantization_version", 2);
        w.putUint32(a + ".context_length", arch.contextLength());
        w.putUint32(a + ".embedding_length", arch.embeddingLength());
        w.putUint32(a + ".block_count", arch.blockCount());
        if (arch.moe().isEmpty()) {
            w.putUint32(a + ".feed_forward_length", arch.feedForwardLength());
        }
        w.putUint32(a + ".attention.head_count", at.headCount());
        w.putUint32(a + ".attention.head_count_kv", at.headCountKv());
        w.putUint32(a + ".attention.key_length", at.keyLength());
        w.putUint32(a + ".attention.value_length", at.valueLength());
        family.metadata(w, arch);
        if (vocab == Vocab.NONE) {
            w.putUint32(a + ".vocab_size", arch.vocabSize());
            w.putString("tokenizer.ggml.model", "none");
        } else {
            w.putString("tokenizer.ggml.model", "test");
            List<String> tokens = new ArrayList<>(arch.vocabSize());
            for (int i = 0; i < arch.vocabSize(); i++) {
                tokens.add(Integer.toHexString(i));
            }
            w.put("tokenizer.ggml.tokens", eu.prositronic.core.gguf.GgufValue.stringArray(tokens));
        }
        for (ModelTensors.Spec s : family.tensors(arch)) {
            w.addTensor(s.name, policy.typeFor(s), s.shape);
        }
        return w;
    }

    /** A model of the embedded catalog, by id or alias. */
    public static ModelSpec catalogModel(String idOrAlias) {
        Catalog catalog;
        try {
            catalog = CatalogLoader.load(Optional.empty());
        } catch (ProsiException e) {
            throw new IllegalStateException("cannot load the embedded catalog: " + e.getMessage(), e);
        }
        return catalog.model(idOrAlias)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no catalog model `" + idOrAlias + "`; known: " + String.join(", ", catalog.modelIds())));
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: SyntheticGguf CATALOG-MODEL-ID TYPE OUT.gguf [test|none]\n"
                    + "  CATALOG-MODEL-ID: a model of the embedded catalog whose GGUF architecture is one of "
                    + String.join(", ", Family.known()) + " (e.g. qwen3-5-4b)\n"
                    + "  TYPE: f16 q8_0 q4_0 ... for 2-D/3-D weights, norms stay f32; BASE+EXPERTS (e.g. q5_0+mxfp4)"
                    + " puts the routed experts at EXPERTS; vocab default test");
            System.exit(2);
        }
        ModelSpec model = catalogModel(args[0]);
        String[] types = args[1].split("\\+", 2);
        GgmlType t = GgmlType.fromName(types[0]);
        ModelTensors.TypePolicy policy =
                types.length == 2 ? ModelTensors.withExperts(t, GgmlType.fromName(types[1])) : ModelTensors.uniform(t);
        Path out = Path.of(args[2]);
        Vocab vocab = args.length == 4 ? Vocab.valueOf(args[3].toUpperCase(Locale.ROOT)) : Vocab.TEST;
        GgufWriter w = writer(model, policy, t, vocab);
        long size = w.write(out);
        System.out.println(out + " " + model.id() + " " + model.architecture().ggufArchitecture() + " " + args[1]
                + " tensors=" + w.layout().size() + " params=" + ModelTensors.parameterCount(model.architecture())
                + " bytes=" + size);
    }
}
