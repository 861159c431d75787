// No fit is an answer: what was needed, what was available, and plans that fit.
def log = new File(basedir, 'build.log').text
assert log.contains('deployment `big` (qwen3-5-27b Q8_0, 131072 tokens) does not fit node small: at 131072 tokens it needs')
assert log.contains('on nvidia-rtx3060:0')
assert log.contains('Plans that fit: `quant: ')
assert !new File(basedir, 'target/generated-resources/prositronic').exists()
return true
