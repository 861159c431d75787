#!/usr/bin/env node
// Loads a GGUF with node-llama-cpp (prebuilt llama.cpp, CPU only), creates one context and prints
// ONE JSON object on stdout with llama.cpp's own memory accounting, parsed from its log lines.
//
// Usage:
//   node measure.mjs MODEL.gguf [--ctx N] [--batch N] [--ubatch N] [--parallel N]
//        [--cache-type-k T] [--cache-type-v T] [--flash-attn on|off|auto] [--gpu-layers 0]
//        [--threads N] [--mmap on|off] [--log FILE] [--sweep SWEEP.json]
//
// With --sweep, the model is loaded once and one context per entry of SWEEP.json (a JSON array of objects with
// keys ctx, batch, ubatch, parallel, cacheTypeK, cacheTypeV, flashAttn, threads; missing keys take the CLI values)
// is created and disposed in turn; one JSON line is printed per entry, with the equivalent single command.
//
// Semantics (see README.md):
//   --ctx       total n_ctx handed to llama_context (same meaning as llama-server -c); llama.cpp pads it to 256
//   --batch     n_batch. node-llama-cpp ALWAYS sets n_ubatch = n_batch (AddonContext.cpp), and leaves
//               n_outputs_max = 0, i.e. n_outputs_max = n_batch
//   --ubatch    accepted for symmetry with llama-server; must equal --batch (or be omitted)
//   --parallel  n_seq_max (node-llama-cpp "sequences"); kv_unified is always false in node-llama-cpp
import process from "node:process";
import fs from "node:fs";
import {getLlama, LlamaLogLevel} from "node-llama-cpp";
import {parseLine, mib} from "./parse-log.mjs";

// ggml_type ids (ggml/include/ggml.h enum ggml_type)
const GGML_TYPE_IDS = {
    f32: 0, f16: 1, q4_0: 2, q4_1: 3, q5_0: 6, q5_1: 7, q8_0: 8, iq4_nl: 20, bf16: 30
};

function usage(msg) {
    if (msg) process.stderr.write("error: " + msg + "\n");
    process.stderr.write("usage: node measure.mjs MODEL.gguf [--ctx N] [--batch N] [--ubatch N] [--parallel N] " +
        "[--cache-type-k T] [--cache-type-v T] [--flash-attn on|off|auto] [--gpu-layers 0] [--threads N] " +
        "[--mmap on|off] [--log FILE]\n");
    process.exit(2);
}

function parseArgs(argv) {
    const o = {
        model: null, ctx: 4096, batch: null, ubatch: null, parallel: 1,
        cacheTypeK: "f16", cacheTypeV: "f16", flashAttn: "on", gpuLayers: 0, threads: null,
        mmap: "on", log: null
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = () => {
            if (i + 1 >= argv.length) usage("missing value for " + a);
            return argv[++i];
        };
        const int = () => {
            const v = next();
            if (!/^\d+$/.test(v)) usage("not a non-negative integer for " + a + ": " + v);
            return Number(v);
        };
        switch (a) {
            case "--ctx": case "-c": o.ctx = int(); break;
            case "--batch": case "-b": o.batch = int(); break;
            case "--ubatch": case "-ub": o.ubatch = int(); break;
            case "--parallel": case "-np": o.parallel = int(); break;
            case "--cache-type-k": case "-ctk": o.cacheTypeK = next(); break;
            case "--cache-type-v": case "-ctv": o.cacheTypeV = next(); break;
            case "--flash-attn": case "-fa": o.flashAttn = next(); break;
            case "--gpu-layers": case "-ngl": o.gpuLayers = int(); break;
            case "--threads": case "-t": o.threads = int(); break;
            case "--mmap": o.mmap = next(); break;
            case "--log": o.log = next(); break;
            case "-h": case "--help": usage(); break;
            default:
                if (a.startsWith("-") || o.model != null) usage("unexpected argument " + a);
                o.model = a;
        }
    }
    if (o.model == null) usage("no model path");
    if (o.batch == null && o.ubatch == null) o.batch = o.ubatch = 512;
    else if (o.batch == null) o.batch = o.ubatch;
    else if (o.ubatch == null) o.ubatch = o.batch;
    if (o.batch !== o.ubatch)
        usage("node-llama-cpp sets n_ubatch = n_batch; --batch and --ubatch must be equal");
    if (o.parallel < 1) usage("--parallel must be >= 1");
    for (const t of [o.cacheTypeK, o.cacheTypeV])
        if (!(t in GGML_TYPE_IDS)) usage("unknown cache type " + t + " (known: " + Object.keys(GGML_TYPE_IDS).join(", ") + ")");
    if (!["on", "off", "auto"].includes(o.flashAttn)) usage("--flash-attn must be on, off or auto");
    if (!["on", "off"].includes(o.mmap)) usage("--mmap must be on or off");
    if (o.gpuLayers !== 0) usage("only --gpu-layers 0 is supported (CPU build)");
    return o;
}

