#!/usr/bin/env node
// Runs ctxprobe (llama.cpp v0.5.0's no-alloc accounting, contexts as llama-server makes them) over a grid of contexts
// for catalog models and appends one JSON line per context to results/<family>-cpu.jsonl, in the format
// RecordedLlamaCppTest replays (harness, model, size, weights, config, command, dry_run.bytes, ...).
//
// Usage: node probe.mjs --models gemma-3-4b,gpt-oss-20b --weights q5_0 [--grid full|ci] [--out FILE] [--keep DIR]
//   Writes each GGUF with the test kit (java -jar ../../testkit/target/prositronic-testkit-*-synthetic-gguf.jar),
//   probes it, deletes it (unless --keep DIR: files already there as DIR/<model>-<weights>.gguf are used as they
//   are, and kept). Needs build/ctxprobe (./build-ctxprobe.sh) and, for files it writes, the test kit jar.
//   --print: print the lines instead of appending them to results/<family>-cpu.jsonl.
import process from "node:process";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import {spawnSync} from "node:child_process";
import {parseLine} from "./parse-log.mjs";

const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, "../..");
const opts = {models: null, weights: "q5_0", grid: "full", out: null, keep: null, print: false};
const a = process.argv.slice(2);
for (let i = 0; i < a.length; i++) {
    const v = a[i + 1];
    switch (a[i]) {
        case "--models": opts.models = v; i++; break;
        case "--weights": opts.weights = v; i++; break;
        case "--grid": opts.grid = v; i++; break;
        case "--out": opts.out = v; i++; break;
        case "--keep": opts.keep = v; i++; break;
        case "--print": opts.print = true; break;
        default: throw new Error("unknown argument " + a[i]);
    }
}
if (!opts.models) throw new Error("need --models id,id,...");

// Context grids: ctx is llama-server's -c (the total over the slots), b its -b (2048, the default).
export function grid(name) {
    const out = [];
    const add = (c) => out.push({ctk: "f16", ctv: "f16", fa: "on", np: 1, kvu: false, npAuto: false, b: 2048, ...c});
    if (name === "ci") {
        add({ctx: 4096, ub: 512});
        add({ctx: 32768, ub: 512, ctk: "q8_0", ctv: "q8_0"});
        add({ctx: 16384, ub: 256, np: 4, ctk: "q4_0", ctv: "q4_0"});
        add({ctx: 4096, ub: 1024, fa: "off"});
        add({ctx: 16384, ub: 512, np: 4, kvu: true});
        return out;
    }
    if (name === "offgrid") {
        // contexts outside the full grid (odd slot counts, ubatches between the grid's, mixed cache types), to check
        // that the compute model generalizes beyond the contexts it was checked on
        add({ctx: 8192, ub: 96, np: 2});
        add({ctx: 8192, ub: 256, np: 3});
        add({ctx: 12288, ub: 1024, np: 6, fa: "off"});
        add({ctx: 65536, ub: 512, np: 16});
        add({ctx: 49152, ub: 384, np: 4, fa: "off", kvu: true});
        add({ctx: 4096, ub: 128, np: 2, fa: "off"});
        add({ctx: 30000, ub: 640, np: 5, kvu: true});
        add({ctx: 16384, ub: 512, np: 2, ctk: "q8_0", ctv: "f16", fa: "off"});
        add({ctx: 16384, ub: 512, np: 4, ctk: "f16", ctv: "q4_0"});
        add({ctx: 24576, ub: 2048, np: 3, ctk: "q4_0", ctv: "q8_0"});
        return out;
    }
    if (name === "rotation") {
        // flash attention with exactly one of K and V quantized (one Hadamard rotation, attn_rot_k or attn_rot_v),
        // which moves the MoE families' peak (ComputeModel oneRotationBytesPerToken)
        add({ctx: 32768, ub: 512, ctk: "q8_0", ctv: "f16"});
        add({ctx: 65536, ub: 2048, np: 4, ctk: "f16", ctv: "q8_0"});
        add({ctx: 8192, ub: 128, np: 2, ctk: "q4_0", ctv: "f16"});
        add({ctx: 16384, ub: 1024, np: 4, kvu: true, ctk: "f16", ctv: "q4_0"});
        return out;
    }
    for (const ctx of [4096, 32768, 131072])
        for (const ub of [512, 2048])
            for (const np of [1, 4])
                for (const fa of ["on", "off"])
                    for (const ct of fa === "on" ? ["f16", "q8_0"] : ["f16"])
                        add({ctx, ub, np, fa, ctk: ct, ctv: ct});
    for (const ctx of [8192, 65536])
        for (const ub of [256, 1024])
            add({ctx, ub, np: 4, kvu: true});
    for (const ub of [64, 128, 4096]) add({ctx: 16384, ub});
    add({ctx: 16384, ub: 512, np: 8});
    add({ctx: 16384, ub: 512, np: 1, ctk: "q4_0", ctv: "q4_0"});
    return out;
}

