// ctxprobe: llama.cpp's own memory accounting for contexts made exactly as llama-server makes them, without
// allocating anything (llama-server's --fit dry run: common/fit.cpp loads with no_alloc = true and load mode NONE).
// Linked against the prebuilt libllama.v0.5.0.so of node-llama-cpp 3.22.1; build with build-ctxprobe.sh.
//
//   ctxprobe MODEL.gguf SPEC...     SPEC = ctx,ub,b,np,ctk,ctv,fa[,kvu]   e.g. 4096,512,2048,1,f16,f16,on
//   CTXPROBE_REAL=1 ctxprobe ...     allocates for real (mmap, KV, compute) instead: the same figures, slower
//
// The model is loaded once; for each SPEC one context is created and one JSON line is printed on stdout: the spec,
// the exact bytes of llama_get_memory_breakdown() per buffer type (model, context = KV cache + recurrent state,
// compute), and the llama.cpp log lines of that context (parse-log.mjs reads them). Settings, as llama-server at the
// pin (tools/server/server-context.cpp load_model, server_output_limits; tools/server/server.cpp):
//   n_ctx = ctx (the total, -c), n_batch = b (-b), n_ubatch = ub (-ub), n_seq_max = np (-np),
//   n_outputs_max = min(b, np) and n_outputs_max_per_seq = 1 (no drafting), kv_unified = kvu (false with an
//   explicit -np), swa_full = false, flash_attn_type = fa (on/off/auto), type_k/type_v = ctk/ctv.
#include "llama.h"
#include "llama-ext.h"
#include "ggml-backend.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

static std::string g_log;

static void log_cb(ggml_log_level, const char * text, void *) {
    g_log += text;
}

static std::string esc(const std::string & s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '"': o += "\\\""; break;
            case '\\': o += "\\\\"; break;
            case '\n': o += "\\n"; break;
            case '\t': o += "\\t"; break;
            default:
                if ((unsigned char) c < 0x20) {
                    char b[8];
                    snprintf(b, sizeof b, "\\u%04x", c);
                    o += b;
                } else {
                    o += c;
                }
        }
    }
    return o;
}

static ggml_type cache_type(const std::string & s) {
    // common/arg.cpp kv_cache_types
    const struct { const char * n; ggml_type t; } types[] = {
        {"f32", GGML_TYPE_F32}, {"f16", GGML_TYPE_F16}, {"bf16", GGML_TYPE_BF16}, {"q8_0", GGML_TYPE_Q8_0},
        {"q4_0", GGML_TYPE_Q4_0}, {"q4_1", GGML_TYPE_Q4_1}, {"iq4_nl", GGML_TYPE_IQ4_NL}, {"q5_0", GGML_TYPE_Q5_0},
        {"q5_1", GGML_TYPE_Q5_1},
    };
    for (const auto & x : types) {
        if (s == x.n) {
            return x.t;
        }
    }
    fprintf(stderr, "unknown cache type %s\n", s.c_str());
    exit(2);
}

static std::vector<std::string> split(const std::string & s, char d) {
    std::vector<std::string> out;
    size_t p = 0;
    for (;;) {
        size_t q = s.find(d, p);
        out.push_back(s.substr(p, q == std::string::npos ? std::string::npos : q - p));
        if (q == std::string::npos) {
            return out;
        }
        p = q + 1;
    }
}

int main(int argc, char ** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: ctxprobe MODEL.gguf ctx,ub,b,np,ctk,ctv,fa[,kvu]...\n");
        return 2;
    }
    llama_log_set(log_cb, nullptr);
    // the CPU backend variants (libggml-cpu-<arch>.so) lie beside the prebuilt libllama; the best one for this CPU
    // is chosen by ggml's scoring, as in node-llama-cpp
    const char * dir = getenv("CTXPROBE_BACKENDS");
#ifdef CTXPROBE_BACKENDS_DIR
    if (!dir) {
        dir = CTXPROBE_BACKENDS_DIR;
    }
#endif
    if (dir) {
        ggml_backend_load_all_from_path(dir);
    } else {
        ggml_backend_load_all();
    }
    llama_backend_init();

    llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    // CTXPROBE_REAL=1: allocate for real (mmap the file, allocate KV and compute) to check the dry run against
    const bool real = getenv("CTXPROBE_REAL") && std::string(getenv("CTXPROBE_REAL")) == "1";
    mp.no_alloc = !real;
    mp.load_mode = real ? LLAMA_LOAD_MODE_MMAP : LLAMA_LOAD_MODE_NONE;
    llama_model * model = llama_model_load_from_file(argv[1], mp);
    std::string model_log = g_log;
    g_log.clear();
    if (!model) {
        printf("{\"error\":\"failed to load model\",\"log\":\"%s\"}\n", esc(model_log).c_str());
        return 1;
    }
    printf("{\"model_log\":\"%s\"}\n", esc(model_log).c_str());
    fflush(stdout);

    for (int i = 2; i < argc; i++) {
        std::vector<std::string> f = split(argv[i], ',');
        if (f.size() != 7 && f.size() != 8) {
            fprintf(stderr, "bad spec %s\n", argv[i]);
            return 2;
        }
        const int ctx = atoi(f[0].c_str()), ub = atoi(f[1].c_str()), b = atoi(f[2].c_str()), np = atoi(f[3].c_str());
        const bool kvu = f.size() == 8 && (f[7] == "1" || f[7] == "true" || f[7] == "kvu");
        llama_context_params cp = llama_context_default_params();
        cp.n_ctx = ctx;
        cp.n_batch = b;
        cp.n_ubatch = ub;
        cp.n_seq_max = np;
        cp.n_outputs_max = (uint32_t) std::min(b, np);
        cp.n_outputs_max_per_seq = 1;
        cp.kv_unified = kvu;
        cp.swa_full = false;
        cp.type_k = cache_type(f[4]);
        cp.type_v = cache_type(f[5]);
        cp.flash_attn_type = f[6] == "on"    ? LLAMA_FLASH_ATTN_TYPE_ENABLED
                             : f[6] == "off" ? LLAMA_FLASH_ATTN_TYPE_DISABLED
                                             : LLAMA_FLASH_ATTN_TYPE_AUTO;
        g_log.clear();
        llama_context * lctx = llama_init_from_model(model, cp);
        std::string out = "{\"spec\":\"" + esc(argv[i]) + "\",\"ok\":" + (lctx ? "true" : "false") + ",\"breakdown\":[";
        if (lctx) {
            bool first = true;
            for (const auto & [buft, mb] : llama_get_memory_breakdown(lctx)) {
                char b2[256];
                snprintf(b2, sizeof b2, "%s{\"buft\":\"%s\",\"host\":%s,\"model\":%zu,\"context\":%zu,\"compute\":%zu}",
                         first ? "" : ",", ggml_backend_buft_name(buft), ggml_backend_buft_is_host(buft) ? "true" : "false",
                         mb.model, mb.context, mb.compute);
                out += b2;
                first = false;
            }
            llama_free(lctx);
        }
        out += "],\"log\":\"" + esc(g_log) + "\"}";
        printf("%s\n", out.c_str());
        fflush(stdout);
    }
    llama_model_free(model);
    return 0;
}