function procStatus() {
    const out = {};
    try {
        const txt = fs.readFileSync("/proc/self/status", "utf8");
        for (const key of ["VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM", "VmSize"]) {
            const m = txt.match(new RegExp("^" + key + ":\\s+(\\d+) kB", "m"));
            if (m) out[key + "_bytes"] = Number(m[1]) * 1024;
        }
    } catch {
        // not Linux
    }
    out.rss_bytes = process.memoryUsage().rss;
    return out;
}

const CONTEXT_KEYS = ["ctx", "batch", "ubatch", "parallel", "cacheTypeK", "cacheTypeV", "flashAttn", "threads"];
const FLAG_OF = {ctx: "--ctx", batch: "--batch", ubatch: "--ubatch", parallel: "--parallel", cacheTypeK: "--cache-type-k",
    cacheTypeV: "--cache-type-v", flashAttn: "--flash-attn", threads: "--threads"};

function singleCommand(o) {
    const parts = ["node", "measure.mjs", o.model];
    for (const k of CONTEXT_KEYS)
        if (o[k] != null) parts.push(FLAG_OF[k], String(o[k]));
    parts.push("--gpu-layers", String(o.gpuLayers), "--mmap", o.mmap);
    return parts.join(" ");
}

function newContextResult() {
    return {
        cparams: {},
        output_buffer_mib: {},
        kv: {buffers_mib: {}},
        rs: {buffers_mib: {}},
        compute_buffers_mib: {},
        compute_buffers_mib_4dp: {},
        warnings: []
    };
}

// Reads a sweep file: a JSON array of objects with any of the context keys; each entry overrides the CLI values.
function readSweep(file, base) {
    const list = JSON.parse(fs.readFileSync(file, "utf8"));
    if (!Array.isArray(list)) usage("sweep file must hold a JSON array");
    return list.map((entry) => {
        const o = {...base, ...entry};
        if (entry.batch != null && entry.ubatch == null) o.ubatch = entry.batch;
        if (entry.ubatch != null && entry.batch == null) o.batch = entry.ubatch;
        if (o.batch !== o.ubatch) usage("node-llama-cpp sets n_ubatch = n_batch; batch and ubatch must be equal: " + JSON.stringify(entry));
        for (const t of [o.cacheTypeK, o.cacheTypeV])
            if (!(t in GGML_TYPE_IDS)) usage("unknown cache type " + t);
        return o;
    });
}

