#!/usr/bin/env node
// Runs the Qwen3.5 measurement matrix and appends JSON lines to results/qwen35-cpu.jsonl.
//
// Usage: node sweep.mjs --harness server-dry|server|node --gguf-dir DIR [--sizes 0.8B,4B,...] [--weights q8_0]
//                       [--set core|fit|server-defaults|subset|all] [--out FILE]
//
// GGUF files are expected as DIR/qwen35-<size>-<weights>.gguf, written from catalog model qwen3-5-<size> by the
// test kit: java -jar testkit/target/prositronic-testkit-<version>-synthetic-gguf.jar qwen3-5-4b q8_0 DIR/qwen35-4B-q8_0.gguf
// (see README.md).
// Each line gets: harness, size, weights, set, and the exact command that produced it.
import process from "node:process";
import fs from "node:fs";
import path from "node:path";
import {spawnSync} from "node:child_process";

const here = path.dirname(new URL(import.meta.url).pathname);
const opts = {harness: null, ggufDir: null, sizes: "0.8B,2B,4B,9B,27B,35B-A3B,122B-A10B,397B-A17B", weights: "q8_0",
    set: "all", out: path.join(here, "results", "qwen35-cpu.jsonl")};
const a = process.argv.slice(2);
for (let i = 0; i < a.length; i++) {
    const v = a[i + 1];
    switch (a[i]) {
        case "--harness": opts.harness = v; i++; break;
        case "--gguf-dir": opts.ggufDir = v; i++; break;
        case "--sizes": opts.sizes = v; i++; break;
        case "--weights": opts.weights = v; i++; break;
        case "--set": opts.set = v; i++; break;
        case "--out": opts.out = v; i++; break;
        default: throw new Error("unknown argument " + a[i]);
    }
}
if (!["server-dry", "server", "node"].includes(opts.harness) || opts.ggufDir == null)
    throw new Error("need --harness server-dry|server|node and --gguf-dir");

// A config: ctx, ub, np, ctk, ctv, fa ("on"/"off"/null = server default), kvu (bool), npAuto (omit -np)
function configs(set) {
    const out = [];
    const add = (c) => out.push({ctk: "f16", ctv: "f16", fa: "on", np: 1, kvu: false, npAuto: false, ...c});
    if (set === "core" || set === "all") {
        for (const ctx of [4096, 32768, 262144])
            for (const ub of [512, 2048])
                for (const ct of ["f16", "q8_0", "q4_0"])
                    for (const np of [1, 4])
                        for (const fa of ["on", "off"]) {
                            if (fa === "off" && ct !== "f16" && !(ctx === 4096 && ub === 512 && np === 1)) continue; // quantized V needs FA
                            add({ctx, ub, np, ctk: ct, ctv: ct, fa, set: "core"});
                        }
        for (const ctx of [4096, 32768, 262144])
            for (const ub of [512, 2048])
                add({ctx, ub, np: 4, kvu: true, set: "core-kvu"});
    }
    if (set === "fit" || set === "all") {
        for (const fa of ["on", "off"])
            for (const ctx of [4096, 16384, 65536, 262144])
                for (const ub of [64, 128, 256, 1024, 4096])
                    add({ctx, ub, fa, set: "fit"});
        for (const np of [2, 8, 16])
            for (const ub of [512, 2048])
                add({ctx: 32768, ub, np, set: "fit-np"});
    }
    if (set === "np-grid" || set === "all") {
        for (const np of [1, 2, 4, 8, 16, 32])
            for (const ub of [64, 128, 256, 512, 1024, 2048])
                add({ctx: 32768, ub, np, kvu: true, set: "np-grid"});
    }
    if (set === "server-defaults" || set === "all") {
        for (const ctx of [4096, 32768, 262144])
            for (const ub of [512, 2048])
                add({ctx, ub, fa: null, npAuto: true, set: "server-defaults"});
    }
    if (set === "subset") { // real allocations: what fits in 24 GiB
        for (const ctx of [4096, 32768])
            for (const ub of [512, 2048])
                for (const np of [1, 4])
                    for (const fa of ["on", "off"])
                        add({ctx, ub, np, fa, set: "subset"});
        for (const ct of ["q8_0", "q4_0"])
            add({ctx: 32768, ub: 512, ctk: ct, ctv: ct, set: "subset"});
        add({ctx: 262144, ub: 512, set: "subset"});
    }
    return out;
}

function serverArgs(model, c) {
    const args = ["-m", model, "-c", String(c.ctx), "-ub", String(c.ub), "-b", String(Math.max(2048, c.ub)),
        "-ctk", c.ctk, "-ctv", c.ctv, "--no-warmup"];
    if (!c.npAuto) args.push("-np", String(c.np));
    if (c.kvu) args.push("-kvu");
    if (c.fa != null) args.push("-fa", c.fa);
    return args;
}

fs.mkdirSync(path.dirname(opts.out), {recursive: true});
for (const size of opts.sizes.split(",")) {
    const model = path.join(opts.ggufDir, `qwen35-${size}-${opts.weights}.gguf`);
    if (!fs.existsSync(model)) {
        process.stderr.write("skip " + size + ": " + model + " missing\n");
        continue;
    }
    const list = configs(opts.set);
    const tag = (obj, c) => ({harness: opts.harness === "node" ? "node-llama-cpp" : "llama-server" + (opts.harness === "server-dry" ? "-dry-run" : ""),
        size, weights: opts.weights, set: c.set, config: c, ...obj});
    if (opts.harness === "node") {
        const sweep = list.map((c) => ({ctx: c.ctx, batch: c.ub, ubatch: c.ub, parallel: c.np, cacheTypeK: c.ctk,
            cacheTypeV: c.ctv, flashAttn: c.fa ?? "auto"}));
        const sweepFile = path.join(here, "results", `.sweep-${size}.json`);
        fs.writeFileSync(sweepFile, JSON.stringify(sweep));
        const t0 = Date.now();
        const r = spawnSync("node", [path.join(here, "measure.mjs"), model, "--sweep", sweepFile],
            {cwd: here, encoding: "utf8", maxBuffer: 1 << 28});
        const lines = r.stdout.split("\n").filter((l) => l.trim() !== "");
        lines.forEach((l, i) => fs.appendFileSync(opts.out, JSON.stringify(tag(JSON.parse(l), list[i])) + "\n"));
        process.stderr.write(`${size}: ${lines.length} node lines, ${Date.now() - t0} ms, rc ${r.status}\n`);
        fs.unlinkSync(sweepFile);
    } else {
        const t0 = Date.now();
        let n = 0;
        for (const c of list) {
            const own = opts.harness === "server-dry" ? ["--dry-run-only"] : [];
            const r = spawnSync("node", [path.join(here, "measure-server.mjs"), ...own, "--", ...serverArgs(model, c)],
                {cwd: here, encoding: "utf8", maxBuffer: 1 << 26});
            const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
            if (line == null) {
                process.stderr.write(`${size}: no output for ${JSON.stringify(c)}: ${r.stderr.slice(-500)}\n`);
                continue;
            }
            fs.appendFileSync(opts.out, JSON.stringify(tag(JSON.parse(line), c)) + "\n");
            n++;
        }
        process.stderr.write(`${size}: ${n} ${opts.harness} lines, ${Date.now() - t0} ms\n`);
    }
}
