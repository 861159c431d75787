#!/usr/bin/env node
// Runs a real llama-server (built from the llama.cpp source bundled in node-llama-cpp, see build-llama-server.sh),
// waits until it listens (or, with --dry-run-only, until its --fit dry run has printed its accounting), stops it
// with SIGINT and prints ONE JSON object with llama.cpp's own accounting, parsed from its log.
//
// Usage:
//   node measure-server.mjs [--server-bin PATH] [--dry-run-only] [--timeout SEC] [--log FILE] -- LLAMA-SERVER-ARGS...
// e.g.
//   node measure-server.mjs -- -m model.gguf -c 32768 -ub 512 -np 1 -fa on -ctk f16 -ctv f16
//
// Two blocks are reported:
//   dry_run: the --fit pass (common_fit_params, llama.cpp's no-alloc dry run: nothing is allocated, the sizes are
//            what would be allocated). Present unless "--fit off" is passed.
//   real:    the actual load (buffers allocated; KV and RS are memset, so they are resident).
// The port defaults to a free one chosen by the OS only if you pass --port 0 yourself; otherwise 18000+pid%1000.
import process from "node:process";
import fs from "node:fs";
import path from "node:path";
import {spawn} from "node:child_process";
import {parseLine, mib} from "./parse-log.mjs";

function usage(msg) {
    if (msg) process.stderr.write("error: " + msg + "\n");
    process.stderr.write("usage: node measure-server.mjs [--server-bin PATH] [--dry-run-only] [--timeout SEC] [--log FILE] -- LLAMA-SERVER-ARGS...\n");
    process.exit(2);
}

const argv = process.argv.slice(2);
const sep = argv.indexOf("--");
if (sep < 0) usage("missing -- before the llama-server arguments");
const own = argv.slice(0, sep);
const serverArgs = argv.slice(sep + 1);
let serverBin = process.env.LLAMA_SERVER ?? path.join(path.dirname(new URL(import.meta.url).pathname), "build", "llama-server");
let dryRunOnly = false;
let timeoutSec = 1800;
let logFile = null;
for (let i = 0; i < own.length; i++) {
    switch (own[i]) {
        case "--server-bin": serverBin = own[++i]; break;
        case "--dry-run-only": dryRunOnly = true; break;
        case "--timeout": timeoutSec = Number(own[++i]); break;
        case "--log": logFile = own[++i]; break;
        default: usage("unknown option " + own[i]);
    }
}
if (!fs.existsSync(serverBin)) usage("llama-server not found at " + serverBin + " (set --server-bin or LLAMA_SERVER)");
const args = [...serverArgs];
if (!args.includes("--port")) args.push("--port", String(18000 + (process.pid % 1000)));
if (!args.includes("--host")) args.push("--host", "127.0.0.1");
if (!args.includes("-v") && !args.includes("--verbose")) args.push("-v"); // debug lines: worst-case, 4-decimal sizes

function procStatusOf(pid) {
    const out = {};
    try {
        const txt = fs.readFileSync("/proc/" + pid + "/status", "utf8");
        for (const key of ["VmRSS", "RssAnon", "RssFile", "VmHWM"]) {
            const m = txt.match(new RegExp("^" + key + ":\\s+(\\d+) kB", "m"));
            if (m) out[key + "_bytes"] = Number(m[1]) * 1024;
        }
    } catch {
        // process gone
    }
    return out;
}

const t0 = Date.now();
const phases = [];
let cur = null;
const logLines = [];
const extra = {server: {}, warnings: [], errors: []};
let listening = false;
let fitDone = false;
let rssListening = null;

const child = spawn(serverBin, args, {stdio: ["ignore", "pipe", "pipe"], env: {...process.env, LLAMA_LOG_COLORS: "0"}});
let buffer = "";
let stopping = false;

function stop() {
    if (stopping) return;
    stopping = true;
    try {
        child.kill("SIGINT");
    } catch {
        // already gone
    }
    setTimeout(() => {
        try {
            child.kill("SIGKILL");
        } catch {
            // ignore
        }
    }, 60000).unref();
}

