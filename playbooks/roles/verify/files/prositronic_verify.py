#!/usr/bin/env python3
"""Compares one deployment of Prositronic's plan.json with a llama-server log and nvidia-smi readings.

The node-side twin of the Java reference checker eu.prositronic.core.verify (Verifier, LlamaLog, GpuMemory): same
inputs, same verify/<deployment>.json, same exit status (0 pass, 1 a part is off by more than 3 % or 256 MiB,
whichever is larger, 2 an input cannot be read). Python 3.6+ standard library only, because Ansible nodes have
Python but not Java. A test in the Prositronic build runs both on the same inputs and requires the same result.

usage: prositronic_verify.py --plan plan.json --deployment NAME --log llama-server.log
                             [--gpu-before smi.csv --gpu-after smi.csv] [--out verify]
"""
import argparse
import json
import os
import re
import sys
import tempfile
from decimal import Decimal, ROUND_HALF_EVEN

MIB = 1024 * 1024
REL_PERCENT = 3
ABS_BYTES = 256 * MIB

_NUM = r"\s*=\s*([0-9]+(?:\.[0-9]+)?) MiB"
# Format strings of llama.cpp at the pinned build (see LlamaLog.java for the source lines).
MODEL = re.compile(r"load_tensors:\s+(\S+) model buffer size" + _NUM)
KV = re.compile(r"llama_kv_cache:\s+(\S+) KV buffer size" + _NUM)
RS = re.compile(r"llama_memory_recurrent:\s+(\S+) RS buffer size" + _NUM)
COMPUTE = re.compile(r"sched_reserve:\s+(\S+) compute buffer size" + _NUM)
OUTPUT = re.compile(r"llama_context:\s+(\S+)\s+output buffer size" + _NUM)
BUILD = re.compile(r"\bbuild: ([0-9]+) \(([0-9a-f]+)\)")
N_CTX = re.compile(r"llama_context: n_ctx\s+=\s+([0-9]+)")
N_SEQ = re.compile(r"llama_context: n_seq_max\s+=\s+([0-9]+)")
BREAKDOWN_DEVICE = re.compile(r"memory_breakdown_print: \|\s+- (.+?)\s+\|\s*([0-9]+)\s*=\s*([0-9]+)\s*\+\s*\(\s*([0-9]+)"
                              r"\s*=\s*([0-9]+)\s*\+\s*([0-9]+)\s*\+\s*([0-9]+)\s*\)\s*\+\s*(-?[0-9]+)\s*\|")
GPU_BUFFER = re.compile(r"^[A-Za-z]+([0-9]+)$")
# tools/mtmd/clip.cpp: the vision projector's backend, its weights ("model size") and its warmup compute buffer
CLIP_BACKEND = re.compile(r"clip_ctx: CLIP using (\S+) backend")
CLIP_MODEL = re.compile(r"load_hparams: model size:\s+([0-9]+(?:\.[0-9]+)?) MiB")
# common/speculative.cpp: the buffer lines after "loading draft model" are the draft model's and its context's
DRAFT = re.compile(r"loading draft model '")
CLIP_COMPUTE = re.compile(r"(?:reserve|alloc)_compute_meta:\s+(\S+) compute buffer size" + _NUM)


