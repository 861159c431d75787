#!/usr/bin/env python3
"""Runs llama-server on the grid of grid.json and writes one JSON line per context: llama.cpp's own accounting per
device (its --fit no-alloc dry run, or a real load) and, on NVIDIA machines, nvidia-smi's memory before and after.

The lines have the shape of tools/llama-measure's records (sweep.mjs, measure-server.mjs: harness, config, command,
dry_run/real with cparams, kv, rs, compute_buffers_mib, bytes), plus what a GPU adds: the model's catalog id and
weight type, -ngl, per-buffer bytes (`bytes_by_buffer`: CUDA0, CUDA_Host, CPU_Mapped, ...), llama.cpp's
`common_memory_breakdown_print` rows per device, the devices llama.cpp saw and nvidia-smi's readings. The log parser
is a port of tools/llama-measure/parse-log.mjs (the same regular expressions, each naming the llama.cpp line it
reads); test_measure_gpu.py checks that both give the same fields on the same log.

  measure_gpu.py plan --grid grid.json [--stubs DIR]
  measure_gpu.py run --server-bin BIN --stubs DIR --ggufs DIR --out FILE [--deadline EPOCH] [--log FILE] [--tiers a,b]
  measure_gpu.py parse-log FILE          # one JSON object: the phases of a saved llama-server log

Python 3.8+ standard library only (the GPU machine has python3 but maybe no node or java).
"""
import argparse
import gzip
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

MIB = 1024 * 1024
TOOL = "prositronic-gpu-measure"


def mib(v):
    """Log value in MiB -> bytes (rounded; logs have 2 or 4 decimals)."""
    return int(round(float(v) * MIB))


def _num(v):
    return float(v) if "." in v else int(v)


# ---------------------------------------------------------------------------------------------------------------
# log parsing: the regular expressions of tools/llama-measure/parse-log.mjs, then what a GPU log adds
# ---------------------------------------------------------------------------------------------------------------
_CPARAMS = ("n_seq_max|n_ctx|n_ctx_seq|n_batch|n_ubatch|causal_attn|flash_attn|kv_unified|n_rs_seq|n_outputs_max|"
            "n_outputs_max_per_seq|freq_base")
_INFO = ("n_vocab|n_layer|n_embd|n_head|n_head_kv|n_ctx_train|n_embd_k_gqa|n_embd_v_gqa|n_ff|n_expert|n_expert_used|"
         "ssm_d_conv|ssm_d_inner|ssm_d_state|ssm_dt_rank|ssm_n_group|model type|model params|file type")
