#!/bin/sh
# Syntax-check the collection's playbooks the way an operator runs them: the collection installed as
# <dir>/ansible_collections/prositronic/infra, ANSIBLE_COLLECTIONS_PATH=<dir>, and an inventory.yml with
# host_vars/ in the shape the Prositronic generator writes (tests/sample, docs/contracts.md section 2).
#
# Usage: tests/syntax_check.sh [inventory directory, default: tests/sample]
# Needs no network and changes nothing outside a temporary directory.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
inventory_dir=$(cd "${1:-$root/tests/sample}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/ansible_collections/prositronic"
cp -R "$root" "$work/ansible_collections/prositronic/infra"
cp -R "$inventory_dir/." "$work/"

cd "$work"
for playbook in site nvidia_container_toolkit llama_server; do
  ANSIBLE_COLLECTIONS_PATH="$work" ansible-playbook -i inventory.yml "prositronic.infra.$playbook" --syntax-check
done
