#!/usr/bin/env python3
"""The GPU kit's parts that need no GPU: the GGUF stubs round trip, the log parser (against the public logs' figures
and against tools/llama-measure/parse-log.mjs on the same lines), the grid, and the runner end to end with a fake
llama-server. Run: python3 -m unittest discover -s tools/gpu-measure/test (GpuKitTest runs it in the tool tier).
With CI=true a missing node fails the parse-log.mjs comparison instead of skipping it."""
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(KIT))
sys.path.insert(0, KIT)

import gguf_stub  # noqa: E402
import measure_gpu  # noqa: E402
import summarise  # noqa: E402

FAKE = os.path.join(HERE, "fake_llama_server.py")


def tiny_gguf(path, n_tensors=3, arch="llama", block_count=2, data_bytes=4096 * 3):
    """A GGUF v3 with a few keys and tensor infos, the data a hole, as the test kit writes them."""

    def s(x):
        b = x.encode()
        return struct.pack("<Q", len(b)) + b

    kv = [s("general.architecture") + struct.pack("<I", 8) + s(arch),
          s(arch + ".block_count") + struct.pack("<I", 4) + struct.pack("<I", block_count),
          s("tokenizer.ggml.tokens") + struct.pack("<I", 9) + struct.pack("<IQ", 8, 2) + s("a") + s("b")]
    infos = b"".join(s("t%d" % i) + struct.pack("<I", 1) + struct.pack("<Q", 1024) + struct.pack("<I", 0)
                     + struct.pack("<Q", 4096 * i) for i in range(n_tensors))
    head = b"GGUF" + struct.pack("<IQQ", 3, n_tensors, len(kv)) + b"".join(kv) + infos
    pad = (-len(head)) % 32
    with open(path, "wb") as f:
        f.write(head + b"\0" * pad)
        f.truncate(len(head) + pad + data_bytes)
    return len(head) + pad


class StubTest(unittest.TestCase):
    def test_pack_and_expand_give_the_same_bytes(self):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "m.gguf")
            offset = tiny_gguf(src)
            info = gguf_stub.header_info(src)
            self.assertEqual(offset, info["data_offset"])
            self.assertEqual(("llama", 2, 3), (info["arch"], info["block_count"], info["tensors"]))
            packed = gguf_stub.pack(src, os.path.join(d, "m.hdr.gz"))
            self.assertEqual(os.path.getsize(src), packed["bytes"])
            self.assertEqual(2, gguf_stub.block_count_of_stub(os.path.join(d, "m.hdr.gz")))
            out = os.path.join(d, "copy.gguf")
            gguf_stub.expand(os.path.join(d, "m.hdr.gz"), packed["bytes"], out)
            with open(src, "rb") as a, open(out, "rb") as b:
                self.assertEqual(a.read(), b.read())

    def test_a_file_with_data_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "m.gguf")
            offset = tiny_gguf(src)
            with open(src, "r+b") as f:
                f.seek(offset + 100)
                f.write(b"\x01")
            with self.assertRaises(gguf_stub.GgufError):
                gguf_stub.pack(src, os.path.join(d, "m.hdr.gz"))

    def test_a_file_that_is_not_gguf_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "x.gguf")
            with open(p, "wb") as f:
                f.write(b"NOTGGUF" + b"\0" * 64)
            self.assertEqual(1, gguf_stub.main(["info", p]))


