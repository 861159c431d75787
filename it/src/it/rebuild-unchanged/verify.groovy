// A second build with the same input writes nothing: every output file keeps its timestamp and the log says so.
import java.nio.file.*

def log = new File(basedir, 'build.log').text
def out = basedir.toPath().resolve('target/generated-resources/prositronic')
def files = Files.walk(out).filter { Files.isRegularFile(it) }
        .map { out.relativize(it).toString().replace('\\', '/') }.sorted().collect()
assert files.contains('.prositronic-manifest')
assert files.contains('values/qwen3-5-0-8b/q4_0/cpu.yaml')
def count = files.size() - 1 // the manifest is not counted
def runs = (log =~ /Prositronic output in \S+ \((\d+) written, (\d+) unchanged, (\d+) removed\)/).collect { it[1..3]*.toInteger() }
assert runs.size() == 2 : "two builds, each logging what it wrote: $runs"
assert runs[0] == [count, 0, 0] : "the first build writes every file: ${runs[0]}"
assert runs[1] == [0, count, 0] : "the second build writes nothing: ${runs[1]}"
def touched = files.findAll { Files.getLastModifiedTime(out.resolve(it)).toMillis() != 978307200000L }
assert touched.isEmpty() : "the second build touched $touched"
return true