def mib_to_bytes(text):
    return int((Decimal(text) * MIB).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


class Log(object):
    def __init__(self):
        self.loads = 0
        self.context_seen = False
        self.build = None
        self.n_ctx = None
        self.n_seq = None
        self.clip_backend = "CPU"
        self.projector_weights, self.projector_compute = {}, {}
        self.draft, self.in_draft = {}, False
        self._reset()

    def _reset(self):
        self.model, self.kv, self.rs, self.compute, self.output = {}, {}, {}, {}, {}
        self.breakdown = []

    @staticmethod
    def _add(part, name, value, accumulate):
        part[name] = part.get(name, 0) + value if accumulate else value

    def line(self, line):
        if DRAFT.search(line):
            self.in_draft, self.draft = True, {}
            return
        if self.in_draft and not CLIP_BACKEND.search(line):
            for pattern in (MODEL, KV, RS, COMPUTE, OUTPUT):
                m = pattern.search(line)
                if m:
                    self._add(self.draft, m.group(1), mib_to_bytes(m.group(2)), True)
                    break
            return
        m = CLIP_BACKEND.search(line)
        if m:
            self.in_draft = False
            self.clip_backend = m.group(1)
            self.projector_weights, self.projector_compute = {}, {}
            return
        m = CLIP_MODEL.search(line)
        if m:
            self.projector_weights[self.clip_backend] = mib_to_bytes(m.group(1))
            return
        m = CLIP_COMPUTE.search(line)
        if m:
            self.projector_compute[m.group(1)] = mib_to_bytes(m.group(2))
            return
        for pattern, kind in ((MODEL, "model"), (KV, "kv"), (RS, "rs"), (COMPUTE, "compute"), (OUTPUT, "output")):
            m = pattern.search(line)
            if m:
                if kind == "model":
                    if self.context_seen or self.loads == 0:
                        self.loads += 1
                        self.context_seen = False
                        self._reset()
                else:
                    self.context_seen = True
                self._add(getattr(self, kind), m.group(1), mib_to_bytes(m.group(2)),
                          kind in ("model", "kv", "rs"))
                return
        m = BREAKDOWN_DEVICE.search(line)
        if m:
            self.breakdown.append((m.group(1),) + tuple(int(g) for g in m.groups()[1:]))
            return
        m = BUILD.search(line)
        if m and self.build is None:
            self.build = "b%s (%s)" % (m.group(1), m.group(2))
            return
        m = N_CTX.search(line)
        if m:
            self.n_ctx = int(m.group(1))
            return
        m = N_SEQ.search(line)
        if m:
            self.n_seq = int(m.group(1))

    def buffer_names(self):
        # first-seen order per part, parts in the order model, kv, rs, compute, output (as the Java checker)
        names = []
        for part in (self.model, self.kv, self.rs, self.compute, self.output):
            for name in self._ordered(part):
                if name not in names:
                    names.append(name)
        return names

    def _ordered(self, part):
        return list(part.keys())

    def empty(self):
        return not (self.model or self.kv or self.rs or self.compute or self.output)


def parse_log(lines):
    log = Log()
    for line in lines:
        log.line(line)
    return log


SMI_HINT = "query nvidia-smi --query-gpu=index,memory.used,memory.total,memory.free --format=csv"


def parse_smi(lines):
    """[(index, used_bytes)] from nvidia-smi CSV (header optional, units optional)."""
    columns = None
    gpus = []
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        cells = re.split(r"\s*,\s*", line)
        if columns is None and "memory." in line.lower():
            columns = [re.sub(r"\s*\[.*\]$", "", c).strip().lower() for c in cells]
            continue
        cols = columns if columns is not None else (
            ["memory.used"] if len(cells) == 1 else ["index", "memory.used"] if len(cells) == 2 else None)
        if cols is None or len(cols) != len(cells):
            raise ValueError("line %d: `%s` has %d columns; %s" % (n, line, len(cells), SMI_HINT))
        row = {}
        for col, cell in zip(cols, cells):
            if col in ("index", "memory.used", "memory.total", "memory.free"):
                v = re.sub(r"\s*MiB$", "", cell).strip()
                if not re.match(r"^[0-9]+$", v):
                    raise ValueError("line %d: `%s` is not a number of MiB (nvidia-smi prints `[N/A]` when the "
                                     "driver cannot read the memory; verify needs a GPU that reports it)" % (n, cell))
                row[col] = int(v) if col == "index" else int(v) * MIB
        if "memory.used" not in row:
            raise ValueError("line %d: no memory.used column; %s" % (n, SMI_HINT))
        gpus.append((row.get("index", len(gpus)), row["memory.used"]))
    return dict(gpus)


def device_of(buffer):
    m = GPU_BUFFER.match(buffer)
    return int(m.group(1)) if m else -1


def tolerance_for(plan):
    return max(plan * REL_PERCENT // 100, ABS_BYTES)


def percent(diff, plan):
    if plan == 0:
        return None
    bp = (abs(diff) * 20000 + plan) // (2 * plan)
    return (-bp if diff < 0 else bp) / 100.0


def part(name, plan, measured):
    diff = measured - plan
    tol = tolerance_for(plan)
    return {"part": name, "planBytes": plan, "measuredBytes": measured, "differenceBytes": diff,
            "differencePercent": percent(diff, plan), "toleranceBytes": tol,
            "result": "fail" if abs(diff) > tol else "pass"}


def not_measured(name, plan):
    return {"part": name, "planBytes": plan, "measuredBytes": None, "differenceBytes": None,
            "differencePercent": None, "toleranceBytes": tolerance_for(plan), "result": "not measured"}


def verify(dep, log, before, after):
    notes = []
    ok = True
    if log.empty():
        notes.append("the log has no buffer lines of llama.cpp (load_tensors/llama_kv_cache/sched_reserve): "
                     "was the model loaded, and is the log level at least info?")
        ok = False
    if log.loads > 1:
        notes.append("the log holds %d model loads; the last one is compared" % log.loads)
    devices = dep.get("memory", {}).get("devices", [])
    gpus = [d for d in devices if d.get("kind") == "gpu"]
    for b in log.buffer_names():
        m = GPU_BUFFER.match(b)
        if m and int(m.group(1)) >= len(gpus):
            notes.append("buffer %s is on a GPU the plan does not use (the plan has %d); set CUDA_VISIBLE_DEVICES "
                         "(or the backend's equivalent) to the planned GPUs" % (b, len(gpus)))
            ok = False
    settings = []
    for name, plan, measured in (("ctxSize", dep.get("ctxSize", 0), log.n_ctx),
                                 ("parallel", dep.get("parallel", 0), log.n_seq)):
        result = "not measured" if measured is None else "pass" if measured == plan else "fail"
        ok = ok and result != "fail"
        settings.append({"name": name, "plan": plan, "measured": measured, "result": result})

    def total(part_map, index):
        return sum(v for k, v in part_map.items() if device_of(k) == index)

    out = []
    gpu_index = 0
    for d in devices:
        gpu = d.get("kind") == "gpu"
        index = gpu_index if gpu else -1
        if gpu:
            gpu_index += 1
        buffers = [b for b in log.buffer_names() if device_of(b) == index]
        weights, kv, rs = total(log.model, index), total(log.kv, index), total(log.rs, index)
        compute = total(log.compute, index) + total(log.output, index)
        parts = [part("weights", d.get("weightsBytes", 0), weights),
                 part("kvCache", d.get("kvCacheBytes", 0), kv),
                 part("recurrentState", d.get("recurrentStateBytes", 0), rs),
                 part("compute", d.get("computeBytes", 0), compute)]
        pw, pc = total(log.projector_weights, index), total(log.projector_compute, index)
        plan_projector = d.get("projectorWeightsBytes", 0) + d.get("projectorComputeBytes", 0)
        if plan_projector > 0 or pw + pc > 0:
            # the vision projector (clip): its weights on the backend it logs, and its warmup buffer
            parts.append(part("projectorWeights", d.get("projectorWeightsBytes", 0), pw))
            parts.append(part("projectorCompute", d.get("projectorComputeBytes", 0), pc))
        dr = total(log.draft, index)
        if d.get("draftBytes", 0) > 0 or dr > 0:
            # the draft model of speculative decoding: its model, KV, RS, compute and output buffers together
            parts.append(part("draft", d.get("draftBytes", 0), dr))
        used_before = used_after = delta = None
        if gpu and before is not None and after is not None and index in before and index in after:
            used_before, used_after = before[index], after[index]
            delta = used_after - used_before
        logged = weights + kv + rs + compute + pw + pc + dr
        plan_overhead = d.get("overheadBytes", 0)
        plan_at_load = d["atLoadBytes"] if "atLoadBytes" in d else (
            d.get("weightsBytes", 0) + d.get("kvCacheBytes", 0) + d.get("recurrentStateBytes", 0)
            + d.get("computeBytes", 0) + d.get("projectorWeightsBytes", 0) + d.get("projectorComputeBytes", 0)
            + d.get("draftBytes", 0) + plan_overhead)
        parts.append(part("overhead", plan_overhead, delta - logged) if delta is not None
                     else not_measured("overhead", plan_overhead))
        parts.append(part("atLoad", plan_at_load, delta) if delta is not None else not_measured("atLoad", plan_at_load))
        ok = ok and all(p["result"] != "fail" for p in parts)
        out.append({"id": d.get("id"), "kind": d.get("kind"), "buffers": buffers, "gpuUsedBeforeBytes": used_before,
                    "gpuUsedAfterBytes": used_after, "parts": parts})
    for name, tot, free, self_, model, context, compute_, unacc in log.breakdown:
        notes.append("llama.cpp's memory breakdown: %s total %d MiB, free %d, self %d (model %d, context %d, compute %d),"
                     " unaccounted %d" % (name, tot, free, self_, model, context, compute_, unacc))
    if gpus and (before is None or after is None):
        notes.append("no nvidia-smi readings before and after the load: GPU overhead and at-load totals not measured")
    return {"deployment": dep.get("name"), "node": dep.get("node"), "model": dep.get("model"),
            "quant": dep.get("quant"), "backend": dep.get("backend"), "build": log.build or "unknown",
            "tolerance": {"relative": REL_PERCENT / 100.0, "absoluteBytes": ABS_BYTES}, "pass": ok,
            "settings": settings, "devices": out, "notes": notes}


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def main(argv):
    p = argparse.ArgumentParser(description="Compare a llama-server load with its Prositronic plan.")
    p.add_argument("--plan", required=True)
    p.add_argument("--deployment", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--gpu-before")
    p.add_argument("--gpu-after")
    p.add_argument("--out", default="verify")
    a = p.parse_args(argv)
    if (a.gpu_before is None) != (a.gpu_after is None):
        sys.stderr.write("error: --gpu-before and --gpu-after go together (the GPU delta needs both readings)\n")
        return 2
    try:
        with open(a.plan, encoding="utf-8") as f:
            plan = json.load(f)
    except (OSError, ValueError) as e:
        sys.stderr.write("error: %s: not a readable plan.json (%s); pass the plan.json the compile goal wrote\n"
                         % (a.plan, e))
        return 2
    deps = plan.get("deployments", [])
    dep = next((d for d in deps if d.get("name") == a.deployment), None)
    if dep is None:
        sys.stderr.write("error: %s: no deployment `%s`; the plan has %s\n"
                         % (a.plan, a.deployment, ", ".join(d.get("name", "") for d in deps)))
        return 2
    try:
        log = parse_log(read_lines(a.log))
        before = after = None
        for which in ("gpu_before", "gpu_after"):
            path = getattr(a, which)
            if path:
                try:
                    smi = parse_smi(read_lines(path))
                except ValueError as e:
                    sys.stderr.write("error: %s: %s\n" % (path, e))
                    return 2
                if which == "gpu_before":
                    before = smi
                else:
                    after = smi
    except OSError as e:
        sys.stderr.write("error: %s\n" % e)
        return 2
    report = verify(dep, log, before, after)
    if not os.path.isdir(a.out):
        os.makedirs(a.out)
    target = os.path.join(a.out, report["deployment"] + ".json")
    fd, tmp = tempfile.mkstemp(prefix="." + report["deployment"], suffix=".tmp", dir=a.out)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(report, indent=2) + "\n")
    os.replace(tmp, target)
    for dev in report["devices"]:
        for pt in dev["parts"]:
            print("%-24s %-16s %-14s plan %10.2f MiB  measured %10s MiB  %8s  %s" % (
                report["deployment"], dev["id"], pt["part"], pt["planBytes"] / float(MIB),
                "-" if pt["measuredBytes"] is None else "%.2f" % (pt["measuredBytes"] / float(MIB)),
                "" if pt["differencePercent"] is None else "%+.2f%%" % pt["differencePercent"], pt["result"]))
    for n in report["notes"]:
        print("note: " + n)
    print("%s %s: wrote %s" % ("PASS" if report["pass"] else "FAIL", report["deployment"], target))
    return 0 if report["pass"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