# lines in llama.cpp's formats carrying the figures of public logs (gpu-public-logs.jsonl)
GPU_LINES = [
    # hr-1070ti-qwen35-9b-np4-partial31 (HilbertRaum leg2-baseline, Vulkan b9849)
    "0.00.874.514 I common_params_fit_impl: projected to use 6007 MiB of device memory vs. 6898 MiB of free device memory",
    "0.01.516.739 I common_params_fit_impl: id=0, n_layer= 0, n_part= 0, overflow_type=4, mem=   498 MiB",
    "0.02.169.015 I common_params_fit_impl: id=0, n_layer=33, n_part= 0, overflow_type=4, mem=  6007 MiB",
    "0.03.755.375 I llama_prepare_model_devices: using device Vulkan0 (NVIDIA GeForce GTX 1070 Ti) (0000:01:00.0) - 7501 MiB free",
    "0.04.015.289 I load_tensors: loading model tensors, this can take a while... (mmap = true, direct_io = false)",
    "0.04.493.712 I load_tensors: offloaded 31/33 layers to GPU",
    "0.04.493.715 I load_tensors:   CPU_Mapped model buffer size =   824.31 MiB",
    "0.04.493.716 I load_tensors:      Vulkan0 model buffer size =  4854.94 MiB",
    "0.07.225.602 I llama_context: kv_unified    = true",
    "0.07.226.099 I llama_context: Vulkan_Host  output buffer size =     3.79 MiB",
    "0.07.228.995 I llama_kv_cache:    Vulkan0 KV buffer size =   256.00 MiB",
    "0.07.246.695 I llama_memory_recurrent:        CPU RS buffer size =    16.75 MiB",
    "0.07.306.737 I llama_memory_recurrent:    Vulkan0 RS buffer size =   184.25 MiB",
    "0.07.306.751 I llama_memory_recurrent: size =  201.00 MiB (     4 cells,  32 layers,  4 seqs  0 rs_seq), "
    "R (f32):    9.00 MiB, S (f32):  192.00 MiB",
    "0.07.344.836 I sched_reserve:    Vulkan0 compute buffer size =   447.38 MiB",
    "0.07.344.846 I sched_reserve: Vulkan_Host compute buffer size =   128.44 MiB",
    "0.07.616.079 I srv    load_model: initializing, n_slots = 4, n_ctx_slot = 8192, kv_unified = 'true'",
    # idx-rtx2060-llama31-8b-q4_0-fit-and-partial15 (older wording, no prefix)
    "common_memory_breakdown_print: |   - CUDA0 (RTX 2060)   |  5738 = 5141 + (4089 =  2049 +    1792 +     248) +       -3492 |",
    "common_memory_breakdown_print: |   - Host               |                 4740 =  2388 +    2304 +      48                |",
    "sched_reserve: graph splits = 219 (with bs=512), 2 (with bs=1)",
    # llamacpp26208-r9700-device-info
    "0.00.089.438 I cmn  common_param:   - ROCm0   : AMD Radeon AI PRO R9700 (32624 MiB, 32534 MiB free)",
]


def parse(lines):
    st = measure_gpu.LogState()
    st.feed("llama_model_loader: loaded meta data with 1 key-value pairs and 1 tensors from x.gguf")
    st.feed("print_info: no_alloc              = 0")
    for line in lines:
        st.feed(line)
    return st, measure_gpu.result_of(st)


