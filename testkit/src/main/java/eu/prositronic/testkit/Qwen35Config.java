package eu.prositronic.testkit;

/**
 * Hyperparameters of a Qwen3.5 text model (GGUF architectures {@code qwen35} and {@code qwen35moe}), as far as
 * llama.cpp needs them to create the tensors and the memory modules.
 *
 * <p>Sizes from docs llama-cpp-memory.md section 1. Constants common to all sizes: vocab 248320, head_dim 256,
 * ssm group count 16, state size 128, conv kernel 4, full attention every 4th layer, ctx train 262144,
 * partial RoPE 64 dims, rope_theta 1e7.
 */
public final class Qwen35Config {
    public final String name;
    public final int nLayer;
    public final int nEmbd;
    public final int nHead;
    public final int nHeadKv;
    public final int headDim;
    /** Dense FFN width; 0 for MoE models. */
    public final int nFf;

    public final int ssmConvKernel;
    public final int ssmStateSize;
    public final int ssmGroupCount;
    /** Linear-attention V heads (GGUF ssm.time_step_rank). */
    public final int ssmTimeStepRank;
    /** 128 * V heads (GGUF ssm.inner_size). */
    public final int ssmInnerSize;

    public final int nVocab;
    public final boolean tiedEmbeddings;
    public final int nExpert;
    public final int nExpertUsed;
    public final int nFfExp;
    public final int nFfShexp;
    public final int fullAttentionInterval;
    public final int ctxTrain;
    public final int ropeDimensionCount;
    public final float ropeFreqBase;
    public final float rmsEps;

    public Qwen35Config(
            String name,
            int nLayer,
            int nEmbd,
            int nHead,
            int nHeadKv,
            int nFf,
            int vHeads,
            boolean tied,
            int nExpert,
            int nExpertUsed,
            int nFfExp,
            int nFfShexp) {
        this(
                name,
                nLayer,
                nEmbd,
                nHead,
                nHeadKv,
                256,
                nFf,
                4,
                128,
                16,
                vHeads,
                128 * vHeads,
                248320,
                tied,
                nExpert,
                nExpertUsed,
                nFfExp,
                nFfShexp,
                4,
                262144,
                64,
                1.0e7f,
                1.0e-6f);
    }

    public Qwen35Config(
            String name,
            int nLayer,
            int nEmbd,
            int nHead,
            int nHeadKv,
            int headDim,
            int nFf,
            int ssmConvKernel,
            int ssmStateSize,
            int ssmGroupCount,
            int ssmTimeStepRank,
            int ssmInnerSize,
            int nVocab,
            boolean tiedEmbeddings,
            int nExpert,
            int nExpertUsed,
            int nFfExp,
            int nFfShexp,
            int fullAttentionInterval,
            int ctxTrain,
            int ropeDimensionCount,
            float ropeFreqBase,
            float rmsEps) {
        this.name = name;
        this.nLayer = nLayer;
        this.nEmbd = nEmbd;
        this.nHead = nHead;
        this.nHeadKv = nHeadKv;
        this.headDim = headDim;
        this.nFf = nFf;
        this.ssmConvKernel = ssmConvKernel;
        this.ssmStateSize = ssmStateSize;
        this.ssmGroupCount = ssmGroupCount;
        this.ssmTimeStepRank = ssmTimeStepRank;
        this.ssmInnerSize = ssmInnerSize;
        this.nVocab = nVocab;
        this.tiedEmbeddings = tiedEmbeddings;
        this.nExpert = nExpert;
        this.nExpertUsed = nExpertUsed;
        this.nFfExp = nFfExp;
        this.nFfShexp = nFfShexp;
        this.fullAttentionInterval = fullAttentionInterval;
        this.ctxTrain = ctxTrain;
        this.ropeDimensionCount = ropeDimensionCount;
        this.ropeFreqBase = ropeFreqBase;
        this.rmsEps = rmsEps;
    }

    public boolean isMoe() {
        return nExpert > 0;
    }

    /** GGUF general.architecture. */
    public String architecture() {
        return isMoe() ? "qwen35moe" : "qwen35";
    }

    /** Layer il is recurrent (Gated DeltaNet) unless (il+1) % interval == 0 (llama.cpp load_arch_hparams). */
    public boolean isRecurrent(int il) {
        return (il + 1) % fullAttentionInterval != 0;
    }

    public int attentionLayers() {
        int n = 0;
        for (int i = 0; i < nLayer; i++) {
            if (!isRecurrent(i)) {
                n++;
            }
        }
        return n;
    }

    public int recurrentLayers() {
        return nLayer - attentionLayers();
    }

    /** hparams.n_embd_r() for Gated DeltaNet: (d_conv - 1) * (d_inner + 2 * n_group * d_state). */
    public long nEmbdR() {
        return (long) (ssmConvKernel - 1) * (ssmInnerSize + 2L * ssmGroupCount * ssmStateSize);
    }

    /** hparams.n_embd_s() for Gated DeltaNet: d_state * d_inner. */
    public long nEmbdS() {
        return (long) ssmStateSize * ssmInnerSize;
    }

    /** The Qwen3.5 sizes of the reference table: 0.8B, 2B, 4B, 9B, 27B, 35B-A3B, 122B-A10B, 397B-A17B. */
    public static Qwen35Config preset(String size) {
        switch (size.toUpperCase(java.util.Locale.ROOT)) {
            case "0.8B":
                return new Qwen35Config("Qwen3.5-0.8B", 24, 1024, 8, 2, 3584, 16, true, 0, 0, 0, 0);
            case "2B":
                return new Qwen35Config("Qwen3.5-2B", 24, 2048, 8, 2, 6144, 16, true, 0, 0, 0, 0);
            case "4B":
                return new Qwen35Config("Qwen3.5-4B", 32, 2560, 16, 4, 9216, 32, true, 0, 0, 0, 0);
            case "9B":
                return new Qwen35Config("Qwen3.5-9B", 32, 4096, 16, 4, 12288, 32, false, 0, 0, 0, 0);
            case "27B":
                return new Qwen35Config("Qwen3.5-27B", 64, 5120, 24, 4, 17408, 48, false, 0, 0, 0, 0);
            case "35B-A3B":
                return new Qwen35Config("Qwen3.5-35B-A3B", 40, 2048, 16, 2, 0, 32, false, 256, 8, 512, 512);
            case "122B-A10B":
                return new Qwen35Config("Qwen3.5-122B-A10B", 48, 3072, 32, 2, 0, 64, false, 256, 8, 1024, 1024);
            case "397B-A17B":
                return new Qwen35Config("Qwen3.5-397B-A17B", 60, 4096, 32, 2, 0, 64, false, 512, 10, 1024, 1024);
            default:
                throw new IllegalArgumentException("unknown Qwen3.5 size " + size
                        + " (known: 0.8B, 2B, 4B, 9B, 27B, 35B-A3B, 122B-A10B, 397B-A17B)");
        }
    }
}
