#!/bin/sh
# Booted Debian nodes for the collection's end-to-end test (NspawnNodesTest): debootstrap + systemd-nspawn, entered
# by Ansible's community.general.chroot connection through nsenter (chroot-exe.sh). Needs root, debootstrap,
# systemd-nspawn (systemd-container), dpkg-deb, dpkg-scanpackages (dpkg-dev) and gpg.
#
#   nodes.sh base                 the cached Debian root (built once; its path is printed)
#   nodes.sh repo DIR             a signed apt repository of stand-in NVIDIA Container Toolkit packages in DIR
#   nodes.sh up DIR REPO NODE:FLAVOUR...
#                                 one booted root per node under DIR (FLAVOUR: containerd|docker|crio|k3s|rke2)
#   nodes.sh down DIR             powers every node of DIR off and waits for it
#
# The Debian mirror is read from this machine's apt configuration at run time. The root is cached by the hash of its
# recipe under $PROSITRONIC_CACHE (default ~/.cache/prositronic), outside the clone: a warm run copies it, a cold
# one builds it (about a minute).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
suite=bookworm
include=python3,python3-apt,systemd,dbus,containerd,ca-certificates
cache=${PROSITRONIC_CACHE:-${HOME:-/root}/.cache/prositronic}

mirror() {
  m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$m" ] || { echo "no Debian mirror in this machine's apt configuration" >&2; exit 1; }
  echo "$m"
}

base() {
  key=$(printf '%s\n' "v1" "$suite" minbase "$include" "$(dpkg --print-architecture)" | sha256sum | cut -c1-16)
  dir="$cache/debian-roots/$suite-$key"
  if ! [ -f "$dir/root.tar" ]; then
    mkdir -p "$cache/debian-roots"
    tmp=$(mktemp -d "$cache/debian-roots/.build.XXXXXX")
    # minbase alone has no python3 (Ansible) and no systemd (boot); containerd is the real runtime under test
    debootstrap --variant=minbase --include="$include" "$suite" "$tmp/root" "$(mirror)" >"$tmp/debootstrap.log" 2>&1 \
      || { tail -20 "$tmp/debootstrap.log" >&2; rm -rf "$tmp"; exit 1; }
    # the nodes see only the test's own package repository: apt never reaches the network
    rm -f "$tmp/root/etc/apt/sources.list" "$tmp/root/etc/apt/sources.list.d/"*
    rm -rf "$tmp/root/var/lib/apt/lists/"* "$tmp/root/var/cache/apt/"*.bin "$tmp/root/usr/share/doc" \
      "$tmp/root/usr/share/man" "$tmp/root/usr/share/locale"
    tar -C "$tmp/root" -cf "$tmp/root.tar" .
    rm -rf "$tmp/root" "$dir"
    mv "$tmp" "$dir"
    # a cache restored by a CI step that runs as the invoking user must be able to read it
    [ -z "${SUDO_UID:-}" ] || chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$cache"
  fi
  echo "$dir/root.tar"
}