RE = {
    # src/llama-model.cpp load_tensors: "%s: %12s model buffer size = %8.2f MiB"
    "model_buffer": re.compile(r"^load_tensors:\s+(\S+) model buffer size =\s+([\d.]+) MiB"),
    # src/llama-model-loader.cpp: "file size   = %.2f MiB (%.2f BPW)"
    "file_size": re.compile(r"file size\s+=\s+([\d.]+) (MiB|GiB) \(([\d.]+) BPW\)"),
    # src/llama-context.cpp llama_context(): "n_seq_max = %u" etc.
    "cparam": re.compile(r"^llama_context: (" + _CPARAMS + r")\s+=\s+(\S+)"),
    # src/llama-context.cpp: "%10s  output buffer size = %8.2f MiB"
    "output": re.compile(r"^llama_context:\s+(\S+)\s+output buffer size =\s+([\d.]+) MiB"),
    # src/llama-kv-cache.cpp: "%10s KV buffer size = %8.2f MiB"
    "kv_buffer": re.compile(r"^llama_kv_cache:\s+(\S+) KV buffer size =\s+([\d.]+) MiB"),
    # src/llama-kv-cache.cpp: "size = %7.2f MiB (%6u cells, %3d layers, %2u/%u seqs), K (%s): %7.2f MiB, V (%s): ..."
    "kv_size": re.compile(r"^llama_kv_cache: size =\s+([\d.]+) MiB \(\s*(\d+) cells,\s*(\d+) layers,\s*(\d+)/\s*(\d+) "
                          r"seqs\), K \((\w+)\):\s+([\d.]+) MiB, V \((\w+)\):\s+([\d.]+) MiB"),
    # src/llama-memory-recurrent.cpp: "%10s RS buffer size = %8.2f MiB"
    "rs_buffer": re.compile(r"^llama_memory_recurrent:\s+(\S+) RS buffer size =\s+([\d.]+) MiB"),
    # src/llama-memory-recurrent.cpp: "size = %7.2f MiB (%6u cells, %3d layers, %2u seqs %2u rs_seq), R (%s): ..."
    "rs_size": re.compile(r"^llama_memory_recurrent: size =\s+([\d.]+) MiB \(\s*(\d+) cells,\s*(\d+) layers,\s*(\d+) "
                          r"seqs\s+(\d+) rs_seq\), R \((\w+)\):\s+([\d.]+) MiB, S \((\w+)\):\s+([\d.]+) MiB"
                          r"(?:, P \((\w+)\):\s+([\d.]+) MiB)?"),
    # src/llama-context.cpp sched_reserve: "%10s compute buffer size = %8.2f MiB"
    "compute": re.compile(r"^sched_reserve:\s+(\S+) compute buffer size =\s+([\d.]+) MiB"),
    # src/llama-context.cpp ~llama_context (debug): "%10s compute buffer size is %8.4f MiB, matches expectation ..."
    "compute_4dp": re.compile(r"~llama_context:\s+(\S+) compute buffer size (?:is|of)\s+([\d.]+) MiB"),
    # src/llama-context.cpp sched_reserve: "graph...: nodes = %s, splits = %s, ..."
    "graph": re.compile(r"^sched_reserve: graph.*nodes = ([\d /]+), splits = ([\d /]+)"),
    # older wording (b10xxx): "graph nodes  = %d" and "graph splits = %d (with bs=%d), %d (with bs=1)"
    "graph_nodes_old": re.compile(r"^sched_reserve: graph nodes\s+=\s+(\d+)"),
    "graph_splits_old": re.compile(r"^sched_reserve: graph splits = (\d+)(?: \(with bs=(\d+)\), (\d+) \(with bs=1\))?"),
    # src/llama-context.cpp sched_reserve (debug): "max_nodes = %zu", "worst-case: n_tokens = %d, n_seqs = %d, ..."
    "max_nodes": re.compile(r"^sched_reserve: max_nodes = (\d+)"),
    "worst_case": re.compile(r"^sched_reserve: worst-case: n_tokens = (\d+), n_seqs = (\d+), n_outputs = (\d+)"),
    # src/llama-model.cpp print_info
    "no_alloc": re.compile(r"^print_info: no_alloc\s+=\s+(\d)"),
    "info": re.compile(r"^print_info: (" + _INFO + r")\s+=\s+(.+)$"),
    # src/llama-model.cpp load_tensors: "offloaded %d/%d layers to GPU"
    "offloaded": re.compile(r"^load_tensors: offloaded (\d+)/(\d+) layers to GPU"),
}
# what only the server log has (tools/server, common/fit.cpp, src/llama.cpp)
SRV = {
    "auto_parallel": re.compile(r"n_parallel is set to auto, using n_parallel = (\d+) and kv_unified = (\w+)"),
    "slots": re.compile(r"initializing, n_slots = (\d+), n_ctx_slot = (\d+), kv_unified = '(\w+)'"),
    "checkpoints": re.compile(r"context checkpoints enabled, max = (\d+), min spacing = (\d+)"),
    "projected_host": re.compile(r"projected to use (\d+) MiB of host memory vs\. (\d+) MiB"),
    "projected_device": re.compile(r"projected to use (\d+) MiB of device memory vs\. (\d+) MiB of free device memory"),
    # common/common.cpp common_memory_breakdown_print, a GPU row:
    # "|   - CUDA0 (H200)   | 143771 = 140000 + ( 5000 =  4000 +   500 +   500) +   -1729 |"
    "breakdown_gpu": re.compile(r"^common_memory_breakdown_print: \|\s+- (\S+)(?: \(([^|]*?)\))?\s+\|\s+(-?\d+) =\s+"
                                r"(-?\d+) \+ \(\s*(-?\d+) =\s+(-?\d+) \+\s+(-?\d+) \+\s+(-?\d+)\) \+\s+(-?\d+)\s+\|"),
    # a host row: "|   - Host   |   329 =   281 +   0 +   48   |"
    "breakdown_host": re.compile(r"^common_memory_breakdown_print: \|\s+- (\S+)(?: \(([^|]*?)\))?\s+\|\s+(-?\d+) =\s+"
                                 r"(-?\d+) \+\s+(-?\d+) \+\s+(-?\d+)\s+\|"),
    # common/fit.cpp: "id=0, n_layer=15, n_part= 0, overflow_type=4, mem=  4089 MiB"
    "fit_alloc": re.compile(r"^common_params_fit_impl: id=(\d+), n_layer=\s*(\d+), n_part=\s*(\d+), "
                            r"overflow_type=(\d+), mem=\s*(\d+) MiB"),
    # src/llama.cpp: "using device CUDA0 (NVIDIA H200) (0000:18:00.0) - 143000 MiB free"
    "using_device": re.compile(r"using device (\S+) \((.*?)\)(?: \(([0-9a-fA-F:.]+|unknown id)\))? - (\d+) MiB free"),
    # common: "  - CUDA0   : NVIDIA H200 (143771 MiB, 143000 MiB free)"
    "device_info": re.compile(r"(?:^|:\s+)-\s+(\S+)\s+:\s+(.*?) \((\d+) MiB, (\d+) MiB free\)$"),
    "build": re.compile(r"build:? (\d+) \(([0-9a-f]+)\)"),
    "fit_done": re.compile(r"common_fit_params: fitting params to free memory took|fit.*failed", re.I),
    "listening": re.compile(r"llama_server: listening on|server is listening"),
}
_PREFIX = re.compile(r"^\d+\.\d+\.\d+\.\d+ ([A-Z]) ")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# "srv  " / "cmn  " style component tags of newer llama-server logs, after the level letter
_COMPONENT = re.compile(r"^(?:srv|cmn|slot|que|res)\s+")


