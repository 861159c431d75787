package eu.prositronic.core.props;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.CatalogLoader.CatalogFile;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.props.Mutations.Mutation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Valid inventories and catalog entries, generated from the embedded catalog and mutated (keys dropped, renamed,
 * duplicated; types swapped; huge, negative and NaN numbers; odd Unicode, control characters, empty strings, deep
 * nesting, aliases, bytes that are not UTF-8): every case ends in an output tree or a placed input error with a fix,
 * within {@link Outcome#LIMIT_SECONDS}. ~200 tries each here ({@code -Djqwik.tries.default=N} for a long run); a case
 * that breaks the rule is written to {@code target/corpus-candidates/} for {@code src/test/resources/corpus/}.
 */
@Tag("slow") // 400 generated cases: run by scripts/test and CI, not by a plain mvn test
class InputPropertiesTest {
    static final Map<String, Map<Outcome.Kind, AtomicInteger>> COUNTS = new LinkedHashMap<>();

    // ---------------------------------------------------------------- inventories

    /** A valid inventory built from a tape of choices (a tape of zeros is the smallest one). */
    static Map<String, Object> inventory(List<Integer> tape) {
        Catalog catalog = TestSupport.catalog();
        int[] i = {0};
        java.util.function.IntUnaryOperator next = n -> n <= 0 ? 0 : Math.floorMod(tape.get(i[0]++ % tape.size()), n);
        List<String> gpus = catalog.gpuIds();
        List<String> models = catalog.modelIds();
        Map<String, Object> inv = new LinkedHashMap<>();
        inv.put("cluster", new LinkedHashMap<>(Map.of("name", "homelab", "namespace", "llm")));
        List<Object> nodes = new ArrayList<>();
        int nodeCount = 1 + next.applyAsInt(4);
        for (int n = 0; n < nodeCount; n++) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("name", "node-" + n);
            node.put("address", "10.0.0." + (n + 1));
            node.put("ram", List.of("16GiB", "64GiB", "256GiB", "2TiB").get(next.applyAsInt(4)));
            Map<String, Object> cpu = new LinkedHashMap<>();
            cpu.put("cores", 1 + next.applyAsInt(64));
            if (next.applyAsInt(2) == 1) {
                cpu.put("memoryBandwidthGBps", 51.2);
            }
            node.put("cpu", cpu);
            List<Object> groups = new ArrayList<>();
            int groupCount = next.applyAsInt(2);
            String vendorOf = null;
            for (int g = 0; g < groupCount; g++) {
                String gpu = gpus.get(next.applyAsInt(gpus.size()));
                String vendor = catalog.hardware(gpu).orElseThrow().vendor().name();
                if (vendorOf != null && !vendorOf.equals(vendor)) {
                    continue;
                }
                vendorOf = vendor;
                Map<String, Object> group = new LinkedHashMap<>();
                group.put("model", gpu);
                group.put("count", 1 + next.applyAsInt(4));
                groups.add(group);
            }
            if (!groups.isEmpty()) {
                node.put("gpus", groups);
                if ("NVIDIA".equals(vendorOf) && next.applyAsInt(2) == 1) {
                    node.put("gpuDriver", "580.82.07");
                }
            }
            nodes.add(node);
        }
        inv.put("nodes", nodes);
        List<Object> deployments = new ArrayList<>();
        int deploymentCount = next.applyAsInt(4);
        for (int d = 0; d < deploymentCount; d++) {
            ModelSpec model =
                    catalog.model(models.get(next.applyAsInt(models.size()))).orElseThrow();
            Map<String, Object> dep = new LinkedHashMap<>();
            dep.put("name", "deploy-" + d);
            dep.put("model", model.id());
            dep.put(
                    "quant",
                    model.quantNames().get(next.applyAsInt(model.quantNames().size())));
            dep.put("node", "node-" + next.applyAsInt(nodeCount));
            dep.put("port", 8080 + d);
            switch (next.applyAsInt(4)) {
                case 1 -> dep.put("context", "max");
                case 2 -> dep.put("context", 4096);
                case 3 -> {
                    dep.put("flashAttn", "on");
                    dep.put("cacheTypeK", "q8_0");
                    dep.put("cacheTypeV", "q8_0");
                }
                default -> {}
            }
            deployments.add(dep);
        }
        if (!deployments.isEmpty()) {
            inv.put("deployments", deployments);
        }
        return inv;
    }

    @Provide
    Arbitrary<List<Integer>> tapes() {
        return Arbitraries.integers().between(0, 1 << 20).list().ofSize(48);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(
                        Arbitraries.integers().between(0, Mutations.KINDS.length - 1),
                        Arbitraries.integers().between(0, 10_000),
                        Arbitraries.integers().between(0, 10_000))
                .as(Mutation::new);
        return one.list().ofMinSize(0).ofMaxSize(6);
    }

    @Property
    void aMutatedInventoryEndsInOutputOrPlacedProblems(
            @ForAll("tapes") List<Integer> tape, @ForAll("mutations") List<Mutation> mutations) {
        byte[] bytes = Mutations.apply(inventory(tape), mutations);
        record("inventory", bytes, List.of(), () -> Outcome.run(bytes, List.of()));
    }

    // ---------------------------------------------------------------- catalog entries

    static final List<String> CATALOG_FILES = Outcome.embedded().stream()
            .map(CatalogFile::relativePath)
            .filter(r -> r.endsWith(".yaml") && !r.startsWith("schema/"))
            .sorted()
            .toList();

    @Provide
    Arbitrary<String> catalogFiles() {
        return Arbitraries.of(CATALOG_FILES);
    }

    /** An inventory that uses the entry: a deployment of the model, a node with the GPU. */
    static byte[] inventoryUsing(String rel) {
        Catalog catalog = TestSupport.catalog();
        String id = rel.substring(rel.lastIndexOf('/') + 1, rel.length() - ".yaml".length());
        String gpu = rel.startsWith("hardware/") && catalog.gpuIds().contains(id) ? id : "nvidia-rtx3090";
        String model = rel.startsWith("models/") ? id : "qwen3-5-0-8b";
        String quant = catalog.model(model).orElseThrow().quantNames().get(0);
        return ("""
                cluster: {name: homelab, namespace: llm}
                nodes:
                  - name: gpu-01
                    address: 192.168.1.21
                    ram: 2TiB
                    cpu: {cores: 16}
                    gpus: [{model: %s, count: 8}]
                deployments:
                  - name: chat
                    model: %s
                    quant: %s
                    node: gpu-01
                    port: 8080
                """.formatted(gpu, model, quant)).getBytes(StandardCharsets.UTF_8);
    }

    @Property
    void aMutatedCatalogEntryEndsInOutputOrPlacedProblems(
            @ForAll("catalogFiles") String rel, @ForAll("mutations") List<Mutation> mutations) {
        String original = Outcome.embedded().stream()
                .filter(f -> f.relativePath().equals(rel))
                .findFirst()
                .orElseThrow()
                .text();
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(original);
        byte[] entry = Mutations.apply(tree, mutations);
        byte[] inventory = inventoryUsing(rel);
        List<Object[]> user = List.<Object[]>of(new Object[] {rel, entry});
        record("catalog", inventory, user, () -> Outcome.run(inventory, user));
    }

    // ---------------------------------------------------------------- bookkeeping

    static void record(
            String property, byte[] inventory, List<Object[]> user, java.util.function.Supplier<Outcome.Kind> run) {
        try {
            Outcome.Kind kind = run.get();
            synchronized (COUNTS) {
                COUNTS.computeIfAbsent(property, k -> {
                            Map<Outcome.Kind, AtomicInteger> m = new EnumMap<>(Outcome.Kind.class);
                            for (Outcome.Kind x : Outcome.Kind.values()) {
                                m.put(x, new AtomicInteger());
                            }
                            return m;
                        })
                        .get(kind)
                        .incrementAndGet();
            }
        } catch (AssertionError e) {
            keep(property, inventory, user);
            throw e;
        }
    }

    /** Writes a failing case where it can be copied into the corpus. */
    static void keep(String property, byte[] inventory, List<Object[]> user) {
        try {
            String name = property + "-"
                    + Integer.toHexString(java.util.Arrays.hashCode(inventory)
                            ^ user.stream()
                                    .mapToInt(u -> java.util.Arrays.hashCode((byte[]) u[1]))
                                    .sum());
            Path dir = Path.of("target/corpus-candidates", name);
            Files.createDirectories(dir);
            Files.write(dir.resolve("inventory.yaml"), inventory);
            for (Object[] u : user) {
                Path f = dir.resolve("catalog").resolve((String) u[0]);
                Files.createDirectories(f.getParent());
                Files.write(f, (byte[]) u[1]);
            }
        } catch (IOException e) {
            // only a convenience
        }
    }

    @AfterContainer
    static void printCounts() {
        synchronized (COUNTS) {
            COUNTS.forEach((property, counts) -> {
                int total =
                        counts.values().stream().mapToInt(AtomicInteger::get).sum();
                System.out.println("property " + property + ": " + total + " cases ran, " + counts);
            });
        }
    }
}