class ParserTest(unittest.TestCase):
    def test_buffers_per_device_of_a_public_vulkan_log(self):
        st, r = parse(GPU_LINES)
        real = r["real"]
        self.assertEqual({"CPU_Mapped": 824.31, "Vulkan0": 4854.94}, real["model_buffers_mib"])
        self.assertEqual({"Vulkan0": 447.38, "Vulkan_Host": 128.44}, real["compute_buffers_mib"])
        self.assertEqual({"CPU": 16.75, "Vulkan0": 184.25}, real["rs"]["buffers_mib"])
        self.assertEqual(201.0, real["rs"]["size_mib"])
        self.assertEqual({"layers": 31, "of": 33}, real["offloaded"])
        by = real["bytes_by_buffer"]
        self.assertEqual(measure_gpu.mib(447.38), by["Vulkan0"]["compute"])
        self.assertEqual(measure_gpu.mib(3.79), by["Vulkan_Host"]["output"])
        self.assertEqual(measure_gpu.mib(256.0), by["Vulkan0"]["kv"])
        self.assertEqual({"n_slots": 4, "n_ctx_slot": 8192, "kv_unified": True},
                         {k: r["server"][k] for k in ("n_slots", "n_ctx_slot", "kv_unified")})
        self.assertEqual([0, 33], [a["n_layer"] for a in r["server"]["fit_test_allocations"]])
        self.assertEqual(6898, r["server"]["fit_free_device_mib"])

    def test_breakdown_rows_and_devices(self):
        st, r = parse(GPU_LINES)
        gpu, host = r["server"]["memory_breakdown"]
        self.assertEqual({"device": "CUDA0", "name": "RTX 2060", "total": 5738, "free": 5141, "self": 4089,
                          "model": 2049, "context": 1792, "compute": 248, "unaccounted": -3492}, gpu)
        self.assertEqual({"device": "Host", "name": None, "self": 4740, "model": 2388, "context": 2304,
                          "compute": 48}, host)
        self.assertEqual([("Vulkan0", "NVIDIA GeForce GTX 1070 Ti", 7501), ("ROCm0", "AMD Radeon AI PRO R9700", 32534)],
                         [(d["device"], d["name"], d["free_mib"]) for d in r["devices"]])
        self.assertEqual(32624, r["devices"][1]["total_mib"])
        self.assertEqual({"splits": "219", "splits_bs": 512, "splits_bs1": "2"}, r["real"]["graph"])

    def test_a_device_name_with_parentheses(self):
        st, r = parse(["llama_model_load_from_file_impl: using device Vulkan0 (AMD Radeon(TM) 8060S Graphics) "
                       "(unknown id) - 31129 MiB free"])
        self.assertEqual(("AMD Radeon(TM) 8060S Graphics", 31129), (r["devices"][0]["name"], r["devices"][0]["free_mib"]))

    def test_a_real_llama_server_log(self):
        """A --fit dry run of llama-server v0.5.0 (the bundled source, CPU build, Qwen3.5 0.8B Q8_0, ctx 8192, ub 512,
        one slot), as run.sh recorded it on the CPU machine: llama-server-cpu-dry-v0.5.0.log.gz."""
        with gzip.open(os.path.join(HERE, "llama-server-cpu-dry-v0.5.0.log.gz"), "rt") as f:
            lines = f.read().splitlines()
        st, r = parse(lines)
        dry = r["dry_run"]
        self.assertTrue(dry["no_alloc"])
        self.assertEqual({"CPU": 50.16}, dry["compute_buffers_mib"])
        self.assertEqual((96.0, 19.27), (dry["kv"]["size_mib"], dry["rs"]["size_mib"]))
        self.assertEqual({"n_tokens": 512, "n_seqs": 1, "n_outputs": 1}, dry["worst_case"])
        self.assertEqual(1, dry["cparams"]["n_outputs_max"])
        self.assertTrue(st.fit_done)
        self.assertEqual("Host", r["server"]["memory_breakdown"][0]["device"])
        self.assertEqual({"number": 1, "commit": "de3ff81"}, r["build"])
        self.assertEqual(self.mjs(lines), self.ours(lines))

    def mjs(self, raw_lines):
        node = shutil.which("node")
        if node is None:
            if os.environ.get("CI") == "true":
                self.fail("node is not installed; run scripts/install-test-tools.sh")
            self.skipTest("node is not installed")
        lines = [measure_gpu.clean(x)[0] for x in raw_lines]
        script = ("import fs from 'node:fs';\nimport {parseLine} from %s;\n"
                  "const lines = JSON.parse(fs.readFileSync(0, 'utf8'));\nconst r = {};\n"
                  "for (const l of lines) parseLine(l, r);\nprocess.stdout.write(JSON.stringify(r));\n") % json.dumps(
            "file://" + os.path.join(ROOT, "tools", "llama-measure", "parse-log.mjs"))
        with tempfile.NamedTemporaryFile("w", suffix=".mjs", delete=False) as f:
            f.write(script)
        try:
            out = subprocess.run([node, f.name], input=json.dumps(lines), capture_output=True, text=True, check=True)
        finally:
            os.unlink(f.name)
        js = json.loads(out.stdout)
        return {k: v for k, v in js.items() if k != "graph" or "nodes" in v}

    def ours(self, raw_lines):
        py = measure_gpu.new_phase()
        for line in raw_lines:
            measure_gpu.parse_line(measure_gpu.clean(line)[0], py)
        return {k: v for k, v in py.items() if k != "offloaded"}

    def test_the_same_fields_as_parse_log_mjs(self):
        """Every phase field parse-log.mjs fills comes out the same from the port, on the same lines."""
        node = shutil.which("node")
        if node is None:
            if os.environ.get("CI") == "true":
                self.fail("node is not installed; run scripts/install-test-tools.sh")
            self.skipTest("node is not installed")
        lines = [measure_gpu.clean(x)[0] for x in GPU_LINES + fake_lines()]
        script = ("import fs from 'node:fs';\nimport {parseLine} from %s;\n"
                  "const lines = JSON.parse(fs.readFileSync(0, 'utf8'));\nconst r = {};\n"
                  "for (const l of lines) parseLine(l, r);\nprocess.stdout.write(JSON.stringify(r));\n") % json.dumps(
            "file://" + os.path.join(ROOT, "tools", "llama-measure", "parse-log.mjs"))
        with tempfile.NamedTemporaryFile("w", suffix=".mjs", delete=False) as f:
            f.write(script)
        try:
            out = subprocess.run([node, f.name], input=json.dumps(lines), capture_output=True, text=True, check=True)
        finally:
            os.unlink(f.name)
        js = json.loads(out.stdout)
        py = measure_gpu.new_phase()
        for line in lines:
            measure_gpu.parse_line(line, py)
        ours_only = {"offloaded"}  # and the older "graph splits" wording, which parse-log.mjs does not read
        for key, value in js.items():
            if key == "graph":
                continue
            self.assertEqual(value, py.get(key), key)
        self.assertEqual(set(py) - set(js) - {"graph"}, ours_only)