def new_phase():
    return {"model_info": {}, "model_buffers_mib": {}, "cparams": {}, "output_buffer_mib": {},
            "kv": {"buffers_mib": {}}, "rs": {"buffers_mib": {}}, "compute_buffers_mib": {},
            "compute_buffers_mib_4dp": {}}


def parse_line(line, r):
    """One llama.cpp log line (prefix stripped) into the phase object r; mirrors parseLine of parse-log.mjs."""
    m = RE["model_buffer"].match(line)
    if m:
        r["model_buffers_mib"][m.group(1)] = float(m.group(2))
        return
    m = RE["file_size"].search(line)
    if m:
        r["file_size_mib"] = float(m.group(1)) * (1024 if m.group(2) == "GiB" else 1)
        r["file_bpw"] = float(m.group(3))
        return
    m = RE["cparam"].match(line)
    if m:
        v = m.group(2)
        r["cparams"][m.group(1)] = _num(v) if re.match(r"^-?[\d.]+$", v) else v
        return
    m = RE["output"].match(line)
    if m:
        r["output_buffer_mib"][m.group(1)] = float(m.group(2))
        return
    m = RE["kv_buffer"].match(line)
    if m:
        r["kv"]["buffers_mib"][m.group(1)] = float(m.group(2))
        return
    m = RE["kv_size"].match(line)
    if m:
        g = m.groups()
        r["kv"].update({"size_mib": float(g[0]), "cells": int(g[1]), "layers": int(g[2]), "seqs": int(g[3]),
                        "n_stream": int(g[4]), "type_k": g[5], "k_mib": float(g[6]), "type_v": g[7],
                        "v_mib": float(g[8])})
        return
    m = RE["rs_buffer"].match(line)
    if m:
        r["rs"]["buffers_mib"][m.group(1)] = float(m.group(2))
        return
    m = RE["rs_size"].match(line)
    if m:
        g = m.groups()
        r["rs"].update({"size_mib": float(g[0]), "cells": int(g[1]), "layers": int(g[2]), "seqs": int(g[3]),
                        "rs_seq": int(g[4]), "type_r": g[5], "r_mib": float(g[6]), "type_s": g[7],
                        "s_mib": float(g[8]), "type_p": g[9], "p_mib": float(g[10]) if g[10] is not None else None})
        return
    m = RE["compute"].match(line)
    if m:
        r["compute_buffers_mib"][m.group(1)] = float(m.group(2))
        return
    m = RE["compute_4dp"].search(line)
    if m:
        r["compute_buffers_mib_4dp"][m.group(1)] = float(m.group(2))
        return
    m = RE["graph"].match(line)
    if m:
        r["graph"] = {"nodes": m.group(1).strip(), "splits": m.group(2).strip()}
        return
    m = RE["graph_nodes_old"].match(line)
    if m:
        r.setdefault("graph", {})["nodes"] = m.group(1)
        return
    m = RE["graph_splits_old"].match(line)
    if m:
        g = r.setdefault("graph", {})
        g["splits"] = m.group(1)
        if m.group(2):
            g["splits_bs"] = int(m.group(2))
            g["splits_bs1"] = m.group(3)
        return
    m = RE["max_nodes"].match(line)
    if m:
        r["max_nodes"] = int(m.group(1))
        return
    m = RE["worst_case"].match(line)
    if m:
        r["worst_case"] = {"n_tokens": int(m.group(1)), "n_seqs": int(m.group(2)), "n_outputs": int(m.group(3))}
        return
    m = RE["no_alloc"].match(line)
    if m:
        r["no_alloc"] = m.group(1) == "1"
        return
    m = RE["offloaded"].match(line)
    if m:
        r["offloaded"] = {"layers": int(m.group(1)), "of": int(m.group(2))}
        return
    m = RE["info"].match(line)
    if m:
        r["model_info"][m.group(1).replace(" ", "_")] = m.group(2).strip()


