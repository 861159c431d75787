// A bad inventory fails the build with file, line, column, YAML path, the bad value and a fix, and writes nothing.
def log = new File(basedir, 'build.log').text
def inventory = new File(basedir, 'src/main/prositronic/inventory.yaml').canonicalPath
assert log.contains("${inventory}:7:20: nodes[0].gpus[0].model: unknown GPU `nvidia-rtx-3090`; perhaps you meant `nvidia-rtx3090` (or add hardware/nvidia-rtx-3090.yaml to your catalog folder)")
assert !log.contains('(found `nvidia-rtx-3090`)') : 'the bad value is stated once'
assert !log.contains('Exception:') : 'no stack trace for a user error'
assert !new File(basedir, 'target/generated-resources/prositronic').exists()
return true
