#!/usr/bin/env bash
# The GPU measurement kit (issue #8): on a machine with an NVIDIA GPU, builds llama-server with CUDA from the bundled
# llama.cpp source (the pin, node-llama-cpp 3.22.1's v0.5.0 bundle), rebuilds the test kit's shape-exact synthetic
# GGUFs from their carried headers, runs llama-server's --fit dry runs and real loads over grid.json and writes
# records (JSON lines, tools/llama-measure's shape plus per-device buffers and nvidia-smi) as they come.
# One command, time-boxed (--budget, default 560 s: the device tool's 600 s limit less the copy back).
#
#   tools/gpu-measure/run.sh --prepare       # here (Java, the test kit's jar): GGUF headers + llama.cpp source -> stubs/
#   tools/gpu-measure/run.sh --dry-plan      # anywhere: what would be detected, built and run; runs nothing
#   tools/gpu-measure/run.sh --configure-only [--backend cuda --cuda-archs 90]   # unpack + cmake configure, no build
#   tools/gpu-measure/run.sh [--budget S] [--out DIR] [--jobs N] [--tiers a,b] [--models a,b] [--server-bin BIN]
#                                            # the measurement (default out: $OUT, else tools/gpu-measure/out)
#
# Files written to OUT (the device tool brings back at most 8 files, 2 folders down): gpu-records.jsonl (one line
# per context), env.json (GPU, driver, nvcc, build), run.log (this script's progress), build.log (the end of the
# build output), server-logs.txt.gz (every llama-server log, case by case), nvidia-smi.txt, summary.txt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
t0=$(date +%s)
budget=560
mode=run
out=${OUT:-$here/out}
jobs=16
tiers=""
models=""
server_bin=""
backend=""
cuda_archs_arg=""
work=${GPU_MEASURE_WORK:-/tmp/prositronic-gpu-measure}
stubs=$here/stubs
bundle=$root/tools/llama-measure/node_modules/node-llama-cpp/llama/gitRelease.bundle
min_grid_s=90   # the build may use the budget up to this much before the end

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prepare) mode=prepare ;;
    --dry-plan) mode=plan ;;
    --configure-only) mode=configure ;;
    --cuda-archs) cuda_archs_arg=$2; shift ;;
    --budget) budget=$2; shift ;;
    --out) out=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --tiers) tiers=$2; shift ;;
    --models) models=$2; shift ;;
    --server-bin) server_bin=$2; shift ;;
    --backend) backend=$2; shift ;;
    --work) work=$2; shift ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown argument $1" >&2; usage ;;
  esac
  shift
done
deadline=$((t0 + budget))
left() { echo $((deadline - $(date +%s))); }
say() { printf '%s [%4ss] %s\n' "$(date -u +%H:%M:%S)" "$(( $(date +%s) - t0 ))" "$*"; }
py=$(command -v python3 || true)

