#!/usr/bin/env python3
"""Fits the speed model's constants (core SpeedModel) on the benchmark's TRAINING rows only.

    tools/speed/fit.py [core/target/speed-training-features.tsv]     constants + the training rows they rest on
    tools/speed/fit.py --loso [core/target/speed-all-features.tsv]   leave-one-source-out figure

Input: the features written by scripts/speed-benchmark. The training file holds only the training sources of the
benchmark's split (by source URL: a whole published run on one side); the holdout rows never reach it. Least squares on
log(estimate / published) with a soft-L1 loss, so that one odd row cannot pull a constant far. Prints each constant and
the training rows that inform it; copy them into SpeedModel with those row ids.

Fallback rules, fixed before any holdout figure was computed (SpeedModel states them too):
  * a device class with no training row: the median bandwidth share of the fitted classes of its vendor, else of all;
  * a backend with no training row: the median per-layer cost of the fitted backends;
  * an architecture with no training prompt row: RDNA (class amd-rdna) takes the fitted RDNA3 factor (else the median
    of the fitted RDNA factors), any other the median of the fitted NVIDIA factors (the catalog's FP16 figure of NVIDIA and CDNA cards is the
    vector rate without dual issue; RDNA's counts dual issue);
  * any other constant with no training row (llama-server's per-token work, the expert cost, ...): its prior below,
    marked "estimate" in SpeedModel.

--loso: for each source, every constant is refitted on the other sources' rows (the same rules) and that source's rows
are predicted; prints the medians of those out-of-source predictions.
"""
import csv
import math
import sys

import numpy as np
from scipy.optimize import least_squares

CLASSES = ["nvidia-datacenter", "nvidia-gddr", "amd-cdna", "amd-rdna"]
BACKENDS = ["cuda", "rocm", "vulkan"]
GEN = (["layer_" + b for b in BACKENDS] + ["layer_2024", "expert", "server", "hop"]
       + ["bw_" + c for c in CLASSES] + ["f16"])
# priors: the fit's start, and the value of a constant no training row informs
START = dict(layer_cuda=20e-6, layer_rocm=40e-6, layer_vulkan=40e-6, layer_2024=60e-6, expert=2e-6, server=1e-3,
             hop=100e-6, f16=1.0, attention=0.5, expert_half=64)
SCALE = dict(layer_cuda=1e-5, layer_rocm=1e-5, layer_vulkan=1e-5, layer_2024=1e-5, expert=1e-6, server=1e-4,
             hop=1e-5, f16=1.0, expert_half=10)
LO = {"f16": 0.3, "server": 0, "hop": 0, "expert": 0, "layer_2024": 0, "attention": 0.05, "expert_half": 0}
HI = {"f16": 1.0, "attention": 1.0, **{"bw_" + c: 1.0 for c in CLASSES}}


def gen_seconds(p, r):
    layer = p["layer_" + r["backend"]] + (p["layer_2024"] if 0 < int(r["build"]) < 3000 else 0)
    t = int(r["blocks"]) * layer + int(r["moe_blocks"]) * int(r["experts_used"]) * p["expert"]
    if r["server"] == "true":
        t += p["server"]
    eff = p["bw_" + r["class"]] * (p["f16"] if r["f16"] == "true" else 1.0)
    t += float(r["gpu_bytes"]) / (eff * float(r["bandwidth"]))
    t += (int(r["gpus"]) - 1) * p["hop"]
    return t


def mm(p, r):
    if "mm_" + r["arch"] in p:
        return p["mm_" + r["arch"]]
    rdna = r["class"] == "amd-rdna"
    if rdna and "mm_rdna3" in p:
        return p["mm_rdna3"]
    pool = [v for n, v in p.items() if n.startswith("mm_") and n[3:] in p["_rdna_archs"]] if rdna else \
        [v for n, v in p.items() if n.startswith("mm_") and n[3:] in p["_nvidia_archs"]]
    return float(np.median(pool))


def pp_seconds(p, r):
    rate = mm(p, r) * float(r["fp16"]) * 1e12
    avg_depth = int(r["prompt_depth"]) + int(r["prompt_tokens"]) / 2
    t = 2 * float(r["dense_params"]) / rate + float(r["attn_flops_per_depth"]) * avg_depth / (rate * p["attention"])
    if float(r["expert_params"]) > 0:
        per_expert = min(int(r["prompt_tokens"]), 512) * int(r["experts_used"]) / int(r["expert_count"])
        t += 2 * float(r["expert_params"]) / (rate * per_expert / (per_expert + p["expert_half"]))
    return t


def users(name, gen, pp):
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


def least(names, fixed, data, seconds):
    x0 = np.array([START.get(n, 1.0) / SCALE.get(n, 1.0) for n in names])

    def params(x):
        return {**fixed, **{n: v * SCALE.get(n, 1.0) for n, v in zip(names, x)}}

    def resid(x):
        p = params(x)
        return [math.log((1 / seconds(p, r)) / float(r["published"])) for r in data]

    res = least_squares(resid, x0, loss="soft_l1", f_scale=0.1,
                        bounds=([LO.get(n, 1e-3) for n in names], [HI.get(n, np.inf) for n in names]))
    return params(res.x), resid(res.x)


