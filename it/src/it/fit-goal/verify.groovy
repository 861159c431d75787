// prositronic:fit answers on the console: every quantization with its layout, context, memory and speed.
def log = new File(basedir, 'build.log').text
assert log.contains('qwen3.5-27b on nvidia-rtx3090: every quantization alone, context max')
assert log =~ /(?m)^\[INFO\] Q4_K_M\s+\S+ GiB\s+(full|partial)\s+\d+\/65\s+[\d,]+\s/
assert log.contains('unknown hardware `nvidia-rtx390`')
assert log.contains('-Dprositronic.hardware=')
assert !new File(basedir, 'target').exists()
return true