# ------------------------------------------------------------------------------------------------ prepare (here)
if [ "$mode" = prepare ]; then
  [ -n "$py" ] || { echo "python3 is needed" >&2; exit 1; }
  command -v java >/dev/null || { echo "java is needed to run the test kit's jar" >&2; exit 1; }
  jar=$(ls "$root"/testkit/target/prositronic-testkit-*-synthetic-gguf.jar 2>/dev/null | head -1)
  if [ -z "$jar" ]; then
    echo "the test kit's jar is missing: mvn -B -o -q package -pl testkit -am -DskipTests" >&2
    exit 1
  fi
  [ -f "$bundle" ] || { echo "the llama.cpp bundle is missing ($bundle): ln -s /work/main/tools/llama-measure/node_modules tools/llama-measure/node_modules, or npm ci in tools/llama-measure" >&2; exit 1; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  rm -rf "$stubs" && mkdir -p "$stubs"
  # the llama.cpp source: the bundle's one commit, without docs, vocab test models, media and gguf-py (not built)
  git clone -q "$bundle" "$tmp/llama.cpp" 2>/dev/null || { echo "cannot clone $bundle" >&2; exit 1; }
  commit=$(git -C "$tmp/llama.cpp" rev-parse HEAD)
  git -C "$tmp/llama.cpp" archive --format=tar --prefix=llama.cpp/ HEAD -- ':!docs' ':!models' ':!media' ':!gguf-py' \
    | gzip -n -6 > "$stubs/llama.cpp-src.tar.gz"
  tag=$(sed -n 's/.*"tag" *: *"\([^"]*\)".*/\1/p' "$(dirname "$bundle")/llama.cpp.info.json" 2>/dev/null)
  # url: the public tree the bundle's squashed commit reproduces (same tree hash, docs/fit-engine.md); the bundle
  # itself is node-llama-cpp 3.22.1's llama/gitRelease.bundle from the npm registry
  echo "{\"bundle_commit\": \"$commit\", \"tag\": \"${tag:-unknown}\", \"pin\": \"7fe450e19305b828c199d602c23a8337aaa1f03b\", \"url\": \"https://github.com/ggml-org/llama.cpp/tree/7fe450e19305b828c199d602c23a8337aaa1f03b\", \"bundle\": \"https://github.com/withcatai/node-llama-cpp/releases/tag/v3.22.1 (the npm package of that release ships llama/gitRelease.bundle, whose one commit reproduces the pinned tree)\"}" > "$stubs/source.json"
  entries=""
  skipped=""
  while IFS=$'\t' read -r id weights; do
    file="$id-$weights.gguf"
    if java -jar "$jar" "$id" "$weights" "$tmp/$file" > "$tmp/jar.out" 2>&1; then
      if line=$("$py" "$here/gguf_stub.py" pack "$tmp/$file" "$stubs/$file.hdr.gz"); then
        entries="$entries$(printf '%s\t%s\t%s\n' "$id" "$weights" "$line")"$'\n'
        echo "stub: $id $weights $(stat -c %s "$stubs/$file.hdr.gz") bytes of header for $(sed -n 's/.*"bytes": \([0-9]*\).*/\1/p' <<<"$line") bytes"
      else
        skipped="$skipped$id"$'\t'"gguf_stub pack failed"$'\n'
      fi
      rm -f "$tmp/$file"
    else
      reason=$(tr '\n' ' ' < "$tmp/jar.out" | cut -c1-300)
      skipped="$skipped$id"$'\t'"$reason"$'\n'
      echo "skip: $id ($reason)"
    fi
  done < <("$py" -c 'import json,sys; [print(m["id"]+"\t"+m["weights"]) for m in json.load(open(sys.argv[1]))["models"]]' "$here/grid.json")
  ENTRIES="$entries" SKIPPED="$skipped" JAR="$(basename "$jar")" "$py" - "$stubs" <<'EOF'
import json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[1])))
from gguf_stub import block_count_of_stub
stubs = sys.argv[1]
ggufs = []
for row in os.environ["ENTRIES"].splitlines():
    if not row.strip():
        continue
    model, weights, line = row.split("\t", 2)
    e = json.loads(line)
    e.update({"model": model, "weights": weights, "stub": e["file"] + ".hdr.gz"})
    e["block_count"] = block_count_of_stub(os.path.join(stubs, e["stub"]))
    e["units"] = e["block_count"] + 1  # -ngl counts the blocks and the output layer (src/llama-model.cpp load_tensors)
    ggufs.append(e)
skipped = [dict(zip(("model", "reason"), r.split("\t", 1))) for r in os.environ["SKIPPED"].splitlines() if r.strip()]
json.dump({"jar": os.environ["JAR"], "ggufs": ggufs, "skipped": skipped}, open(os.path.join(stubs, "manifest.json"), "w"), indent=1)
print("manifest: %d GGUFs, %d skipped" % (len(ggufs), len(skipped)))
EOF
  du -sh "$stubs"
  echo "carry: tools/gpu-measure/stubs (and nothing else: the source is in stubs/llama.cpp-src.tar.gz)"
  exit 0
fi

# ------------------------------------------------------------------------------------------------ detection
nvsmi=$(command -v nvidia-smi || true)
nvcc=$(command -v nvcc || true)
if [ -z "$nvcc" ]; then
  for c in /usr/local/cuda/bin/nvcc /usr/local/cuda-*/bin/nvcc; do [ -x "$c" ] && { nvcc=$c; break; }; done
