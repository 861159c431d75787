#!/usr/bin/env node
// The compute-buffer stages of every family from ctxprobe records (exact bytes), the analysis behind ComputeModel:
//   node analyze-families.mjs results/llama-cpu.jsonl results/gemma3-cpu.jsonl results/gpt-oss-cpu.jsonl ...
// With flash attention the buffer is A·t + B + 2·t·(n_kv + n_kv_swa) (t = the ubatch, both KQ masks F16, n_kv the
// cells of one stream of each cache); it fits A (bytes per ubatch token) and B by least squares per model and K-cache
// class (f16 / quantized) and prints the largest residual. Without flash attention it prints R = (compute −
// 4·n_head·n_kv·t − 4·t·(n_kv + n_kv_swa)) / t per context at one slot: the rows beside one layer's F32 scores.
import fs from "node:fs";

const KiB = 1024;
const groups = new Map();
const off = [];
for (const file of process.argv.slice(2)) {
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        if (!line.trim()) continue;
        const d = JSON.parse(line);
        if (d.harness !== "ctxprobe-dry-run" || !d.context_ok) continue;
        const c = d.config;
        const t = Math.min(d.dry_run.cparams.n_ubatch, c.ctx);
        const cells = d.dry_run.kv_caches.map((k) => k.cells);
        const compute = d.dry_run.bytes.compute;
        if (c.fa === "on") {
            const key = `${d.model} | ${c.ctk === "f16" ? "f16" : "quantized"}`;
            if (!groups.has(key)) groups.set(key, []);
            groups.get(key).push({t, y: compute - 2 * t * cells.reduce((a, b) => a + b, 0)});
        } else if (c.np === 1) {
            const nHead = Number(d.model_info?.n_head ?? NaN);
            off.push({model: d.model, t, cells, compute, nHead});
        }
    }
}
console.log("| model | K cache | contexts | A bytes/token | A KiB/token | B bytes | largest residual |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const [key, rows] of groups) {
    const n = rows.length;
    const st = rows.reduce((s, r) => s + r.t, 0), sy = rows.reduce((s, r) => s + r.y, 0);
    const stt = rows.reduce((s, r) => s + r.t * r.t, 0), sty = rows.reduce((s, r) => s + r.t * r.y, 0);
    const den = n * stt - st * st;
    const A = den === 0 ? sy / st : (n * sty - st * sy) / den;
    const B = den === 0 ? 0 : (sy - A * st) / n;
    const res = Math.max(...rows.map((r) => Math.abs(r.y - A * r.t - B)));
    console.log(`| ${key} | ${n} | ${A.toFixed(1)} | ${(A / KiB).toFixed(2)} | ${B.toFixed(0)} | ${res.toFixed(0)} |`);
}
if (off.length) {
    console.log("\n| model (flash attention off, one slot) | t | n_kv (full, swa) | R KiB/token |");
    console.log("| --- | --- | --- | --- |");
    for (const r of off) {
        const R = (r.compute - 4 * r.nHead * r.cells[0] * r.t - 4 * r.t * r.cells.reduce((a, b) => a + b, 0)) / r.t;
        console.log(`| ${r.model} | ${r.t} | ${r.cells.join(", ")} | ${(R / KiB).toFixed(1)} |`);
    }
}
