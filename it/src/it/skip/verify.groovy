// prositronic.skip skips the goal: no inventory needed, nothing written.
def log = new File(basedir, 'build.log').text
assert log.contains('Skipping Prositronic: prositronic.skip is true')
assert !new File(basedir, 'target/generated-resources/prositronic').exists()
return true