fi
if [ -z "$nvcc" ] && [ -n "$py" ]; then  # the CUDA toolkit of a pip-installed nvidia-cuda-nvcc package
  nvcc=$("$py" - <<'EOF' 2>/dev/null
import glob, os, site, sys
dirs = list(getattr(site, "getsitepackages", lambda: [])()) + [site.getusersitepackages()] + sys.path
for d in dirs:
    for c in glob.glob(os.path.join(d, "nvidia", "*", "bin", "nvcc")):
        print(c)
        raise SystemExit
EOF
)
fi
# cuBLAS: ggml-cuda links CUDA::cublas. A slim toolkit (nvcc and cudart only) lacks it; the pip wheels of PyTorch
# images carry it (nvidia/cublas or nvidia/cu13: include/cublas_v2.h, lib/libcublas.so.N), which CMake can be pointed at.
cublas_args=()
cublas_where=""
if [ -n "$nvcc" ] && [ -n "$py" ]; then
  cublas_where=$(NVCC="$nvcc" "$py" - <<'EOF' 2>/dev/null
import glob, os, site, sys
nvcc = os.path.realpath(os.environ["NVCC"])
roots = {os.path.dirname(os.path.dirname(nvcc)), "/usr/local/cuda", os.environ.get("CUDA_HOME", ""), os.environ.get("CUDA_PATH", "")}
try:
    txt = open(os.environ["NVCC"]).read(200)  # a wrapper script: exec /usr/local/cuda-13.0/bin/nvcc "$@"
    for w in txt.split():
        if w.endswith("/bin/nvcc"):
            roots.add(os.path.dirname(os.path.dirname(w)))
except (OSError, UnicodeDecodeError):
    pass
for r in sorted(x for x in roots if x):
    for lib in glob.glob(os.path.join(r, "lib64", "libcublas.so*")) + glob.glob(os.path.join(r, "targets", "*", "lib", "libcublas.so*")):
        print("toolkit\t" + lib)
        raise SystemExit
dirs = list(getattr(site, "getsitepackages", lambda: [])()) + [site.getusersitepackages()] + sys.path
for d in dirs:
    for lib in sorted(glob.glob(os.path.join(d, "nvidia", "**", "libcublas.so*"), recursive=True)):
        libdir = os.path.dirname(lib)
        inc = os.path.join(os.path.dirname(libdir), "include")
        lt = sorted(glob.glob(os.path.join(libdir, "libcublasLt.so*")))
        if os.path.exists(os.path.join(inc, "cublas_v2.h")) and lt:
            print("pip\t%s\t%s\t%s" % (lib, lt[0], inc))
            raise SystemExit
EOF
)
  case "$cublas_where" in
    pip*) IFS=$'\t' read -r _ cublas_lib cublaslt_lib cublas_inc <<<"$cublas_where"
          cublas_args=(-DCUDA_cublas_LIBRARY="$cublas_lib" -DCUDA_cublasLt_LIBRARY="$cublaslt_lib"
            -DCMAKE_CUDA_FLAGS="-I$cublas_inc" -DCMAKE_CXX_FLAGS="-I$cublas_inc") ;;
  esac
fi
cmake_bin=$(command -v cmake || true)
ninja_bin=$(command -v ninja || true)
gpu_line=""
[ -n "$nvsmi" ] && gpu_line=$("$nvsmi" --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader 2>/dev/null | head -1)
cap=$(printf '%s' "$gpu_line" | awk -F', ' '{print $4}' | tr -d .)
if [ -z "$backend" ]; then
  if [ -n "$server_bin" ]; then backend=given
  elif [ -n "$nvcc" ] && [ -n "$nvsmi" ] && [ -n "$cublas_where" ]; then backend=cuda
  else backend=cpu
  fi
fi
nvcc_version=$([ -n "$nvcc" ] && "$nvcc" --version 2>/dev/null | sed -n 's/.*release \([0-9.]*\).*/\1/p' | head -1)
cmake_version=$([ -n "$cmake_bin" ] && "$cmake_bin" --version | head -1 | awk '{print $3}')
cuda_archs=${cuda_archs_arg:-native}
# CMake < 3.24 has no "native": use the compute capability nvidia-smi reports
if [ -z "$cuda_archs_arg" ] && [ -n "$cmake_version" ] && [ "$(printf '%s\n3.24\n' "$cmake_version" | sort -V | head -1)" != 3.24 ] && [ -n "$cap" ]; then
  cuda_archs=$cap