# deb NAME VERSION DEPENDS FILE:MODE:SOURCE...  (into $pool)
deb() {
  name=$1 version=$2 depends=$3; shift 3
  d=$(mktemp -d)
  mkdir -p "$d/DEBIAN"
  {
    echo "Package: $name"
    echo "Version: $version"
    echo "Architecture: $(dpkg --print-architecture)"
    echo "Maintainer: Prositronic tests <tests@invalid>"
    [ -z "$depends" ] || echo "Depends: $depends"
    echo "Description: stand-in for $name (Prositronic tests; no GPU code)"
  } >"$d/DEBIAN/control"
  for f in "$@"; do
    path=${f%%:*} rest=${f#*:}; mode=${rest%%:*} src=${rest#*:}
    mkdir -p "$d$(dirname "$path")"
    cp "$src" "$d$path"
    chmod "$mode" "$d$path"
  done
  dpkg-deb --root-owner-group -Zgzip -b "$d" "$pool/${name}_${version}_$(dpkg --print-architecture).deb" >/dev/null
  rm -rf "$d"
}

repo() {
  out=$1
  pool="$out/stable/deb/$(dpkg --print-architecture)"
  mkdir -p "$pool"
  s="$here/standins"
  # the pinned version and a newer one: the role must install the pinned one and hold it
  for v in 1.18.2-1 1.19.0-1; do
    deb libnvidia-container1 "$v" "" "/usr/lib/standin/libnvidia-container1:0644:$s/README"
    deb libnvidia-container-tools "$v" "libnvidia-container1 (= $v)" "/usr/bin/nvidia-container-cli:0755:$s/nvidia-container-runtime"
    deb nvidia-container-toolkit-base "$v" "" \
      "/usr/bin/nvidia-ctk:0755:$s/nvidia-ctk" \
      "/usr/bin/nvidia-container-runtime:0755:$s/nvidia-container-runtime"
    deb nvidia-container-toolkit "$v" "nvidia-container-toolkit-base (= $v), libnvidia-container-tools (= $v)" \
      "/usr/bin/nvidia-container-runtime-hook:0755:$s/nvidia-container-runtime" \
      "/lib/systemd/system/nvidia-cdi-refresh.service:0644:$s/nvidia-cdi-refresh.service" \
      "/lib/systemd/system/nvidia-cdi-refresh.path:0644:$s/nvidia-cdi-refresh.path"
  done
  (cd "$pool" && dpkg-scanpackages --multiversion . 2>/dev/null >Packages)
  {
    echo "Origin: prositronic-tests"
    echo "Label: prositronic-tests"
    echo "Date: $(LC_ALL=C date -Ru)"
    echo "SHA256:"
    echo " $(sha256sum <"$pool/Packages" | cut -d' ' -f1) $(wc -c <"$pool/Packages") Packages"
  } >"$pool/Release"
  GNUPGHOME=$(mktemp -d)
  export GNUPGHOME
  gpg -q --batch --passphrase '' --quick-gen-key "Prositronic test repository <tests@invalid>" ed25519 sign never
  gpg -q --batch --yes --clearsign -o "$pool/InRelease" "$pool/Release"
  gpg -q --batch --armor --export >"$out/gpgkey"
  rm -rf "$GNUPGHOME"
}

up() {
  dir=$1 repo=$2; shift 2
  tarball=$(base)
  mkdir -p "$dir"
  for spec in "$@"; do
    node=${spec%%:*} flavour=${spec#*:}
    root="$dir/$node"
    rm -rf "$root"; mkdir -p "$root"
    tar -C "$root" -xf "$tarball"
    echo "$node" >"$root/etc/hostname"
    s="$here/standins"
    install -d "$root/etc/standin" "$root/var/lib/standin" "$root/usr/local/sbin"
    install -m 0755 "$s/nvidia-smi" "$root/usr/bin/nvidia-smi"
    install -m 0755 "$s/standin-runtime" "$root/usr/local/sbin/standin-runtime"
    printf '%s\n' "NVIDIA GeForce RTX 3090, 24576 MiB, 580.82.07, 8.6" >"$root/etc/standin/nvidia-smi.csv"
    if [ "$flavour" != containerd ]; then
      ln -sf /dev/null "$root/etc/systemd/system/containerd.service"
      case $flavour in
        docker) units=docker.service ;;
        crio) units=crio.service ;;
        k3s) units=k3s.service ;;
        rke2) units=rke2-server.service ;;
        *) echo "unknown flavour $flavour" >&2; exit 2 ;;
      esac
      install -m 0644 "$s/$units" "$root/etc/systemd/system/$units"
      ln -sf "/etc/systemd/system/$units" "$root/etc/systemd/system/multi-user.target.wants/$units"
      [ "$flavour" != docker ] || install -m 0755 "$s/docker" "$root/usr/bin/docker"
    fi
    # --keep-unit: this machine's PID 1 may not be systemd; --register=no: no machined needed
    # the shell writes its own pid, then becomes nspawn (setsid may fork, so $! would not be nspawn's pid)
    setsid sh -c 'echo $$ >"$1.nspawn"; exec systemd-nspawn -q -D "$1" --register=no --keep-unit --machine="ci-$2" \
      --bind-ro="$3:/srv/nvidia-repo" -b' nspawn "$root" "$node" "$repo" </dev/null >"$root.console.log" 2>&1 &
    i=0
    while ! [ -s "$root.nspawn" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  done
  for spec in "$@"; do
    node=${spec%%:*} root="$dir/$node"
    pid=$(cat "$root.nspawn") leader=""
    i=0
    # the container's PID 1 is the child of nspawn once it has become systemd (before, it is nspawn's own fork)
    while [ $i -lt 600 ]; do
      leader=$(pgrep -P "$pid" | head -1 || true)
      [ -z "$leader" ] || [ "$(cat "/proc/$leader/comm" 2>/dev/null)" != systemd ] || break
      leader=""
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1; i=$((i + 1))
    done
    [ -n "$leader" ] || { echo "$node did not boot:" >&2; tail -20 "$root.console.log" >&2; exit 1; }
    # systemd answers on its private socket a moment after it has started
    i=0 state=""
    while [ $i -lt 240 ]; do
      state=$(timeout 120 nsenter --target "$leader" --mount --pid -- systemctl is-system-running --wait 2>&1 || true)
      case $state in *"Failed to connect to bus"*|*"has not been booted"*) sleep 0.5; i=$((i + 1)) ;; *) break ;; esac
    done
    [ "$state" = running ] || {
      echo "$node is $state:" >&2
      nsenter --target "$leader" --mount --pid -- systemctl --failed --no-pager >&2 || true
      exit 1
    }
    echo "$leader" >"$root.leader"
  done
}

down() {
  dir=$1
  for f in "$dir"/*.nspawn; do
    [ -f "$f" ] || continue
    kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
  for f in "$dir"/*.nspawn; do
    [ -f "$f" ] || continue
    i=0
    while kill -0 "$(cat "$f")" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}

cmd=$1; shift
"$cmd" "$@"
