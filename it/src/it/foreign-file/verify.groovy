// A file of the user's where Prositronic would write stops the build: the exact message names the file and the
// setting to change, nothing in the output changes, and the user's files are intact.
import java.nio.file.*

def log = new File(basedir, 'build.log').text
def out = basedir.toPath().resolve('target/generated-resources/prositronic')
assert log.contains("the output folder ${out.toAbsolutePath()} holds files Prositronic did not write:"
        + " values/qwen3-5-4b/q5_k_m/nvidia-rtx3090.yaml; move them away or set <outputDirectory>"
        + " (-Dprositronic.outputDirectory) to an empty folder")
assert !log.contains('Exception:') : 'no stack trace for a user error'

def files = Files.walk(out).filter { Files.isRegularFile(it) }
        .map { out.relativize(it).toString().replace('\\', '/') }.sorted().collect()
assert files == ['notes/mine.txt', 'values/qwen3-5-4b/q5_k_m/nvidia-rtx3090.yaml'] : "the output changed: $files"
assert out.resolve('values/qwen3-5-4b/q5_k_m/nvidia-rtx3090.yaml').toFile().getText('UTF-8') ==
        '# my own values, not Prositronic\'s\nserver: {ctxSize: 4096}\n'
assert out.resolve('notes/mine.txt').toFile().getText('UTF-8') == 'my notes\n'
files.each {
    assert Files.getLastModifiedTime(out.resolve(it)).toMillis() == 978307200000L : "$it was touched"
}
def staging = Files.list(out.parent).filter { it.fileName.toString().startsWith('.prositronic-staging') }.collect()
assert staging.isEmpty() : "staging left behind: $staging"
return true