def fake_lines():
    with open(FAKE) as f:
        src = f.read()
    ns = {}
    exec(compile(src.split("class Handler")[0].replace("args = sys.argv[1:]", "args = []"), FAKE, "exec"), ns)
    return ns["FIT"] + ns["REAL"]


class GridTest(unittest.TestCase):
    def grid(self):
        with open(os.path.join(KIT, "grid.json")) as f:
            return json.load(f)

    def test_ngl_is_resolved_against_the_layer_count_and_duplicates_run_once(self):
        manifest = {("llama-3-1-8b", "q4_0"): {"units": 33}, ("qwen3-5-9b", "q8_0"): {"units": 33},
                    ("qwen3-5-9b", "q4_0"): {"units": 33}}
        cases = measure_gpu.expand_grid(self.grid(), manifest)
        self.assertTrue(all((c["model"], c["weights"]) in manifest for c in cases))
        # the second weight type of a model runs only where a case names it, not in every "*" case
        self.assertEqual({"weights"}, {c["tier"] for c in cases if c["weights"] == "q4_0" and c["model"] == "qwen3-5-9b"})
        core = [c["config"]["ngl"] for c in cases if c["tier"] == "core" and c["model"] == "qwen3-5-9b"
                and c["mode"] == "dry" and c["config"]["ctx"] == 8192]
        self.assertEqual([33, 16, 1, 0], core)
        keys = [json.dumps([c["model"], c["weights"], c["mode"],
                            {k: v for k, v in c["config"].items() if k not in ("set", "ngl_spec")}], sort_keys=True)
                for c in cases]
        self.assertEqual(len(keys), len(set(keys)))
        self.assertEqual("replica", cases[0]["tier"])

    def test_size_labels_are_those_of_the_cpu_records(self):
        self.assertEqual(["0.8B", "9B", "35B-A3B", "122B-A10B", None],
                         [measure_gpu.size_label(m) for m in ("qwen3-5-0-8b", "qwen3-5-9b", "qwen3-5-35b-a3b",
                                                              "qwen3-5-122b-a10b", "llama-3-1-8b")])

    def test_server_arguments(self):
        c = dict(self.grid()["defaults"], ngl=33, np=4, kvu=True)
        self.assertEqual(["-m", "m.gguf", "-c", "8192", "-ub", "512", "-b", "2048", "-ngl", "33", "-ctk", "f16",
                          "-ctv", "f16", "-fa", "on", "-np", "4", "-kvu"], measure_gpu.server_args("m.gguf", c))


