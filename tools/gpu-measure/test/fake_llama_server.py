#!/usr/bin/env python3
"""A stand-in for llama-server in the kit's tests: prints a GPU load log in llama.cpp's formats (the --fit no-alloc
dry run, then the real load), says it listens, answers POST /completion and stops on SIGINT. The figures are those of
a public Vulkan log of Qwen3.5 9B at ctx 8192, ub 2048, one slot (HilbertraumAI/HilbertRaum,
eval/results/hardware/i9-14900k-rtx-3080-ti-12gb-64gb/leg5-np1-verify.comment.md at 43e88cb), with the device named
CUDA0. FAKE_SERVER_HANG=1 makes it never listen (to test the runner's timeout)."""
import http.server
import json
import os
import signal
import sys
import threading
import time

args = sys.argv[1:]
port = int(args[args.index("--port") + 1]) if "--port" in args else 18080


def log(level, text):
    t = time.time() - T0
    sys.stdout.write("%d.%02d.%03d.%03d %s %s\n" % (t // 3600, t // 60 % 60, int(t) % 60, int(t * 1000) % 1000,
                                                  level, text))
    sys.stdout.flush()


T0 = time.time()
FIT = [
    "llama_model_loader: loaded meta data with 32 key-value pairs and 427 tensors from m.gguf (version GGUF V3 (latest))",
    "print_info: no_alloc              = 1",
    "print_info: file type   = Q8_0",
    "print_info: file size   = 8.87 GiB (8.51 BPW) ",
    "llama_context: n_seq_max     = 1",
    "llama_context: n_ctx         = 8192",
    "llama_context: n_batch       = 2048",
    "llama_context: n_ubatch      = 2048",
    "llama_context: flash_attn    = enabled",
    "llama_context: kv_unified    = false",
    "llama_context: n_outputs_max = 1",
    "llama_kv_cache: size =  256.00 MiB (  8192 cells,   8 layers,  1/1 seqs), K (f16):  128.00 MiB, V (f16):  128.00 MiB",
    "llama_memory_recurrent: size =   50.25 MiB (     1 cells,  32 layers,  1 seqs  0 rs_seq), R (f32):    2.25 MiB, "
    "S (f32):   48.00 MiB",
    "sched_reserve: worst-case: n_tokens = 2048, n_seqs = 1, n_outputs = 1",
    "sched_reserve:      CUDA0 compute buffer size =   416.16 MiB",
    "sched_reserve:  CUDA_Host compute buffer size =    96.07 MiB",
    "sched_reserve: graph: nodes = 2433, splits = 2, input objects = 9, input tensors = 9",
    "common_memory_breakdown_print: | memory breakdown [MiB] | total    free     self   model   context   compute    "
    "unaccounted |",
    "common_memory_breakdown_print: |   - CUDA0 (H200)       | 143166 = 142506 + ( 5856 =  5133 +     306 +     416) "
    "+       -5196 |",
    "common_memory_breakdown_print: |   - Host               |                   641 =   545 +       0 +      96"
    "                |",
    "common_params_fit_impl: projected to use 5856 MiB of device memory vs. 142506 MiB of free device memory",
    "common_fit_params: fitting params to free memory took 0.44 seconds",
    "llama_prepare_model_devices: using device CUDA0 (NVIDIA H200) (0000:18:00.0) - 142506 MiB free",
]
REAL = [
    "llama_model_loader: loaded meta data with 32 key-value pairs and 427 tensors from m.gguf (version GGUF V3 (latest))",
    "print_info: no_alloc              = 0",
    "load_tensors: offloaded 33/33 layers to GPU",
    "load_tensors:   CPU_Mapped model buffer size =   545.62 MiB",
    "load_tensors:        CUDA0 model buffer size =  5133.63 MiB",
    "llama_context: n_seq_max     = 1",
    "llama_context: n_ctx         = 8192",
    "llama_context: n_ubatch      = 2048",
    "llama_context:  CUDA_Host  output buffer size =     0.95 MiB",
    "llama_kv_cache:      CUDA0 KV buffer size =   256.00 MiB",
    "llama_kv_cache: size =  256.00 MiB (  8192 cells,   8 layers,  1/1 seqs), K (f16):  128.00 MiB, V (f16):  128.00 MiB",
    "llama_memory_recurrent:      CUDA0 RS buffer size =    50.25 MiB",
    "llama_memory_recurrent: size =   50.25 MiB (     1 cells,  32 layers,  1 seqs  0 rs_seq), R (f32):    2.25 MiB, "
    "S (f32):   48.00 MiB",
    "sched_reserve:      CUDA0 compute buffer size =   416.16 MiB",
    "sched_reserve:  CUDA_Host compute buffer size =    96.07 MiB",
]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(n) or b"{}")
        out = json.dumps({"content": "x", "timings": {"prompt_n": len(body.get("prompt", "")) // 5, "predicted_n": 4,
                                                        "prompt_per_second": 1000.0}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *a):
        pass


stop = threading.Event()
signal.signal(signal.SIGINT, lambda *a: stop.set())
log("I", "build: 1 (de3ff81) with GNU 12.2.0 for Linux x86_64")
log("I", "cmn  common_param:   - CUDA0   : NVIDIA H200 (143166 MiB, 142506 MiB free)")
for line in FIT:
    log("I", line)
if os.environ.get("FAKE_SERVER_HANG") == "1":
    stop.wait(600)
    sys.exit(130)
time.sleep(0.5)  # loading the weights
if stop.is_set():
    sys.exit(130)
for line in REAL:
    log("I", line)
srv = http.server.HTTPServer(("127.0.0.1", port), Handler)
threading.Thread(target=srv.serve_forever, daemon=True).start()
log("I", "srv  llama_server: listening on http://127.0.0.1:%d" % port)
stop.wait(600)
srv.shutdown()
log("I", "srv    operator(): cleaning up before exit...")
sys.exit(0)