async function main() {
    const argv = process.argv.slice(2);
    let sweepFile = null;
    const i = argv.indexOf("--sweep");
    if (i >= 0) {
        sweepFile = argv[i + 1];
        if (sweepFile == null) usage("missing value for --sweep");
        argv.splice(i, 2);
    }
    const base = parseArgs(argv);
    const configs = sweepFile != null ? readSweep(sweepFile, base) : [base];
    const logLines = [];
    const modelResult = {model_info: {}, model_buffers_mib: {}, warnings: []};
    let target = modelResult; // where parsed log lines go

    const logger = (level, message) => {
        for (const line of String(message).split("\n")) {
            if (line.trim() === "" || /^\.+$/.test(line.trim())) continue;
            logLines.push(level + " " + line);
            try {
                parseLine(line.trim(), target);
            } catch (e) {
                target.warnings.push("parse error: " + e.message);
            }
            if (level === "warn" || level === "error" || level === "fatal")
                target.warnings.push(level + ": " + line.trim());
        }
    };

    const rssStart = procStatus();
    const t0 = Date.now();
    const llama = await getLlama({
        gpu: false,
        build: "never",
        logLevel: LlamaLogLevel.debug,
        logger,
        progressLogs: false
    });
    let nlcVersion = null;
    try {
        const pkg = JSON.parse(fs.readFileSync(new URL("./node_modules/node-llama-cpp/package.json", import.meta.url), "utf8"));
        nlcVersion = pkg.version;
    } catch {
        // ignore
    }

    const t1 = Date.now();
    const model = await llama.loadModel({
        modelPath: base.model,
        gpuLayers: base.gpuLayers,
        useMmap: base.mmap === "on",
        useMlock: false,
        ignoreMemorySafetyChecks: true
    });
    const loadMs = Date.now() - t1;
    const rssModel = procStatus();
    let failures = 0;

    for (const o of configs) {
        const r = newContextResult();
        target = r;
        // Raw addon context: exactly the llama_context_params node-llama-cpp's LlamaContext builds (AddonContext.cpp),
        // but contextSize is the total n_ctx (LlamaContext would pass contextSize * sequences, padded up to 256).
        const ctxParams = {
            contextSize: o.ctx,
            batchSize: o.batch,
            sequences: o.parallel,
            flashAttention: o.flashAttn === "auto" ? "auto" : o.flashAttn === "on",
            kvCacheKeyType: GGML_TYPE_IDS[o.cacheTypeK],
            kvCacheValueType: GGML_TYPE_IDS[o.cacheTypeV],
            swaFullCache: false,
            performanceTracking: false
        };
        if (o.threads != null) ctxParams.threads = o.threads;
        const t2 = Date.now();
        const rssBefore = procStatus();
        let ok = false;
        let error = null;
        let ctx = null;
        try {
            ctx = new llama._bindings.AddonContext(model._model, ctxParams);
            ok = await ctx.init();
        } catch (e) {
            error = String(e?.message ?? e);
        }
        const createMs = Date.now() - t2;
        await new Promise((resolve) => setTimeout(resolve, 20)); // let queued log lines arrive
        const rssAfter = procStatus();
        if (ok) await ctx.dispose(); // ~llama_context logs the compute buffer sizes with 4 decimals (debug level)
        await new Promise((resolve) => setTimeout(resolve, 20));
        target = modelResult;

        const sum = (obj) => Object.values(obj).reduce((a, b) => a + b, 0);
        const out = {
            tool: "prositronic-llama-measure",
            node_llama_cpp: nlcVersion,
            llama_cpp_release: llama.llamaCppRelease ?? null,
            build_type: llama.buildType,
            command: singleCommand(o),
            sweep_command: sweepFile != null ? "node measure.mjs " + process.argv.slice(2).join(" ") : null,
            options: o,
            addon_context_params: ctxParams,
            context_ok: ok === true,
            error,
            model_info: modelResult.model_info,
            file_size_mib: modelResult.file_size_mib ?? null,
            model_buffers_mib: modelResult.model_buffers_mib,
            cparams: r.cparams,
            worst_case: r.worst_case ?? null,
            max_nodes: r.max_nodes ?? null,
            output_buffer_mib: r.output_buffer_mib,
            kv: r.kv,
            rs: r.rs,
            compute_buffers_mib: r.compute_buffers_mib,
            compute_buffers_mib_4dp: r.compute_buffers_mib_4dp,
            bytes: {
                // from the MiB printed by llama.cpp: 2 decimals => +-5243 bytes, 4 decimals => +-52 bytes
                model: mib(sum(modelResult.model_buffers_mib)),
                kv: mib(sum(r.kv.buffers_mib)),
                rs: mib(sum(r.rs.buffers_mib)),
                output: mib(sum(r.output_buffer_mib)),
                compute: Object.keys(r.compute_buffers_mib_4dp).length > 0
                    ? mib(sum(r.compute_buffers_mib_4dp))
                    : mib(sum(r.compute_buffers_mib))
            },
            rss: {start: rssStart, after_model: rssModel, before_context: rssBefore, after_context: rssAfter},
            timing_ms: {load_model: loadMs, create_context: createMs},
            warnings: [...modelResult.warnings, ...r.warnings]
        };
        if (!out.context_ok) failures++;
        process.stdout.write(JSON.stringify(out) + "\n");
    }

    await model.dispose();
    await llama.dispose();
    if (base.log != null) fs.writeFileSync(base.log, logLines.join("\n") + "\n");
    process.stderr.write("measure.mjs: " + configs.length + " context(s), " + failures + " failed, " + (Date.now() - t0) + " ms\n");
    process.exit(failures === 0 ? 0 : 1);
}

main().catch((e) => {
    process.stdout.write(JSON.stringify({tool: "prositronic-llama-measure", error: String(e?.stack ?? e)}) + "\n");
    process.exit(1);
});