def clean(raw):
    """(line without time/level prefix, colour codes and component tag, level letter)."""
    m = _PREFIX.match(raw)
    level = m.group(1) if m else "?"
    line = _ANSI.sub("", _PREFIX.sub("", raw)).strip()
    line = _COMPONENT.sub("", line)
    return line, level


class LogState:
    """Everything one llama-server run prints: its phases (one per model load: the --fit dry run, the real load)
    and the server's own lines."""

    def __init__(self):
        self.phases = []
        self.cur = None
        self.server = {}
        self.devices = []
        self.warnings = []
        self.errors = []
        self.fit_done = False
        self.listening = False
        self.build = None

    def feed(self, raw):
        line, level = clean(raw)
        if line.startswith("llama_model_loader: loaded meta data"):
            self.cur = new_phase()
            self.phases.append(self.cur)
        if self.cur is not None:
            parse_line(line, self.cur)
        s = self.server
        m = SRV["auto_parallel"].search(line)
        if m:
            s["auto_parallel"] = {"n_parallel": int(m.group(1)), "kv_unified": m.group(2) == "true"}
        m = SRV["slots"].search(line)
        if m:
            s.update({"n_slots": int(m.group(1)), "n_ctx_slot": int(m.group(2)), "kv_unified": m.group(3) == "true"})
        m = SRV["checkpoints"].search(line)
        if m:
            s["ctx_checkpoints"] = {"max": int(m.group(1)), "min_spacing": int(m.group(2))}
        m = SRV["projected_host"].search(line)
        if m:
            s["fit_projected_host_mib"] = int(m.group(1))
            s["fit_total_host_mib"] = int(m.group(2))
        m = SRV["projected_device"].search(line)
        if m:
            s.setdefault("fit_projected_device_mib", int(m.group(1)))
            s.setdefault("fit_free_device_mib", int(m.group(2)))
        m = SRV["breakdown_gpu"].match(line)
        if m:
            g = m.groups()
            s.setdefault("memory_breakdown", []).append({
                "device": g[0], "name": g[1], "total": int(g[2]), "free": int(g[3]), "self": int(g[4]),
                "model": int(g[5]), "context": int(g[6]), "compute": int(g[7]), "unaccounted": int(g[8])})
        else:
            m = SRV["breakdown_host"].match(line)
            if m:
                g = m.groups()
                s.setdefault("memory_breakdown", []).append({
                    "device": g[0], "name": g[1], "self": int(g[2]), "model": int(g[3]), "context": int(g[4]),
                    "compute": int(g[5])})
        m = SRV["fit_alloc"].match(line)
        if m:
            s.setdefault("fit_test_allocations", []).append({
                "id": int(m.group(1)), "n_layer": int(m.group(2)), "n_part": int(m.group(3)),
                "mem_mib": int(m.group(5))})
        m = SRV["using_device"].search(line)
        if m:
            self.devices.append({"device": m.group(1), "name": m.group(2), "pci": m.group(3),
                                 "free_mib": int(m.group(4)), "from": "using device"})
        m = SRV["device_info"].search(line)
        if m:
            self.devices.append({"device": m.group(1), "name": m.group(2), "total_mib": int(m.group(3)),
                                 "free_mib": int(m.group(4)), "from": "device_info"})
        if self.build is None:
            m = SRV["build"].search(line)
            if m and "build" in line:
                self.build = {"number": int(m.group(1)), "commit": m.group(2)}
        if level == "W":
            self.warnings.append(line)
        if level == "E":
            self.errors.append(line)
        if SRV["fit_done"].search(line):
            self.fit_done = True
        if SRV["listening"].search(line):
            self.listening = True
        return line