fi
build_dir=$work/llama.cpp/build-$backend
cmake_args=(-S "$work/llama.cpp" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DGGML_CCACHE=OFF
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF)
[ -n "$ninja_bin" ] && cmake_args+=(-G Ninja)
# The CPU backend for AVX2 machines, not -march=native: in a VM that advertises AMX, a native build died with SIGILL
# in llama-server's warmup (the CPU machine this kit was tested on); the CPU's speed does not matter here.
cmake_args+=(-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_BMI2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF)
if [ "$backend" = cuda ]; then
  cmake_args+=(-DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$cuda_archs" -DCMAKE_CUDA_COMPILER="$nvcc"
    -DGGML_CUDA_NCCL=OFF -DGGML_CUDA_COMPRESSION_MODE=none "${cublas_args[@]}")
fi

if [ "$mode" = plan ]; then
  echo "== detection (nothing is built or run in --dry-plan)"
  echo "nvidia-smi: ${nvsmi:-missing}${gpu_line:+ ($gpu_line)}"
  echo "nvcc:       ${nvcc:-missing}${nvcc_version:+ (CUDA $nvcc_version)}"
  echo "cuBLAS:     ${cublas_where:-missing}"
  echo "cmake:      ${cmake_bin:-missing} ${cmake_version}; ninja: ${ninja_bin:-missing}; python3: ${py:-missing}; java: $(command -v java || echo missing) (not needed)"
  case "$backend" in
    cuda) echo "backend:    cuda (CMAKE_CUDA_ARCHITECTURES=$cuda_archs)";;
    cpu) why=()
         [ -z "$nvcc" ] && why+=("no CUDA toolkit (nvcc)")
         [ -n "$nvcc" ] && [ -z "$cublas_where" ] && why+=("no cuBLAS")
         [ -z "$nvsmi" ] && why+=("no nvidia-smi")
         echo "backend:    cpu ($(IFS=';'; echo "${why[*]}" | sed 's/;/; /g')): builds a CPU llama-server; the records then hold CPU accounting only";;
    *) echo "backend:    $backend (llama-server given: $server_bin)";;
  esac
  echo "stubs:      $( [ -f "$stubs/manifest.json" ] && echo "$stubs ($(ls "$stubs"/*.hdr.gz 2>/dev/null | wc -l) GGUF headers, $(du -sh "$stubs" | cut -f1))" || echo "MISSING: run tools/gpu-measure/run.sh --prepare here first")"
  echo "== build (within the budget less ${min_grid_s} s)"
  echo "tar xzf stubs/llama.cpp-src.tar.gz -C $work"
  echo "cmake ${cmake_args[*]}"
  echo "cmake --build $build_dir -j$jobs --target llama-server"
  echo "== grid (budget $budget s from the start; cases run in this order until the time left is below a case's estimate)"
  plan_args=(plan --grid "$here/grid.json" --stubs "$stubs")
  [ -n "$tiers" ] && plan_args+=(--tiers "$tiers")
  [ -n "$models" ] && plan_args+=(--models "$models")
  "$py" "$here/measure_gpu.py" "${plan_args[@]}"
  echo "== records: $out/gpu-records.jsonl (+ env.json nvidia-smi.txt run.log build.log server-logs.txt.gz summary.txt)"
  exit 0
fi

# ------------------------------------------------------------------------------------------------ run
mkdir -p "$out" "$work"
exec > >(tee -a "$out/run.log") 2>&1
say "gpu-measure: budget ${budget} s, out $out, work $work"
[ -n "$py" ] || { say "python3 is missing: nothing can be measured"; exit 1; }
[ -f "$stubs/manifest.json" ] || { say "no GGUF stubs ($stubs): run tools/gpu-measure/run.sh --prepare where Java is, and carry tools/gpu-measure/stubs"; exit 1; }
if [ -z "$nvsmi" ]; then say "no nvidia-smi: no NVIDIA GPU visible; the records will hold no smi readings"; fi
if [ "$backend" = cpu ] && [ -z "$server_bin" ]; then
  if [ -z "$nvcc" ]; then
    say "no CUDA toolkit found (nvcc not on PATH, not in /usr/local/cuda*, not in a pip nvidia package): building a CPU-only llama-server; the records then hold CPU accounting only"
  elif [ -z "$cublas_where" ]; then
    say "nvcc $nvcc found but no cuBLAS (not in the toolkit, not in a pip nvidia package): the CUDA backend cannot be built; building a CPU-only llama-server"
  fi
fi
[ -n "$cublas_where" ] && say "cuBLAS: $cublas_where"
"$py" - "$out/env.json" <<EOF
import json, sys
json.dump({"gpu": """$gpu_line""", "nvidia_smi": "${nvsmi}", "nvcc": "${nvcc:+nvcc (the CUDA toolkit's compiler; its version is `cuda`)}", "cuda": "${nvcc_version}",
           "cmake": "${cmake_version}", "backend": "${backend}", "cuda_archs": "${cuda_archs}",
           "source": json.load(open("$stubs/source.json")) if __import__("os").path.exists("$stubs/source.json") else None,
           "budget_s": $budget, "jobs": $jobs, "host": __import__("platform").node()}, open(sys.argv[1], "w"), indent=1)
EOF
[ -n "$nvsmi" ] && "$nvsmi" > "$out/nvidia-smi.txt" 2>&1

if [ -z "$server_bin" ]; then
  if [ "$mode" = configure ] || [ ! -x "$build_dir/bin/llama-server" ]; then
    # a build cut short by the time box resumes on the next call while the machine is warm: keep its tree
    if [ ! -f "$work/llama.cpp/CMakeLists.txt" ]; then
      if [ -f "$stubs/llama.cpp-src.tar.gz" ]; then
        tar xzf "$stubs/llama.cpp-src.tar.gz" -C "$work"
      elif [ -f "$bundle" ] && command -v git >/dev/null; then
        git clone -q "$bundle" "$work/llama.cpp"
      else
        say "no llama.cpp source (stubs/llama.cpp-src.tar.gz or the npm bundle)"; exit 1
      fi
    fi
    say "configure: cmake ${cmake_args[*]}"
    if ! cmake "${cmake_args[@]}" > "$work/configure.log" 2>&1; then
      tail -40 "$work/configure.log" > "$out/build.log"; say "configure failed (build.log)"; exit 1
    fi
    grep -m1 "CMAKE_CUDA_ARCHITECTURES" "$work/configure.log" || true
    if [ "$mode" = configure ]; then say "configured ($backend) in $build_dir: configure.log"; cp "$work/configure.log" "$out/configure.log"; exit 0; fi
    build_timeout=$(( $(left) - min_grid_s ))
    say "build: llama-server, -j$jobs, at most ${build_timeout} s"
    timeout --signal=INT "$build_timeout" cmake --build "$build_dir" -j"$jobs" --target llama-server > "$work/build-full.log" 2>&1
    rc=$?
    { tail -60 "$work/build-full.log"; } > "$out/build.log"
    if [ $rc -ne 0 ] || [ ! -x "$build_dir/bin/llama-server" ]; then
      say "build failed or timed out (rc $rc; build.log has its end; a rerun on the warm machine resumes it)"; exit 1
    fi
    say "built $("$build_dir/bin/llama-server" --version 2>&1 | grep -m1 version)"
  fi
  server_bin=$build_dir/bin/llama-server
fi

# the GGUFs, byte for byte the test kit's: header + a hole up to the size
mkdir -p "$work/ggufs"
"$py" - "$stubs" "$work/ggufs" <<'EOF'
import json, os, sys
sys.path.insert(0, os.environ.get("HERE_DIR", os.path.dirname(sys.argv[1])))
from gguf_stub import expand
stubs, dst = sys.argv[1], sys.argv[2]
for e in json.load(open(os.path.join(stubs, "manifest.json")))["ggufs"]:
    path = os.path.join(dst, e["file"])
    if not (os.path.exists(path) and os.path.getsize(path) == e["bytes"]):
        r = expand(os.path.join(stubs, e["stub"]), e["bytes"], path)
        assert r["header_sha256"] == e["header_sha256"], e["file"]
print("ggufs: %d files ready" % len(json.load(open(os.path.join(stubs, "manifest.json")))["ggufs"]))
EOF

say "grid: $(left) s left"
run_args=(run --grid "$here/grid.json" --stubs "$stubs" --ggufs "$work/ggufs" --server-bin "$server_bin"
  --out "$out/gpu-records.jsonl" --log "$out/server-logs.txt.gz" --deadline "$((deadline - 10))" --backend "$backend"
  --env-json "$(cat "$out/env.json")")
[ -n "$tiers" ] && run_args+=(--tiers "$tiers")
[ -n "$models" ] && run_args+=(--models "$models")
"$py" "$here/measure_gpu.py" "${run_args[@]}"
"$py" "$here/summarise.py" "$out/gpu-records.jsonl" > "$out/summary.txt" 2>&1 || true
say "done: $(wc -l < "$out/gpu-records.jsonl" 2>/dev/null || echo 0) records; summary.txt"
