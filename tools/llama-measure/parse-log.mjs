// Parses llama.cpp log lines (v0.5.0 wording) into a result object. Shared by measure.mjs (node-llama-cpp) and
// measure-server.mjs (llama-server). Each regex names the llama.cpp source line it reads.
export const MIB = 1024 * 1024;
export const mib = (s) => Math.round(Number(s) * MIB); // log value in MiB -> bytes (rounded; logs have 2 or 4 decimals)

// Parses one llama.cpp log line into the result object. Each regex names the llama.cpp line it reads.
export function parseLine(line, r) {
    r.model_info ??= {};
    r.model_buffers_mib ??= {};
    r.cparams ??= {};
    r.output_buffer_mib ??= {};
    r.kv ??= {buffers_mib: {}};
    r.rs ??= {buffers_mib: {}};
    r.compute_buffers_mib ??= {};
    r.compute_buffers_mib_4dp ??= {};
    let m;
    // src/llama-model.cpp load_tensors: "%s: %12s model buffer size = %8.2f MiB"
    if ((m = line.match(/^load_tensors:\s+(\S+) model buffer size =\s+([\d.]+) MiB/))) {
        r.model_buffers_mib[m[1]] = Number(m[2]);
        return;
    }
    // src/llama-model-loader.cpp: "file size   = %.2f MiB (%.2f BPW)"
    if ((m = line.match(/file size\s+=\s+([\d.]+) (MiB|GiB) \(([\d.]+) BPW\)/))) {
        r.file_size_mib = m[2] === "GiB" ? Number(m[1]) * 1024 : Number(m[1]);
        r.file_bpw = Number(m[3]);
        return;
    }
    // src/llama-context.cpp llama_context(): "n_seq_max = %u" etc.
    if ((m = line.match(/^llama_context: (n_seq_max|n_ctx|n_ctx_seq|n_batch|n_ubatch|causal_attn|flash_attn|kv_unified|n_rs_seq|n_outputs_max|n_outputs_max_per_seq|freq_base)\s+=\s+(\S+)/))) {
        const v = m[2];
        r.cparams[m[1]] = /^-?[\d.]+$/.test(v) ? Number(v) : v;
        return;
    }
    // src/llama-context.cpp: "%10s  output buffer size = %8.2f MiB"
    if ((m = line.match(/^llama_context:\s+(\S+)\s+output buffer size =\s+([\d.]+) MiB/))) {
        r.output_buffer_mib[m[1]] = Number(m[2]);
        return;
    }
    // src/llama-kv-cache.cpp: "%10s KV buffer size = %8.2f MiB"
    if ((m = line.match(/^llama_kv_cache:\s+(\S+) KV buffer size =\s+([\d.]+) MiB/))) {
        r.kv.buffers_mib[m[1]] = Number(m[2]);
        return;
    }
    // src/llama-kv-cache.cpp: "size = %7.2f MiB (%6u cells, %3d layers, %2u/%u seqs), K (%s): %7.2f MiB, V (%s): %7.2f MiB"
    if ((m = line.match(/^llama_kv_cache: size =\s+([\d.]+) MiB \(\s*(\d+) cells,\s*(\d+) layers,\s*(\d+)\/\s*(\d+) seqs\), K \((\w+)\):\s+([\d.]+) MiB, V \((\w+)\):\s+([\d.]+) MiB/))) {
        Object.assign(r.kv, {
            size_mib: Number(m[1]), cells: Number(m[2]), layers: Number(m[3]), seqs: Number(m[4]), n_stream: Number(m[5]),
            type_k: m[6], k_mib: Number(m[7]), type_v: m[8], v_mib: Number(m[9])
        });
        return;
    }
    // src/llama-memory-recurrent.cpp: "%10s RS buffer size = %8.2f MiB"
    if ((m = line.match(/^llama_memory_recurrent:\s+(\S+) RS buffer size =\s+([\d.]+) MiB/))) {
        r.rs.buffers_mib[m[1]] = Number(m[2]);
        return;
    }
    // src/llama-memory-recurrent.cpp: "size = %7.2f MiB (%6u cells, %3d layers, %2u seqs %2u rs_seq), R (%s): %7.2f MiB, S (%s): %7.2f MiB, P (%s): %7.2f MiB"
    if ((m = line.match(/^llama_memory_recurrent: size =\s+([\d.]+) MiB \(\s*(\d+) cells,\s*(\d+) layers,\s*(\d+) seqs\s+(\d+) rs_seq\), R \((\w+)\):\s+([\d.]+) MiB, S \((\w+)\):\s+([\d.]+) MiB(?:, P \((\w+)\):\s+([\d.]+) MiB)?/))) {
        Object.assign(r.rs, {
            size_mib: Number(m[1]), cells: Number(m[2]), layers: Number(m[3]), seqs: Number(m[4]), rs_seq: Number(m[5]),
            type_r: m[6], r_mib: Number(m[7]), type_s: m[8], s_mib: Number(m[9]),
            type_p: m[10] ?? null, p_mib: m[11] != null ? Number(m[11]) : null
        });
        return;
    }
    // src/llama-context.cpp sched_reserve: "%10s compute buffer size = %8.2f MiB"
    if ((m = line.match(/^sched_reserve:\s+(\S+) compute buffer size =\s+([\d.]+) MiB/))) {
        r.compute_buffers_mib[m[1]] = Number(m[2]);
        return;
    }
    // src/llama-context.cpp ~llama_context (debug): "%10s compute buffer size is %8.4f MiB, matches expectation of %8.4f MiB"
    if ((m = line.match(/~llama_context:\s+(\S+) compute buffer size (?:is|of)\s+([\d.]+) MiB/))) {
        r.compute_buffers_mib_4dp[m[1]] = Number(m[2]);
        return;
    }
    // src/llama-context.cpp sched_reserve: "graph...: nodes = %s, splits = %s, ..."
    if ((m = line.match(/^sched_reserve: graph.*nodes = ([\d /]+), splits = ([\d /]+)/))) {
        r.graph = {nodes: m[1].trim(), splits: m[2].trim()};
        return;
    }
    // src/llama-context.cpp sched_reserve (debug): "max_nodes = %zu", "worst-case: n_tokens = %d, n_seqs = %d, n_outputs = %d"
    if ((m = line.match(/^sched_reserve: max_nodes = (\d+)/))) {
        r.max_nodes = Number(m[1]);
        return;
    }
    if ((m = line.match(/^sched_reserve: worst-case: n_tokens = (\d+), n_seqs = (\d+), n_outputs = (\d+)/))) {
        r.worst_case = {n_tokens: Number(m[1]), n_seqs: Number(m[2]), n_outputs: Number(m[3])};
        return;
    }
    // src/llama-vocab.cpp print_info / src/llama-model.cpp print_info
    if ((m = line.match(/^print_info: no_alloc\s+=\s+(\d)/))) {
        r.no_alloc = m[1] === "1";
        return;
    }
    if ((m = line.match(/^print_info: (n_vocab|n_layer|n_embd|n_head|n_head_kv|n_ctx_train|n_embd_k_gqa|n_embd_v_gqa|n_ff|n_expert|n_expert_used|ssm_d_conv|ssm_d_inner|ssm_d_state|ssm_dt_rank|ssm_n_group|model type|model params|file type)\s+=\s+(.+)$/))) {
        r.model_info[m[1].replace(" ", "_")] = m[2].trim();
    }
}