def summarise(p):
    """A phase as measure-server.mjs reports it, plus the bytes of each named buffer."""
    if p is None:
        return None

    def total(d):
        return sum((d or {}).values())

    by_buffer = {}

    def put(kind, d):
        for name, v in (d or {}).items():
            by_buffer.setdefault(name, {})[kind] = by_buffer.get(name, {}).get(kind, 0) + mib(v)

    put("model", p["model_buffers_mib"])
    put("kv", p["kv"].get("buffers_mib"))
    put("rs", p["rs"].get("buffers_mib"))
    put("output", p["output_buffer_mib"])
    put("compute", p["compute_buffers_mib_4dp"] if p["compute_buffers_mib_4dp"] else p["compute_buffers_mib"])
    kv, rs = p["kv"], p["rs"]
    return {
        "no_alloc": p.get("no_alloc"),
        "model_buffers_mib": p["model_buffers_mib"],
        "cparams": p["cparams"],
        "worst_case": p.get("worst_case"),
        "max_nodes": p.get("max_nodes"),
        "graph": p.get("graph"),
        "offloaded": p.get("offloaded"),
        "output_buffer_mib": p["output_buffer_mib"],
        "kv": kv,
        "rs": rs,
        "compute_buffers_mib": p["compute_buffers_mib"],
        "compute_buffers_mib_4dp": p["compute_buffers_mib_4dp"],
        "bytes": {
            "model": mib(total(p["model_buffers_mib"])),
            "kv": mib(kv["size_mib"]) if "size_mib" in kv else mib(total(kv.get("buffers_mib"))),
            "rs": mib(rs["size_mib"]) if "size_mib" in rs else mib(total(rs.get("buffers_mib"))),
            "output": mib(total(p["output_buffer_mib"])),
            "compute": mib(total(p["compute_buffers_mib_4dp"])) if p["compute_buffers_mib_4dp"]
            else mib(total(p["compute_buffers_mib"])),
        },
        "bytes_by_buffer": by_buffer,
    }


def result_of(state):
    dry = next((p for p in state.phases if p.get("no_alloc") is True), None)
    real = next((p for p in state.phases if p.get("no_alloc") is False), None)
    return {"server": state.server, "devices": state.devices, "build": state.build, "fit_done": state.fit_done,
            "listening": state.listening, "dry_run": summarise(dry), "real": summarise(real),
            "warnings": [w for w in state.warnings if not re.search(r"tokenize|chat template", w, re.I)][:20],
            "errors": state.errors[:20]}


def parse_log_file(path):
    st = LogState()
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            st.feed(raw.rstrip("\n"))
    return result_of(st)


# ---------------------------------------------------------------------------------------------------------------
# nvidia-smi
# ---------------------------------------------------------------------------------------------------------------
def smi_available():
    return shutil.which("nvidia-smi") is not None


def smi_gpus():
    """Per GPU: index, name, total/used/free MiB, driver, compute capability; None without nvidia-smi."""
    if not smi_available():
        return None
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=index,name,memory.total,memory.used,memory.free,"
                              "driver_version,compute_cap", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    gpus = []
    for row in out.strip().splitlines():
        f = [x.strip() for x in row.split(",")]
        if len(f) >= 7:
            gpus.append({"index": int(f[0]), "name": f[1], "total_mib": int(f[2]), "used_mib": int(f[3]),
                         "free_mib": int(f[4]), "driver": f[5], "compute_cap": f[6]})
    return gpus