def fit(rows):
    """All constants fitted on rows, with the fallback rules for those no row informs; and which ones fell back."""
    gen = [r for r in rows if r["kind"] == "generation"]
    pp = [r for r in rows if r["kind"] == "prompt"]
    fitted = [n for n in GEN if users(n, gen, pp)]
    fallback = {n: START[n] for n in GEN if n not in fitted and n in START}
    # bandwidth and layer fallbacks depend on fitted values: fit those first with the priors, then apply the rules
    gp, gres = least(fitted, fallback, gen, gen_seconds)
    for c in CLASSES:
        if "bw_" + c not in fitted:
            same = [gp["bw_" + k] for k in CLASSES if "bw_" + k in fitted and k.split("-")[0] == c.split("-")[0]]
            gp["bw_" + c] = float(np.median(same or [gp["bw_" + k] for k in CLASSES if "bw_" + k in fitted]))
            fallback["bw_" + c] = gp["bw_" + c]
    for b in BACKENDS:
        if "layer_" + b not in fitted:
            gp["layer_" + b] = float(np.median([gp["layer_" + k] for k in BACKENDS if "layer_" + k in fitted]))
            fallback["layer_" + b] = gp["layer_" + b]
    archs = sorted({r["arch"] for r in pp})
    meta = {"_rdna_archs": {r["arch"] for r in pp if r["class"] == "amd-rdna"},
            "_nvidia_archs": {r["arch"] for r in pp if r["class"].startswith("nvidia")}}
    pnames = ["mm_" + a for a in archs] + [n for n in ("attention", "expert_half") if users(n, gen, pp)]
    pfixed = {**meta, **{n: START[n] for n in ("attention", "expert_half") if n not in pnames}}
    fallback.update({n: START[n] for n in ("attention", "expert_half") if n not in pnames})
    pp_p, pres = least(pnames, pfixed, pp, pp_seconds)
    return {**gp, **pp_p}, fallback, (gen, gres), (pp, pres)


def predict(p, r):
    return 1 / (gen_seconds(p, r) if r["kind"] == "generation" else pp_seconds(p, r))


def med_err(ratios):
    return float(np.median([abs(x - 1) for x in ratios])) if ratios else float("nan")


def main():
    loso = "--loso" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--loso"]
    path = args[0] if args else ("core/target/speed-all-features.tsv" if loso else
                                 "core/target/speed-training-features.tsv")
    rows = list(csv.DictReader(open(path), delimiter="\t"))
    if loso:
        out = []  # (row, ratio)
        sources = sorted({r["source"] for r in rows})
        for s in sources:
            p, _, _, _ = fit([r for r in rows if r["source"] != s])
            out += [(r, predict(p, r) / float(r["published"])) for r in rows if r["source"] == s]
        print(f"leave-one-source-out: {len(sources)} sources, {len(out)} rows, each predicted by constants fitted"
              " without its source")
        slices = [("generation all", lambda r: r["kind"] == "generation"),
                  ("generation dense", lambda r: r["kind"] == "generation" and int(r["moe_blocks"]) == 0),
                  ("generation moe", lambda r: r["kind"] == "generation" and int(r["moe_blocks"]) > 0),
                  ("prompt all", lambda r: r["kind"] == "prompt"),
                  ("prompt dense", lambda r: r["kind"] == "prompt" and float(r["expert_params"]) == 0),
                  ("prompt moe", lambda r: r["kind"] == "prompt" and float(r["expert_params"]) > 0)]
        for kind in ("generation", "prompt"):
            for c in CLASSES:
                slices.append((f"{kind} class {c}", lambda r, k=kind, c=c: r["kind"] == k and r["class"] == c))
        for name, f in slices:
            rs = [x for r, x in out if f(r)]
            if rs:
                print(f"loso {name:32s} n {len(rs):3d}  median ratio x{np.median(rs):.2f}  median |err| "
                      f"{100 * med_err(rs):.0f} %")
        return
    p, fallback, (gen, gres), (pp, pres) = fit(rows)
    for n, v in p.items():
        if n.startswith("_"):
            continue
        u = users(n, gen, pp)
        print(f"{n:24s} {v:.4g}   " + (f"rows {', '.join(u)}" if u and n not in fallback else "FALLBACK (no row)"))
    for name, data, res in (("generation", gen, gres), ("prompt", pp, pres)):
        errs = sorted(abs(math.exp(x) - 1) for x in res)
        print(f"{name}: {len(data)} training rows, median |error| {100 * float(np.median(errs)):.0f} %")
        for r, x in zip(data, res):
            print(f"  {r['id']:>4} {r['class']:18s} x{math.exp(x):.2f}")


if __name__ == "__main__":
    main()
