#!/usr/bin/env python3
"""A table of a gpu-records.jsonl: per context, the buffers llama.cpp reports per device (MiB) and, for real loads,
nvidia-smi's memory used by the process (or the GPU's delta) next to the sum of the GPU buffers: the runtime reserve.

  summarise.py gpu-records.jsonl
"""
import json
import sys

MIB = 1024 * 1024


def gpu_buffers(phase):
    """Buffers on GPUs (names without _Host/CPU), in MiB."""
    out = {}
    for name, kinds in (phase.get("bytes_by_buffer") or {}).items():
        if name.startswith("CPU") or name.endswith("_Host") or name == "Host":
            continue
        out[name] = {k: v / MIB for k, v in kinds.items()}
    return out


def smi_used(reading, index=0):
    if not reading:
        return None
    proc = reading.get("process") or []
    if proc:
        return sum(p["used_mib"] for p in proc)
    return None


def smi_delta(before, after, index=0):
    if not before or not after:
        return None
    b = {g["index"]: g["used_mib"] for g in before["gpus"]}
    a = {g["index"]: g["used_mib"] for g in after["gpus"]}
    return a.get(index, 0) - b.get(index, 0)


def rows(records):
    yield ("| mode | model | ngl | ctx | ub | np | fa | GPU model | GPU KV+RS | GPU compute | host compute | "
           "smi process | smi delta | reserve (smi − GPU buffers) |")
    yield "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for r in records:
        c = r["config"]
        phase = r.get("real") if r["harness"] == "llama-server" else r.get("dry_run")
        if not phase:
            yield "| %s | %s | %s | %s | %s | %s | %s | failed: %s |" % (
                r["harness"], r["model"], c["ngl"], c["ctx"], c["ub"], c["np"], c["fa"],
                "; ".join(r.get("errors", [])[:1]))
            continue
        gpus = gpu_buffers(phase)
        model = sum(v.get("model", 0) for v in gpus.values())
        ctx = sum(v.get("kv", 0) + v.get("rs", 0) for v in gpus.values())
        comp = sum(v.get("compute", 0) for v in gpus.values())
        host_comp = sum(v / MIB for k, kinds in (phase.get("bytes_by_buffer") or {}).items()
                        if k.startswith("CPU") or k.endswith("_Host") for kk, v in kinds.items() if kk == "compute")
        used = smi_used(r.get("smi_at_stop"))
        delta = smi_delta(r.get("smi_before"), r.get("smi_at_stop"))
        total = model + ctx + comp + sum(v.get("output", 0) for v in gpus.values())
        # the process's own memory where the driver lists processes (not in every VM), else the GPU's delta
        seen = used if used is not None else delta
        reserve = (seen - total) if (seen is not None and r["harness"] == "llama-server") else None
        yield "| %s | %s | %s | %s | %s | %s%s | %s | %.2f | %.2f | %.2f | %.2f | %s | %s | %s |" % (
            "real" if r["harness"] == "llama-server" else "dry", r["model"], c["ngl"], c["ctx"], c["ub"], c["np"],
            "u" if c.get("kvu") else "", c["fa"], model, ctx, comp, host_comp,
            "-" if used is None else used, "-" if delta is None else delta,
            "-" if reserve is None else "%.1f" % reserve)


def main(argv):
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[0]) as f:
        records = [json.loads(line) for line in f if line.strip()]
    for row in rows(records):
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