def smi_process_mib(pid):
    """nvidia-smi's memory of one process (per GPU uuid); empty where the driver does not list processes."""
    if not smi_available():
        return None
    try:
        out = subprocess.run(["nvidia-smi", "--query-compute-apps=pid,gpu_uuid,used_memory",
                              "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    rows = []
    for row in out.strip().splitlines():
        f = [x.strip() for x in row.split(",")]
        if len(f) >= 3 and f[0].isdigit() and int(f[0]) == pid:
            try:
                rows.append({"gpu_uuid": f[1], "used_mib": int(f[2])})
            except ValueError:
                pass
    return rows


def smi_reading(pid=None):
    g = smi_gpus()
    if g is None:
        return None
    r = {"t": round(time.time(), 1), "gpus": [{"index": x["index"], "used_mib": x["used_mib"]} for x in g]}
    if pid is not None:
        r["process"] = smi_process_mib(pid)
    return r


# ---------------------------------------------------------------------------------------------------------------
# running llama-server
# ---------------------------------------------------------------------------------------------------------------
def _proc_status(pid):
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            txt = f.read()
        for key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            m = re.search(r"^" + key + r":\s+(\d+) kB", txt, re.M)
            if m:
                out[key + "_bytes"] = int(m.group(1)) * 1024
    except OSError:
        pass
    return out


def _request(port, n_tokens, timeout):
    """One completion of a prompt of about n_tokens tokens (the synthetic GGUFs' "test" tokenizer maps 5-byte
    chunks to tokens), 4 generated tokens: the first decode at the full ubatch."""
    body = json.dumps({"prompt": "abcde" * max(1, n_tokens - 8), "n_predict": 4, "cache_prompt": False}).encode()
    req = urllib.request.Request("http://127.0.0.1:%d/completion" % port, data=body,
                                 headers={"Content-Type": "application/json"})
    t0 = time.time()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data = json.loads(resp.read().decode("utf-8", "replace"))
        timings = data.get("timings", {}) if isinstance(data, dict) else {}
        return {"ok": True, "prompt_n": timings.get("prompt_n"), "predicted_n": timings.get("predicted_n"),
                "prompt_per_second": timings.get("prompt_per_second"), "elapsed_ms": int((time.time() - t0) * 1000)}
    except Exception as e:  # noqa: BLE001 - the record says what went wrong
        return {"ok": False, "error": str(e)[:300], "elapsed_ms": int((time.time() - t0) * 1000)}


def run_server(server_bin, args, mode, timeout_s, request_tokens=0, log_sink=None, port=None):
    """Runs llama-server until its --fit dry run is done (mode dry) or it listens (mode real), reads nvidia-smi,
    stops it with SIGINT. Returns (result dict, log lines)."""
    args = list(args)
    if port is None:
        port = 18000 + os.getpid() % 1000
    if "--port" not in args:
        args += ["--port", str(port)]
    if "--host" not in args:
        args += ["--host", "127.0.0.1"]
    if "-v" not in args and "--verbose" not in args:
        args.append("-v")
    env = dict(os.environ, LLAMA_LOG_COLORS="0")
    smi_before = smi_reading()
    t0 = time.time()
    child = subprocess.Popen([server_bin] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                             bufsize=1, text=True, errors="replace")
    lines = queue.Queue()

    def pump():
        for raw in child.stdout:
            lines.put(raw.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    st = LogState()
    log = []
    extra = {"smi_before": smi_before, "smi_at_stop": None, "smi_after_request": None, "request": None,
             "rss_at_stop": None, "timeout": False}
    stopping = False
    deadline = t0 + timeout_s
    kill_at = None

    def stop():
        nonlocal stopping, kill_at
        if not stopping:
            stopping = True
            # a dry run has nothing to clean up (llama-server would go on loading the model first): 3 s, then KILL
            kill_at = time.time() + (3 if mode == "dry" else 30)
            try:
                child.send_signal(signal.SIGINT)
            except OSError:
                pass

    while True:
        now = time.time()
        if not stopping and now > deadline:
            extra["timeout"] = True
            st.errors.append("timeout after %d s" % timeout_s)
            stop()
        if kill_at is not None and now > kill_at and child.poll() is None:
            child.kill()
        try:
            raw = lines.get(timeout=0.5)
        except queue.Empty:
            if child.poll() is not None and lines.empty():
                break
            continue
        if raw is None:
            break
        log.append(raw)
        if log_sink is not None:
            log_sink.write(raw + "\n")
        st.feed(raw)
        if stopping:
            continue
        if mode == "dry" and st.fit_done:
            extra["smi_at_stop"] = smi_reading(child.pid)
            extra["rss_at_stop"] = _proc_status(child.pid)
            stop()
        elif mode == "real" and st.listening:
            extra["smi_at_stop"] = smi_reading(child.pid)
            extra["rss_at_stop"] = _proc_status(child.pid)
            if request_tokens > 0:
                extra["request"] = _request(port, request_tokens, max(10, deadline - time.time()))
                extra["smi_after_request"] = smi_reading(child.pid)
            stop()
    try:
        child.wait(timeout=max(1, (kill_at or time.time()) - time.time() + 5))
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    child.stdout.close()
    extra["smi_after_exit"] = smi_reading()
    res = result_of(st)
    if mode == "dry":
        res["real"] = None  # whatever of the real load got printed before the stop is not a measurement
    res.update(extra)
    res["command"] = " ".join([os.path.basename(server_bin)] + args)
    res["exit"] = {"code": child.returncode}
    res["elapsed_ms"] = int((time.time() - t0) * 1000)
    return res, log


# ---------------------------------------------------------------------------------------------------------------
# the grid
# ---------------------------------------------------------------------------------------------------------------
def load_manifest(stubs):
    path = os.path.join(stubs, "manifest.json") if stubs else None
    if path and os.path.exists(path):
        with open(path) as f:
            return {(m["model"], m["weights"]): m for m in json.load(f)["ggufs"]}
    return {}


def resolve_ngl(v, units):
    if isinstance(v, int):
        return v
    if units is None:
        return v
    return {"all": units, "half": units // 2, "one": 1}[v]


def expand_grid(grid, manifest, tiers=None, only_models=None):
    """The cases in run order: (tier, model, weights, mode, config) with -ngl resolved against the GGUF's layer
    count. A case names a model (and optionally its weights), or "*": every model entry not marked "in_all": false."""
    entries = [(m["id"], m["weights"]) for m in grid["models"] if not only_models or m["id"] in only_models]
    in_all = [(m["id"], m["weights"]) for m in grid["models"] if m.get("in_all", True)]
    out = []
    for tier in grid["tiers"]:
        if tiers and tier["name"] not in tiers:
            continue
        for case in tier["cases"]:
            if case["model"] == "*":
                targets = [e for e in entries if e in in_all]
            else:
                named = [e for e in entries if e[0] == case["model"] and e[1] == case.get("weights", e[1])]
                targets = named[:1]
            for model, weights in targets:
                if manifest and (model, weights) not in manifest:
                    continue
                units = manifest.get((model, weights), {}).get("units")
                for ngl in case["ngl"]:
                    c = dict(grid["defaults"])
                    c.update({k: v for k, v in case.items() if k not in ("model", "weights", "mode", "ngl")})
                    c["ngl"] = resolve_ngl(ngl, units)
                    c["ngl_spec"] = ngl
                    c["units"] = units
                    c["set"] = tier["name"]
                    out.append({"tier": tier["name"], "model": model, "weights": weights,
                                "mode": case["mode"], "config": c})
    # the same context twice (a later tier repeating an earlier one) runs once
    seen, unique = set(), []
    for x in out:
        key = json.dumps([x["model"], x["weights"], x["mode"],
                          {k: v for k, v in x["config"].items() if k not in ("set", "ngl_spec")}],
                         sort_keys=True)
        if key not in seen:
            seen.add(key)
            unique.append(x)
    return unique


def size_label(model):
    """tools/llama-measure's size label of a Qwen3.5 catalog id (qwen3-5-0-8b -> 0.8B, qwen3-5-35b-a3b -> 35B-A3B),
    the key RecordedLlamaCppTest reads; None for other families."""
    if not model.startswith("qwen3-5-"):
        return None
    return re.sub(r"(?<=\d)-(?=\d)", ".", model[len("qwen3-5-"):]).upper()


def server_args(gguf, c):
    a = ["-m", gguf, "-c", str(c["ctx"]), "-ub", str(c["ub"]), "-b", str(c["b"]), "-ngl", str(c["ngl"]),
         "-ctk", c["ctk"], "-ctv", c["ctv"], "-fa", c["fa"], "-np", str(c["np"])]
    if c.get("kvu"):
        a.append("-kvu")
    return a


def estimate(grid, case):
    e = grid["estimates_s"]
    if case["mode"] == "dry":
        return e["dry"]
    return e["real_request"] if case["config"].get("request") else e["real"]


def cmd_plan(a):
    with open(a.grid) as f:
        grid = json.load(f)
    manifest = load_manifest(a.stubs)
    cases = expand_grid(grid, manifest, a.tiers.split(",") if a.tiers else None,
                        a.models.split(",") if a.models else None)
    total = 0
    print("# %d cases (%s)" % (len(cases), "layer counts from " + a.stubs if manifest else
                                "no stub manifest: ngl all/half/one unresolved"))
    for i, x in enumerate(cases):
        c = x["config"]
        total += estimate(grid, x)
        print("%3d %-13s %-16s %-5s %-4s ngl=%-4s ctx=%-6s ub=%-4s b=%-4s np=%s%s fa=%-3s k/v=%s/%s%s ~%ds" % (
            i + 1, x["tier"], x["model"], x["weights"], x["mode"], c["ngl"], c["ctx"], c["ub"], c["b"], c["np"],
            "u" if c["kvu"] else " ", c["fa"], c["ctk"], c["ctv"], " +request" if c.get("request") else "",
            total))
    return 0


def cmd_run(a):
    with open(a.grid) as f:
        grid = json.load(f)
    manifest = load_manifest(a.stubs)
    if not manifest:
        sys.stderr.write("no GGUF stubs in %s (run.sh --prepare makes them)\n" % a.stubs)
        return 1
    cases = expand_grid(grid, manifest, a.tiers.split(",") if a.tiers else None,
                        a.models.split(",") if a.models else None)
    deadline = a.deadline or (time.time() + 3600)
    gpus = smi_gpus()
    backend = a.backend
    written = skipped = 0
    # gzip members appended case by case: a run cut short keeps every finished case readable (zcat)
    log_sink = (gzip.open(a.log, "at") if a.log.endswith(".gz") else open(a.log, "a")) if a.log else None
    with open(a.out, "a") as out:
        for i, x in enumerate(cases):
            left = deadline - time.time()
            need = estimate(grid, x)
            if left < need:
                skipped = len(cases) - i
                print("time box: %d s left, next case needs ~%d s; %d cases not run" % (left, need, skipped),
                      flush=True)
                break
            m = manifest[(x["model"], x["weights"])]
            gguf = os.path.join(a.ggufs, m["file"])
            c = x["config"]
            args = server_args(gguf, c)
            if log_sink:
                log_sink.write("\n===== case %d: %s %s %s\n" % (i + 1, x["model"], x["mode"], json.dumps(c)))
                log_sink.flush()
            res, _ = run_server(a.server_bin, args, x["mode"], timeout_s=min(left - 2, 4 * need + 30),
                                request_tokens=c["ub"] if (x["mode"] == "real" and c.get("request")) else 0,
                                log_sink=log_sink, port=18000 + (os.getpid() + i) % 2000)  # no reuse of a closing port
            rec = {
                "harness": "llama-server-dry-run" if x["mode"] == "dry" else "llama-server",
                "model": x["model"], "size": size_label(x["model"]), "weights": x["weights"], "set": x["tier"],
                "config": {"ctk": c["ctk"], "ctv": c["ctv"], "fa": c["fa"], "np": c["np"], "kvu": bool(c["kvu"]),
                           "npAuto": False, "ctx": c["ctx"], "ub": c["ub"], "b": c["b"], "ngl": c["ngl"],
                           "ngl_spec": c["ngl_spec"], "units": c["units"], "set": x["tier"]},
                "tool": TOOL, "backend": backend,
                "command": res.pop("command").replace(a.ggufs.rstrip("/") + "/", "<models>/"),
                "gguf": {"file": m["file"], "bytes": m["bytes"], "header_sha256": m["header_sha256"]},
                "gpus": gpus, "env": a.env_json and json.loads(a.env_json),
            }
            rec.update(res)
            out.write(json.dumps(rec, sort_keys=False) + "\n")
            out.flush()
            if log_sink and hasattr(log_sink, "flush"):
                log_sink.flush()
            written += 1
            ok = (res["dry_run"] is not None) if x["mode"] == "dry" else res["listening"]
            print("[%3d/%d] %-16s %-4s ngl=%-4s ctx=%-6s ub=%-4s np=%s fa=%s %s %.1f s" % (
                i + 1, len(cases), x["model"], x["mode"], c["ngl"], c["ctx"], c["ub"], c["np"], c["fa"],
                "ok" if ok else "FAILED " + "; ".join(res["errors"][:2]), res["elapsed_ms"] / 1000), flush=True)
    if log_sink:
        log_sink.close()
    print("records: %d written to %s, %d not run" % (written, a.out, skipped), flush=True)
    return 0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    here = os.path.dirname(os.path.abspath(__file__))
    pl = sub.add_parser("plan")
    pl.add_argument("--grid", default=os.path.join(here, "grid.json"))
    pl.add_argument("--stubs", default=os.path.join(here, "stubs"))
    pl.add_argument("--tiers")
    pl.add_argument("--models")
    r = sub.add_parser("run")
    r.add_argument("--grid", default=os.path.join(here, "grid.json"))
    r.add_argument("--stubs", default=os.path.join(here, "stubs"))
    r.add_argument("--ggufs", required=True)
    r.add_argument("--server-bin", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--log")
    r.add_argument("--deadline", type=float)
    r.add_argument("--tiers")
    r.add_argument("--models")
    r.add_argument("--backend", default="cuda")
    r.add_argument("--env-json")
    lg = sub.add_parser("parse-log")
    lg.add_argument("file")
    a = p.parse_args(argv)
    if a.cmd == "plan":
        return cmd_plan(a)
    if a.cmd == "run":
        return cmd_run(a)
    print(json.dumps(parse_log_file(a.file)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
