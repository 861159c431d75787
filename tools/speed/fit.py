#!/usr/bin/env python3
"""Fits the speed model's constants (core SpeedModel) on the benchmark's TRAINING rows only.

Input: core/target/speed-training-features.tsv, written by scripts/speed-benchmark (the holdout rows never reach this
file). Least squares on log(estimate / published) with a soft-L1 loss, so that one odd row cannot pull a constant far.
Prints each constant and the training rows that inform it; copy them into SpeedModel with those row ids.
"""
import csv
import math
import sys

import numpy as np
from scipy.optimize import least_squares

path = sys.argv[1] if len(sys.argv) > 1 else "core/target/speed-training-features.tsv"
rows = list(csv.DictReader(open(path), delimiter="\t"))
gen = [r for r in rows if r["kind"] == "generation"]
pp = [r for r in rows if r["kind"] == "prompt"]

GEN = ["layer_cuda", "layer_rocm", "layer_vulkan", "layer_2024", "expert", "server", "hop",
       "bw_nvidia-datacenter", "bw_nvidia-gddr", "bw_amd-cdna", "bw_amd-rdna", "f16"]
START = dict(layer_cuda=20e-6, layer_rocm=40e-6, layer_vulkan=40e-6, layer_2024=60e-6, expert=2e-6, server=1e-3,
             hop=100e-6, f16=1.0)
SCALE = dict(layer_cuda=1e-5, layer_rocm=1e-5, layer_vulkan=1e-5, layer_2024=1e-5, expert=1e-6, server=1e-4,
             hop=1e-5, f16=1.0)


def gen_seconds(p, r):
    layer = p["layer_" + r["backend"]] + (p["layer_2024"] if 0 < int(r["build"]) < 3000 else 0)
    t = int(r["blocks"]) * layer + int(r["moe_blocks"]) * int(r["experts_used"]) * p["expert"]
    if r["server"] == "true":
        t += p["server"]
    eff = p["bw_" + r["class"]] * (p["f16"] if r["f16"] == "true" else 1.0)
    t += float(r["gpu_bytes"]) / (eff * float(r["bandwidth"]))
    t += (int(r["gpus"]) - 1) * p["hop"]
    return t


ARCHS = sorted({r["arch"] for r in pp})
PP = ["mm_" + a for a in ARCHS] + ["attention", "expert_half"]


def pp_seconds(p, r):
    rate = p["mm_" + r["arch"]] * float(r["fp16"]) * 1e12
    avg_depth = int(r["prompt_depth"]) + int(r["prompt_tokens"]) / 2
    t = 2 * float(r["dense_params"]) / rate + float(r["attn_flops_per_depth"]) * avg_depth / (rate * p["attention"])
    if float(r["expert_params"]) > 0:
        per_expert = min(int(r["prompt_tokens"]), 512) * int(r["experts_used"]) / int(r["expert_count"])
        t += 2 * float(r["expert_params"]) / (rate * per_expert / (per_expert + p["expert_half"]))
    return t


def fit(names, start, scale, data, seconds, lo, hi):
    x0 = np.array([start.get(n, 1.0) / scale.get(n, 1.0) for n in names])

    def resid(x):
        p = {n: v * scale.get(n, 1.0) for n, v in zip(names, x)}
        return [math.log((1 / seconds(p, r)) / float(r["published"])) for r in data]

    res = least_squares(resid, x0, loss="soft_l1", f_scale=0.1,
                        bounds=([lo.get(n, 1e-3) for n in names], [hi.get(n, np.inf) for n in names]))
    p = {n: v * scale.get(n, 1.0) for n, v in zip(names, res.x)}
    return p, resid(res.x)


gp, gres = fit(GEN, START, SCALE, gen, gen_seconds, {"f16": 0.3, "server": 0, "hop": 0, "expert": 0,
                                                     "layer_2024": 0}, {"f16": 1.0, **{"bw_" + c: 1.0 for c in
                                                     ["nvidia-datacenter", "nvidia-gddr", "amd-cdna", "amd-rdna"]}})
pp_p, pres = fit(PP, {"attention": 0.5, "expert_half": 64}, {"expert_half": 10}, pp, pp_seconds,
                 {"attention": 0.05, "expert_half": 0}, {"attention": 1.0})


def users(name):
    if name.startswith("bw_"):
        return [r["id"] for r in gen if r["class"] == name[3:]]
    if name.startswith("layer_2024"):
        return [r["id"] for r in gen if 0 < int(r["build"]) < 3000]
    if name.startswith("layer_"):
        return [r["id"] for r in gen if r["backend"] == name[6:]]
    if name == "expert":
        return [r["id"] for r in gen if int(r["moe_blocks"]) > 0]
    if name == "server":
        return [r["id"] for r in gen if r["server"] == "true"]
    if name == "hop":
        return [r["id"] for r in gen if int(r["gpus"]) > 1]
    if name == "f16":
        return [r["id"] for r in gen if r["f16"] == "true"]
    if name.startswith("mm_"):
        return [r["id"] for r in pp if r["arch"] == name[3:]]
    if name == "attention":
        return [r["id"] for r in pp if int(r["prompt_depth"]) + int(r["prompt_tokens"]) / 2 >= 1024]
    if name == "expert_half":
        return [r["id"] for r in pp if float(r["expert_params"]) > 0]
    return []


for p in (gp, pp_p):
    for n, v in p.items():
        print(f"{n:24s} {v:.4g}   rows {', '.join(users(n))}")
for name, data, res in (("generation", gen, gres), ("prompt", pp, pres)):
    errs = sorted(abs(math.exp(x) - 1) for x in res)
    print(f"{name}: {len(data)} training rows, median |error| {100 * errs[len(errs) // 2]:.0f} %")
    for r, x in zip(data, res):
        print(f"  {r['id']:>4} {r['class']:18s} x{math.exp(x):.2f}")