class RunnerTest(unittest.TestCase):
    def manifest_dir(self, d):
        stubs = os.path.join(d, "stubs")
        os.makedirs(stubs)
        src = os.path.join(d, "qwen3-5-9b-q8_0.gguf")
        tiny_gguf(src, arch="qwen35", block_count=32)
        e = gguf_stub.pack(src, os.path.join(stubs, "qwen3-5-9b-q8_0.gguf.hdr.gz"))
        e.update({"model": "qwen3-5-9b", "weights": "q8_0", "stub": "qwen3-5-9b-q8_0.gguf.hdr.gz",
                  "block_count": 32, "units": 33})
        with open(os.path.join(stubs, "manifest.json"), "w") as f:
            json.dump({"ggufs": [e], "skipped": []}, f)
        ggufs = os.path.join(d, "ggufs")
        os.makedirs(ggufs)
        gguf_stub.expand(os.path.join(stubs, e["stub"]), e["bytes"], os.path.join(ggufs, e["file"]))
        return stubs, ggufs

    def test_dry_runs_and_a_real_load_become_records(self):
        with tempfile.TemporaryDirectory() as d:
            stubs, ggufs = self.manifest_dir(d)
            out = os.path.join(d, "gpu-records.jsonl")
            rc = measure_gpu.main(["run", "--stubs", stubs, "--ggufs", ggufs, "--server-bin", FAKE, "--out", out,
                                   "--log", os.path.join(d, "server.log.gz"), "--tiers", "replica",
                                   "--models", "qwen3-5-9b", "--deadline", str(time.time() + 120)])
            self.assertEqual(0, rc)
            with open(out) as f:
                recs = [json.loads(x) for x in f]
            self.assertEqual(9, len(recs))
            dry = recs[0]
            self.assertEqual("llama-server-dry-run", dry["harness"])
            self.assertEqual(33, dry["config"]["ngl"])
            self.assertIn("-ngl 33", dry["command"])
            self.assertIn("<models>/qwen3-5-9b-q8_0.gguf", dry["command"])
            self.assertEqual(measure_gpu.mib(416.16), dry["dry_run"]["bytes_by_buffer"]["CUDA0"]["compute"])
            self.assertIsNone(dry["real"])
            self.assertEqual("CUDA0", dry["server"]["memory_breakdown"][0]["device"])
            real = [r for r in recs if r["harness"] == "llama-server"][0]
            self.assertTrue(real["listening"])
            self.assertEqual(measure_gpu.mib(5133.63), real["real"]["bytes_by_buffer"]["CUDA0"]["model"])
            self.assertTrue(real["request"]["ok"], real["request"])
            self.assertEqual(2048 - 8, real["request"]["prompt_n"])
            with gzip.open(os.path.join(d, "server.log.gz"), "rt") as f:
                logged = f.read()
            self.assertEqual(9, logged.count("===== case "))
            self.assertIn("CUDA0 compute buffer size =   416.16 MiB", logged)
            table = list(summarise.rows(recs))
            self.assertEqual(2 + 9, len(table))
            self.assertIn("| 5133.63 | 306.25 | 416.16 | 96.07 |", table[-1])

    def test_nvidia_smi_readings_give_the_runtime_reserve(self):
        with tempfile.TemporaryDirectory() as d:
            stubs, ggufs = self.manifest_dir(d)
            out = os.path.join(d, "r.jsonl")
            path = os.environ["PATH"]
            os.environ["PATH"] = os.path.join(HERE, "bin") + os.pathsep + path
            try:
                measure_gpu.main(["run", "--stubs", stubs, "--ggufs", ggufs, "--server-bin", FAKE, "--out", out,
                                  "--tiers", "replica", "--models", "qwen3-5-9b", "--deadline", str(time.time() + 120)])
            finally:
                os.environ["PATH"] = path
            with open(out) as f:
                recs = [json.loads(x) for x in f]
            real = [r for r in recs if r["harness"] == "llama-server"][0]
            self.assertEqual("NVIDIA H200", real["gpus"][0]["name"])
            self.assertEqual(1, real["smi_before"]["gpus"][0]["used_mib"])
            self.assertEqual(6420, real["smi_at_stop"]["process"][0]["used_mib"])
            self.assertEqual(6421, real["smi_after_request"]["gpus"][0]["used_mib"])
            row = list(summarise.rows([real]))[-1]
            self.assertIn("| 6420 | 6420 | 564.0 |", row)  # 6420 − (5133.63 + 306.25 + 416.16)

    def test_a_server_that_never_gets_there_is_stopped_and_recorded(self):
        with tempfile.TemporaryDirectory() as d:
            os.environ["FAKE_SERVER_HANG"] = "1"
            try:
                t0 = time.time()
                res, _ = measure_gpu.run_server(FAKE, ["-m", "x.gguf"], "real", timeout_s=3)
            finally:
                del os.environ["FAKE_SERVER_HANG"]
            self.assertLess(time.time() - t0, 30)
            self.assertTrue(res["timeout"])
            self.assertFalse(res["listening"])
            self.assertIn("timeout after 3 s", res["errors"])
            self.assertIsNotNone(res["dry_run"])  # what it printed is still parsed

    def test_the_time_box_leaves_cases_out(self):
        with tempfile.TemporaryDirectory() as d:
            stubs, ggufs = self.manifest_dir(d)
            out = os.path.join(d, "r.jsonl")
            measure_gpu.main(["run", "--stubs", stubs, "--ggufs", ggufs, "--server-bin", FAKE, "--out", out,
                              "--models", "qwen3-5-9b", "--deadline", str(time.time() + 9)])
            with open(out) as f:
                recs = [json.loads(x) for x in f]
            self.assertGreaterEqual(len(recs), 1)
            # real loads are estimated at 20-30 s: none fits in 9 s, so the grid stops at the first one
            self.assertEqual({"llama-server-dry-run"}, {r["harness"] for r in recs})


class RunShTest(unittest.TestCase):
    def test_dry_plan_prints_detection_build_and_grid(self):
        out = subprocess.run(["bash", os.path.join(KIT, "run.sh"), "--dry-plan"], capture_output=True, text=True,
                             timeout=120)
        self.assertEqual(0, out.returncode, out.stderr)
        for word in ("== detection", "nvidia-smi:", "nvcc:", "cuBLAS:", "== build", "--target llama-server",
                     "== grid", "replica"):
            self.assertIn(word, out.stdout)


if __name__ == "__main__":
    unittest.main()