function testkitJar() {
    const dir = path.join(repo, "testkit", "target");
    const jar = fs.existsSync(dir) && fs.readdirSync(dir).find((f) => f.endsWith("-synthetic-gguf.jar"));
    if (!jar) throw new Error("build the test kit first: mvn -B -o -q package -pl testkit -am -DskipTests");
    return path.join(dir, jar);
}

const probe = path.join(here, "build", "ctxprobe");
if (!fs.existsSync(probe)) throw new Error("run ./build-ctxprobe.sh first");
const dir = opts.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), "probe-"));
const configs = grid(opts.grid);
for (const model of opts.models.split(",")) {
    const gguf = path.join(dir, `${model}-${opts.weights}.gguf`);
    if (!fs.existsSync(gguf)) {
        const w = spawnSync("java", ["-jar", testkitJar(), model, opts.weights, gguf], {encoding: "utf8"});
        if (w.status !== 0) throw new Error(w.stderr + w.stdout);
    }
    const fileBytes = fs.statSync(gguf).size;
    const specs = configs.map((c) => [c.ctx, c.ub, c.b, c.np, c.ctk, c.ctv, c.fa, c.kvu ? 1 : 0].join(","));
    const t0 = Date.now();
    const r = spawnSync(probe, [gguf, ...specs], {encoding: "utf8", maxBuffer: 1 << 30});
    if (r.status !== 0) throw new Error(`ctxprobe failed for ${model}: ${r.stderr}\n${r.stdout.slice(0, 4000)}`);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const head = lines.shift();
    if (head.error) throw new Error(`${model}: ${head.error}\n${head.log}`);
    const info = {};
    for (const l of head.model_log.split("\n")) parseLine(l, info);
    let arch = (head.model_log.match(/general\.architecture\s+str\s+=\s+(\S+)/) || [])[1]
        ?? (head.model_log.match(/print_info: arch\s+=\s+(\S+)/) || [])[1];
    const out = [];
    lines.forEach((l, i) => {
        const c = configs[i];
        const d = {no_alloc: true};
        const caches = [];
        for (const line of l.log.split("\n")) {
            parseLine(line, d);
            const m = line.match(/^llama_kv_cache: size =\s+([\d.]+) MiB \(\s*(\d+) cells,\s*(\d+) layers,\s*(\d+)\/\s*(\d+) seqs\)/);
            if (m) caches.push({size_mib: Number(m[1]), cells: Number(m[2]), layers: Number(m[3]), seqs: Number(m[4]), n_stream: Number(m[5])});
        }
        d.kv_caches = caches;
        d.breakdown = l.breakdown;
        const sum = (k) => l.breakdown.reduce((s, b) => s + b[k], 0);
        const rs = Math.round((d.rs.size_mib ?? 0) * 1024 * 1024);
        const err = (l.log.match(/^.*(error|failed).*$/im) || [])[0] ?? null;
        d.bytes = l.ok ? {
            model: sum("model"),
            model_by_buffer: Object.fromEntries(l.breakdown.filter((b) => b.model > 0).map((b) => [b.buft, b.model])),
            kv: sum("context") - rs,
            rs,
            output: Math.round((d.output_buffer_mib.CPU ?? 0) * 1024 * 1024),
            compute: sum("compute"),
        } : {};
        const cmd = `ctxprobe <models>/${model}-${opts.weights}.gguf ${specs[i]}`;
        const server = `llama-server -m <models>/${model}-${opts.weights}.gguf -c ${c.ctx} -ub ${c.ub} -b ${c.b} -ctk ${c.ctk} -ctv ${c.ctv} -np ${c.np}${c.kvu ? " -kvu" : ""} -fa ${c.fa}`;
        out.push({
            harness: "ctxprobe-dry-run",
            model, size: model, arch, weights: opts.weights, set: opts.grid,
            config: {ctk: c.ctk, ctv: c.ctv, fa: c.fa, np: c.np, kvu: c.kvu, npAuto: false, ctx: c.ctx, ub: c.ub, b: c.b},
            tool: "prositronic-llama-measure/ctxprobe",
            command: cmd,
            server_equivalent: server,
            harness_command: `node probe.mjs --models ${model} --weights ${opts.weights} --grid ${opts.grid}`,
            file_bytes: fileBytes,
            model_info: info.model_info,
            context_ok: l.ok,
            error: l.ok ? null : err,
            dry_run: d,
        });
    });
    console.error(`${model}: ${out.length} contexts in ${Date.now() - t0} ms`);
    if (!opts.keep) fs.unlinkSync(gguf);
    const text = out.map((o) => JSON.stringify(o)).join("\n") + "\n";
    if (opts.print) process.stdout.write(text);
    else {
        const file = opts.out ?? path.join(here, "results", `${arch}-cpu.jsonl`);
        fs.appendFileSync(file, text);
        console.error(`appended to ${file}`);
    }
}
