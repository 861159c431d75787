// The solver example (examples/solver): `quant: auto`, `node: auto`, a selector and a context range on a mixed fleet
// compile to a plan whose choices, their reasons and the alternatives are in plan.json and the report.
import groovy.json.JsonSlurper
import java.nio.file.*

def out = basedir.toPath().resolve('target/generated-resources/prositronic')
def log = new File(basedir, 'build.log').text
assert log.contains('Prositronic output in')
def plan = new JsonSlurper().parse(out.resolve('plan.json').toFile())
assert plan.solver.method == 'exhaustive'
def byName = plan.deployments.collectEntries { [(it.name): it] }
assert byName.keySet() == ['chat', 'code', 'small', 'notes'] as Set
['chat', 'code', 'small'].each { name ->
    def d = byName[name]
    assert d.chosenBy.find { it.choice == 'quant' } : "$name: no quant choice"
    assert d.chosenBy.find { it.choice == 'node' } : "$name: no node choice"
    assert !d.alternatives.isEmpty() : "$name: no alternatives"
}
assert byName.code.node == 'gpu-b' : 'the selector {gpu: nvidia-rtx4060ti-16gb} matches gpu-b only'
assert byName.chat.ctxSize >= 32768 && byName.chat.ctxSize <= 131072 : 'the range holds'
assert byName.notes.chosenBy == null && byName.notes.alternatives == null : 'a written deployment has no solver fields'
assert byName.notes.quant == 'Q4_K_M' && byName.notes.node == 'cpu-a' && byName.notes.ctxSize == 32768
def html = out.resolve('report/chat.html').toFile().text
assert html.contains('<h3 id="why">Why this plan</h3>')
assert out.resolve('report/index.md').toFile().text.contains('## Chosen by the solver')
return true
