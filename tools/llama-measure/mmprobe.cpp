// mmprobe: what llama.cpp's multimodal projector (tools/mtmd, clip.cpp) allocates for an mmproj GGUF, read with the
// same call llama-server makes before it fits its parameters (mtmd_get_memory_usage, tools/server/server-context.cpp
// load_model): a no-alloc load that reserves the warmup graph. Prints one JSON line: weights and compute per device,
// read from clip's own accounting (ctx_clip.mem_usage is ggml_nbytes of every loaded tensor, mem_compute the
// scheduler's buffer sizes of the warmup graph).
//
// usage: mmprobe MMPROJ.gguf [gpu 0|1] [flash_attn auto|on|off]
#include "mtmd.h"
#include "ggml-backend.h"
#include "gguf.h"
#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char ** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s MMPROJ.gguf [use_gpu 0|1] [flash_attn auto|on|off]\n", argv[0]);
        return 2;
    }
    ggml_backend_load_all();
    mtmd_context_params p = mtmd_context_params_default();
    p.use_gpu = argc > 2 ? std::strcmp(argv[2], "1") == 0 : true;
    p.warmup = true;
    p.n_threads = 1;
    std::string fa = argc > 3 ? argv[3] : "auto";
    p.flash_attn_type = fa == "on" ? LLAMA_FLASH_ATTN_TYPE_ENABLED
                      : fa == "off" ? LLAMA_FLASH_ATTN_TYPE_DISABLED : LLAMA_FLASH_ATTN_TYPE_AUTO;
    // the file's tensor bytes: what clip counts as weights (ggml_nbytes of every loaded tensor)
    size_t tensor_bytes = 0;
    {
        gguf_init_params gp = {/*.no_alloc =*/ true, /*.ctx =*/ nullptr};
        gguf_context * g = gguf_init_from_file(argv[1], gp);
        if (!g) { fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
        for (int64_t i = 0; i < gguf_get_n_tensors(g); i++) tensor_bytes += gguf_get_tensor_size(g, i);
        gguf_free(g);
    }
    auto mem = mtmd_get_memory_usage(argv[1], p);
    printf("{\"file\":\"%s\",\"flashAttn\":\"%s\",\"tensorBytes\":%zu,\"devices\":{", argv[1], fa.c_str(), tensor_bytes);
    bool first = true;
    for (auto & [dev, size] : mem) {
        printf("%s\"%s\":%zu", first ? "" : ",", ggml_backend_dev_name(dev), size);
        first = false;
    }
    printf("}}\n");
    return mem.empty() ? 1 : 0;
}
