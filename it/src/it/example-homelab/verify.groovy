// The README's example: the output holds every contracted file and matches the golden tree byte for byte.
// Regenerate the golden tree after an intended change with: mvn verify -pl it -am -Dprositronic.updateGolden=true
import java.nio.file.*

def out = basedir.toPath().resolve('target/generated-resources/prositronic')
def expected = basedir.toPath().resolve('expected')
def golden = Paths.get(repoRoot).resolve('it/src/it/example-homelab/expected')
def log = new File(basedir, 'build.log').text

assert log.contains('Prositronic output in')
assert log =~ /chat\s+gpu-01\s+qwen3-5-4b\s+Q5_K_M\s+cuda13\s+262144\s+33\/33/

['plan.json', 'plan.schema.json', 'helmfile.yaml.gotmpl',
 'values/qwen3-5-4b/q5_k_m/nvidia-rtx3090.yaml', 'values/qwen3-5-4b/q3_k_m/cpu.yaml',
 'values/qwen3-5-0-8b/q4_0/cpu.yaml', 'values/qwen3-5-27b/q4_k_m/nvidia-rtx4090.yaml',
 'charts/llama-server/values.schema.json', 'ansible/inventory.yml',
 'ansible/ansible_collections/prositronic/infra/playbooks/nvidia_container_toolkit.yml'].each {
    assert Files.isRegularFile(out.resolve(it)) : "missing $it"
}

// The plugin jar holds only the product: the Mojos (and the generated help goal); the core is its own artifact and
// the test kit never reaches a user.
def repo = localRepositoryPath.toPath().resolve('eu/prositronic')
def pluginJar = Files.list(repo.resolve('prositronic-maven-plugin/0.1.0-SNAPSHOT'))
        .filter { it.toString().endsWith('.jar') }.findFirst().get()
def entries = new java.util.zip.ZipFile(pluginJar.toFile()).entries().collect { it.name }.findAll { !it.endsWith('/') }
def foreign = entries.findAll { !(it.startsWith('META-INF/') || it.startsWith('eu/prositronic/maven/')
        || it.startsWith('eu/prositronic/prositronic_maven_plugin/')) }
assert foreign.isEmpty() : "the plugin jar holds more than the Mojos: ${foreign.take(5)}"
assert !Files.exists(repo.resolve('prositronic-testkit')) : 'the test kit reached the plugin\'s dependencies'

// The bundled chart and collection are the repository's, unchanged.
def sameTree = { Path actual, Path source ->
    Files.walk(source).filter { Files.isRegularFile(it) }.each { Path f ->
        def rel = source.relativize(f)
        assert Files.exists(actual.resolve(rel)) : "bundle lacks $rel"
        assert Arrays.equals(Files.readAllBytes(actual.resolve(rel)), Files.readAllBytes(f)) : "bundle differs at $rel"
    }
}
sameTree(out.resolve('charts/llama-server'), Paths.get(repoRoot).resolve('charts/llama-server'))
sameTree(out.resolve('ansible/ansible_collections/prositronic/infra'), Paths.get(repoRoot).resolve('playbooks'))

// Everything generated (not bundled) is compared with the golden tree.
def generated = Files.walk(out).filter { Files.isRegularFile(it) }
        .map { out.relativize(it).toString().replace('\\', '/') }
        .filter { !it.startsWith('charts/') && !it.startsWith('ansible/ansible_collections/') }
        .sorted().collect()
if (System.getProperty('prositronic.updateGolden') == 'true') {
    if (Files.exists(golden)) {
        Files.walk(golden).sorted(Comparator.reverseOrder()).each { Files.delete(it) }
    }
    generated.each { rel ->
        Files.createDirectories(golden.resolve(rel).parent)
        Files.copy(out.resolve(rel), golden.resolve(rel))
    }
    println "golden tree updated: ${generated.size()} files in $golden"
    return true
}
def expectedFiles = Files.walk(expected).filter { Files.isRegularFile(it) }
        .map { expected.relativize(it).toString().replace('\\', '/') }.sorted().collect()
assert generated == expectedFiles : "the set of generated files changed:\n  generated ${generated - expectedFiles}\n  missing ${expectedFiles - generated}"
generated.each { rel ->
    def a = out.resolve(rel).toFile().getText('UTF-8')
    def e = expected.resolve(rel).toFile().getText('UTF-8')
    assert a == e : "$rel differs from the golden tree; if intended, rerun with -Dprositronic.updateGolden=true"
}
return true