function onLine(raw) {
    logLines.push(raw);
    // llama-server log prefix: "0.01.463.886 I " (time, level); strip it
    const line = raw.replace(/^\d+\.\d+\.\d+\.\d+ [A-Z] /, "").replace(/\x1b\[[0-9;]*m/g, "").trim();
    const level = (raw.match(/^\d+\.\d+\.\d+\.\d+ ([A-Z]) /) ?? [])[1] ?? "?";
    if (/^llama_model_loader: loaded meta data/.test(line)) {
        cur = {};
        phases.push(cur);
    }
    if (cur != null) parseLine(line, cur);
    let m;
    if ((m = line.match(/n_parallel is set to auto, using n_parallel = (\d+) and kv_unified = (\w+)/))) {
        extra.server.auto_parallel = {n_parallel: Number(m[1]), kv_unified: m[2] === "true"};
    }
    if ((m = line.match(/initializing, n_slots = (\d+), n_ctx_slot = (\d+), kv_unified = '(\w+)'/))) {
        Object.assign(extra.server, {n_slots: Number(m[1]), n_ctx_slot: Number(m[2]), kv_unified: m[3] === "true"});
    }
    if ((m = line.match(/context checkpoints enabled, max = (\d+), min spacing = (\d+)/))) {
        extra.server.ctx_checkpoints = {max: Number(m[1]), min_spacing: Number(m[2])};
    }
    if ((m = line.match(/projected to use (\d+) MiB of host memory vs\. (\d+) MiB/))) {
        extra.server.fit_projected_host_mib = Number(m[1]);
        extra.server.fit_total_host_mib = Number(m[2]);
    }
    if ((m = line.match(/^common_memory_breakdown_print: \|\s+- (\S+)\s+\|.*?(\d+) =\s+(\d+) \+\s+(\d+) \+\s+(\d+)/))) {
        (extra.server.memory_breakdown ??= []).push({device: m[1], self: Number(m[2]), model: Number(m[3]),
            context: Number(m[4]), compute: Number(m[5])});
    }
    if (level === "W") extra.warnings.push(line);
    if (level === "E") extra.errors.push(line);
    if (/common_fit_params: fitting params to free memory took/.test(line) || /fit.*failed/i.test(line)) {
        fitDone = true;
        if (dryRunOnly) stop();
    }
    if (/llama_server: listening on/.test(line) || /server is listening/.test(line)) {
        listening = true;
        rssListening = procStatusOf(child.pid);
        stop();
    }
}

function feed(chunk) {
    buffer += chunk.toString("utf8");
    let idx;
    while ((idx = buffer.indexOf("\n")) >= 0) {
        onLine(buffer.slice(0, idx));
        buffer = buffer.slice(idx + 1);
    }
}

child.stdout.on("data", feed);
child.stderr.on("data", feed);
const timer = setTimeout(() => {
    extra.errors.push("timeout after " + timeoutSec + " s");
    stop();
}, timeoutSec * 1000);
timer.unref();

child.on("close", (code, signal) => {
    if (buffer !== "") onLine(buffer);
    const summarise = (p) => {
        if (p == null) return null;
        const sum = (obj) => Object.values(obj ?? {}).reduce((a, b) => a + b, 0);
        return {
            no_alloc: p.no_alloc ?? null,
            model_buffers_mib: p.model_buffers_mib,
            cparams: p.cparams,
            worst_case: p.worst_case ?? null,
            max_nodes: p.max_nodes ?? null,
            graph: p.graph ?? null,
            output_buffer_mib: p.output_buffer_mib,
            kv: p.kv,
            rs: p.rs,
            compute_buffers_mib: p.compute_buffers_mib,
            compute_buffers_mib_4dp: p.compute_buffers_mib_4dp,
            bytes: {
                model: mib(sum(p.model_buffers_mib)),
                kv: p.kv?.size_mib != null ? mib(p.kv.size_mib) : mib(sum(p.kv?.buffers_mib)),
                rs: p.rs?.size_mib != null ? mib(p.rs.size_mib) : mib(sum(p.rs?.buffers_mib)),
                output: mib(sum(p.output_buffer_mib)),
                compute: Object.keys(p.compute_buffers_mib_4dp ?? {}).length > 0
                    ? mib(sum(p.compute_buffers_mib_4dp))
                    : mib(sum(p.compute_buffers_mib))
            }
        };
    };
    const dry = phases.find((p) => p.no_alloc === true);
    const real = phases.find((p) => p.no_alloc === false);
    const out = {
        tool: "prositronic-llama-measure/server",
        server_bin: serverBin,
        command: [path.basename(serverBin), ...args].join(" "),
        harness_command: "node measure-server.mjs " + process.argv.slice(2).join(" "),
        model_info: (real ?? dry)?.model_info ?? null,
        file_size_mib: (real ?? dry)?.file_size_mib ?? null,
        server: extra.server,
        listening,
        fit_done: fitDone,
        dry_run: summarise(dry),
        real: summarise(real),
        rss_listening: rssListening,
        exit: {code, signal},
        elapsed_ms: Date.now() - t0,
        warnings: extra.warnings.filter((w) => !/tokenize|chat template/i.test(w)).slice(0, 20),
        errors: extra.errors.slice(0, 20)
    };
    if (logFile != null) fs.writeFileSync(logFile, logLines.join("\n") + "\n");
    process.stdout.write(JSON.stringify(out) + "\n");
    process.exit(dryRunOnly ? (dry != null ? 0 : 1) : (listening ? 0 : 1));
});
