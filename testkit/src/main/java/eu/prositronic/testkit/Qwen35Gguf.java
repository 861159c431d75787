package eu.prositronic.testkit;

import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.ggml.LlamaFileType;
import eu.prositronic.core.gguf.GgufValue;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a synthetic Qwen3.5 GGUF (all-zero weights, sparse file) that llama.cpp loads like a converted model.
 *
 * <p>Metadata keys are those written by conversion/qwen.py (Qwen3NextModel / Qwen3_5TextModel) and read by
 * {@code llama_model_base::load_hparams} plus {@code llama_model_qwen35[moe]::load_arch_hparams}.
 *
 * <p>Tokenizer ({@link Vocab}): the vocabulary size must be the real n_vocab (248320) so that token_embd/output
 * shapes, the logits and the output buffer equal the real model's. Two minimal encodings work with llama.cpp
 * (src/llama-vocab.cpp {@code llama_vocab::impl::load}):
 * <ul>
 * <li>{@link Vocab#NONE}: {@code tokenizer.ggml.model = "none"} plus {@code <arch>.vocab_size}; llama.cpp adds
 * n_vocab dummy tokens and no tokenizer. Enough for llama.cpp itself (llama-fit-params, llama-server without
 * requests), but any tokenize call aborts ({@code GGML_ASSERT(tokenizer && ...)} in llama-vocab.cpp), and
 * node-llama-cpp tokenizes while loading a model, so it aborts.</li>
 * <li>{@link Vocab#TEST} (default): {@code tokenizer.ggml.model = "test"} plus {@code tokenizer.ggml.tokens} with
 * n_vocab unique strings (the token id in hex); no scores, types or merges needed. The "test" tokenizer hashes
 * 5-byte chunks to ids. Costs about 2.4 MB of metadata.</li>
 * </ul>
 *
 * <p>Command line: {@code java -cp target/classes eu.prositronic.testkit.Qwen35Gguf SIZE TYPE OUT.gguf}, e.g.
 * {@code 4B q8_0 /tmp/q4b.gguf}.
 */
public final class Qwen35Gguf {
    private Qwen35Gguf() {}

    /** Minimal tokenizer encodings, see class comment. */
    public enum Vocab {
        NONE,
        TEST
    }

    public static GgufWriter writer(Qwen35Config c, Qwen35Tensors.TypePolicy policy, GgmlType nominal) {
        return writer(c, policy, nominal, Vocab.TEST);
    }

    public static GgufWriter writer(Qwen35Config c, Qwen35Tensors.TypePolicy policy, GgmlType nominal, Vocab vocab) {
        String a = c.architecture();
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", a);
        w.putString("general.name", "synthetic " + c.name);
        w.putUint32("general.file_type", LlamaFileType.uniform(nominal).id());
        w.putUint32("general.quantization_version", 2);
        w.putUint32(a + ".context_length", c.ctxTrain);
        w.putUint32(a + ".embedding_length", c.nEmbd);
        w.putUint32(a + ".block_count", c.nLayer);
        if (!c.isMoe()) {
            w.putUint32(a + ".feed_forward_length", c.nFf);
        }
        w.putUint32(a + ".attention.head_count", c.nHead);
        w.putUint32(a + ".attention.head_count_kv", c.nHeadKv);
        w.putUint32(a + ".attention.key_length", c.headDim);
        w.putUint32(a + ".attention.value_length", c.headDim);
        w.putFloat32(a + ".attention.layer_norm_rms_epsilon", c.rmsEps);
        w.putUint32(a + ".rope.dimension_count", c.ropeDimensionCount);
        w.putFloat32(a + ".rope.freq_base", c.ropeFreqBase);
        w.put(a + ".rope.dimension_sections", GgufValue.int32Array(11, 11, 10, 0));
        w.putUint32(a + ".ssm.conv_kernel", c.ssmConvKernel);
        w.putUint32(a + ".ssm.state_size", c.ssmStateSize);
        w.putUint32(a + ".ssm.group_count", c.ssmGroupCount);
        w.putUint32(a + ".ssm.time_step_rank", c.ssmTimeStepRank);
        w.putUint32(a + ".ssm.inner_size", c.ssmInnerSize);
        w.putUint32(a + ".full_attention_interval", c.fullAttentionInterval);
        if (c.isMoe()) {
            w.putUint32(a + ".expert_count", c.nExpert);
            w.putUint32(a + ".expert_used_count", c.nExpertUsed);
            w.putUint32(a + ".expert_feed_forward_length", c.nFfExp);
            w.putUint32(a + ".expert_shared_feed_forward_length", c.nFfShexp);
        }
        if (vocab == Vocab.NONE) {
            w.putUint32(a + ".vocab_size", c.nVocab);
            w.putString("tokenizer.ggml.model", "none");
        } else {
            w.putString("tokenizer.ggml.model", "test");
            List<String> tokens = new ArrayList<>(c.nVocab);
            for (int i = 0; i < c.nVocab; i++) {
                tokens.add(Integer.toHexString(i));
            }
            w.put("tokenizer.ggml.tokens", GgufValue.stringArray(tokens));
        }
        for (Qwen35Tensors.Spec s : Qwen35Tensors.generate(c)) {
            w.addTensor(s.name, policy.typeFor(s), s.shape);
        }
        return w;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 && args.length != 4) {
            System.err.println(
                    "usage: Qwen35Gguf SIZE TYPE OUT.gguf [test|none]   (SIZE: 0.8B 2B 4B 9B 27B 35B-A3B 122B-A10B"
                            + " 397B-A17B; TYPE: f16 q8_0 q4_0 ... for 2-D/3-D weights, norms stay f32; vocab default test)");
            System.exit(2);
        }
        Vocab vocab = args.length == 4 ? Vocab.valueOf(args[3].toUpperCase(java.util.Locale.ROOT)) : Vocab.TEST;
        Qwen35Config c = Qwen35Config.preset(args[0]);
        GgmlType t = GgmlType.fromName(args[1]);
        Path out = Paths.get(args[2]);
        GgufWriter w = writer(c, Qwen35Tensors.uniform(t), t, vocab);
        long size = w.write(out);
        System.out.println(out + " " + c.name + " " + c.architecture() + " " + t + " tensors="
                + w.layout().size() + " params=" + Qwen35Tensors.parameterCount(c) + " bytes=" + size);
    }
}
