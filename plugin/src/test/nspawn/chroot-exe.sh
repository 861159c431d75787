#!/bin/sh
# ansible_chroot_exe for community.general.chroot: enter the booted container's namespaces instead of chroot-ing
# into its folder (systemd answers there). Called as `chroot-exe.sh <root> <command...>`; <root>.leader holds the
# container's PID 1 as seen from the host (written by nodes.sh up).
dir=$1; shift
exec nsenter --target "$(cat "$dir.leader")" --mount --uts --ipc --pid -- env -u SYSTEMD_OFFLINE "$@"
