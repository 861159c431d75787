// Before the build: the user's own files lie in the output folder, one where Prositronic would write a values file,
// one elsewhere. Their timestamps are set in the past, so verify can see that nothing touched them.
import java.nio.file.*
import java.nio.file.attribute.FileTime

def out = basedir.toPath().resolve('target/generated-resources/prositronic')
def past = FileTime.fromMillis(978307200000L) // 2001-01-01T00:00:00Z
[
    'values/qwen3-5-4b/q5_k_m/nvidia-rtx3090.yaml': '# my own values, not Prositronic\'s\nserver: {ctxSize: 4096}\n',
    'notes/mine.txt': 'my notes\n',
].each { rel, text ->
    def f = out.resolve(rel)
    Files.createDirectories(f.parent)
    Files.write(f, text.getBytes('UTF-8'))
    Files.setLastModifiedTime(f, past)
}
return true
