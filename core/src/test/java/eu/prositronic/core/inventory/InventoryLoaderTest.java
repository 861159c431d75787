package eu.prositronic.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.CatalogKeys;
import eu.prositronic.core.catalog.CatalogLoader;
import eu.prositronic.core.catalog.CatalogLoader.CatalogFile;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.Problem;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InventoryLoaderTest {
    private static final String GOOD = """
            cluster: {name: homelab, namespace: llm, containerRuntime: k3s}
            nodes:
              - name: gpu-01
                address: 192.168.1.21
                ram: 64GiB
                cpu: {cores: 16}
                gpus: [{model: nvidia-rtx3090, count: 2}]
            deployments:
              - name: chat
                model: qwen3.5-4b
                quant: q5_k_m
                node: gpu-01
                context: 32768
                cacheTypeK: q8_0
                cacheTypeV: q8_0
                flashAttn: "on"
                parallel: 2
            """;

    @Test
    void readsEveryKeyOfTheContract() throws Exception {
        Inventory inv = TestSupport.inventory(GOOD);
        assertThat(inv.cluster().containerRuntime()).isEqualTo(ContainerRuntime.K3S);
        Node node = inv.nodes().get(0);
        assertThat(node.ram().value()).isEqualTo(64L << 30);
        assertThat(node.gpus())
                .containsExactly(new Node.GpuGroup(
                        TestSupport.catalog().hardware("nvidia-rtx3090").orElseThrow(), 2));
        Deployment d = inv.deployments().get(0);
        assertThat(d.model().id()).as("alias resolved to the id").isEqualTo("qwen3-5-4b");
        assertThat(d.quant().quant()).as("quant in the catalog's spelling").isEqualTo("Q5_K_M");
        assertThat(d.node())
                .as("resolved once: the deployment carries its node")
                .isSameAs(node);
        assertThat(d.context()).hasValue(32768);
        assertThat(d.cacheTypeK()).isEqualTo(CacheType.Q8_0);
        assertThat(d.flashAttn()).isEqualTo(FlashAttn.ON);
        assertThat(d.parallel()).isEqualTo(2);
        assertThat(d.batchSize()).isEqualTo(2048);
        assertThat(d.ubatchSize()).isEqualTo(512);
        assertThat(d.port()).isEqualTo(8080);
        assertThat(d.thinking()).as("the model's default").isTrue();
    }

    @Test
    void reportsAnUnknownGpuWithItsPositionAndTheClosestId() {
        String yaml = GOOD.replace("model: nvidia-rtx3090", "model: nvidia-rtx-3090");
        List<Problem> problems = problems(yaml);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).format())
                .isEqualTo("inventory.yaml:7:20: nodes[0].gpus[0].model: unknown GPU `nvidia-rtx-3090`; perhaps you"
                        + " meant `nvidia-rtx3090` (or add hardware/nvidia-rtx-3090.yaml to your catalog folder)");
    }

    @Test
    void aDriverBelowEveryCudaImagesFloorIsAPlacedInputErrorNamingTheDriverAndTheFix() {
        String yaml = GOOD.replace("    cpu: {cores: 16}\n", "    cpu: {cores: 16}\n    gpuDriver: \"550.54.15\"\n");
        List<Problem> problems = problems(yaml);
        assertThat(problems).hasSize(1);
        Problem p = problems.get(0);
        assertThat(p.line()).isEqualTo(7);
        assertThat(p.yamlPath()).isEqualTo("nodes[0].gpuDriver");
        assertThat(p.message())
                .isEqualTo("NVIDIA driver 550.54.15 with nvidia-rtx3090 (compute capability 8.6) can start no CUDA"
                        + " image: server-cuda-b11206 needs driver ≥ 570.26, server-cuda13-b11206 needs driver ≥"
                        + " 580.65.06");
        assertThat(p.fix())
                .contains("upgrade the NVIDIA driver to 570.26 or newer")
                .contains("Vulkan image ghcr.io/ggml-org/llama.cpp:server-vulkan-b11382");
    }

    /**
     * A catalog whose CUDA 12 image is built for compute capability 8.0 and up (a user's images.yaml over the
     * embedded one, e.g. an image built with {@code CUDA_DOCKER_ARCH=80;86;89}): a Turing card is a GPU only the
     * CUDA 13 image runs.
     */
    static Catalog cuda12FromAmpere() throws Exception {
        List<CatalogFile> embedded = CatalogLoader.embeddedFiles();
        String images = embedded.stream()
                .filter(f -> f.relativePath().equals(CatalogKeys.IMAGES_FILE))
                .findFirst()
                .orElseThrow()
                .text();
        String stricter = images.replace(
                "    minDriver: \"570.26\"\n", "    minDriver: \"570.26\"\n    minComputeCapability: \"8.0\"\n");
        assertThat(stricter).isNotEqualTo(images);
        return CatalogLoader.load(
                embedded,
                List.of(new CatalogFile(
                        Path.of("catalog/" + CatalogKeys.IMAGES_FILE), CatalogKeys.IMAGES_FILE, stricter)));
    }

    static List<Problem> problems(String yaml, Catalog catalog) {
        InvalidInputException e = (InvalidInputException) org.assertj.core.api.Assertions.catchThrowable(
                () -> InventoryLoader.load(Path.of("inventory.yaml"), yaml, catalog));
        assertThat(e).as("the inventory should be rejected").isNotNull();
        return e.problems();
    }

    @Test
    void a580_10DriverWithAGpuOnlyTheCuda13ImageRunsIsAPlacedErrorNamingTheDriverAndTheFix() throws Exception {
        Catalog catalog = cuda12FromAmpere();
        String t4 = GOOD.replace("model: nvidia-rtx3090", "model: nvidia-t4");
        List<Problem> problems = problems(
                t4.replace("    cpu: {cores: 16}\n", "    cpu: {cores: 16}\n    gpuDriver: \"580.10.02\"\n"), catalog);
        assertThat(problems).hasSize(1);
        Problem p = problems.get(0);
        assertThat(p.line()).isEqualTo(7);
        assertThat(p.yamlPath()).isEqualTo("nodes[0].gpuDriver");
        assertThat(p.message())
                .isEqualTo("NVIDIA driver 580.10.02 with nvidia-t4 (compute capability 7.5) can start no CUDA image:"
                        + " server-cuda-b11206 needs compute capability ≥ 8.0, server-cuda13-b11206 needs driver ≥"
                        + " 580.65.06");
        assertThat(p.fix())
                .startsWith("upgrade the NVIDIA driver to 580.65.06 or newer, or run the Vulkan image"
                        + " ghcr.io/ggml-org/llama.cpp:server-vulkan-b11382 on this node by hand");

        // the fix holds: at the CUDA 13 floor the same node is planned on the CUDA 13 image
        Inventory fixed = InventoryLoader.load(
                Path.of("inventory.yaml"),
                t4.replace("    cpu: {cores: 16}\n", "    cpu: {cores: 16}\n    gpuDriver: \"580.65.06\"\n"),
                catalog);
        assertThat(eu.prositronic.core.fit.Planner.plan(fixed, catalog)
                        .deployments()
                        .get(0)
                        .image()
                        .tag())
                .isEqualTo("server-cuda13-b11206");
    }

    @Test
    void aGpuNoCudaImageIsBuiltForIsAnErrorEvenWithoutADriverAndNamesTheVulkanImage() throws Exception {
        String pascal = GOOD.replace("model: nvidia-rtx3090", "model: nvidia-gtx1080ti");
        List<Problem> problems = problems(pascal, cuda12FromAmpere());
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).yamlPath()).isEqualTo("nodes[0]");
        assertThat(problems.get(0).message())
                .isEqualTo("NVIDIA driver (not given) with nvidia-gtx1080ti (compute capability 6.1) can start no"
                        + " CUDA image: server-cuda-b11206 needs compute capability ≥ 8.0, server-cuda13-b11206 needs"
                        + " compute capability ≥ 7.5");
        assertThat(problems.get(0).fix())
                .startsWith("no CUDA image here is built for this GPU: run the Vulkan image"
                        + " ghcr.io/ggml-org/llama.cpp:server-vulkan-b11382");
    }

    @Test
    void aDriverOfTheCuda13MajorBelowItsFloorIsPlannedOnTheCuda12Image() throws Exception {
        String yaml = GOOD.replace("    cpu: {cores: 16}\n", "    cpu: {cores: 16}\n    gpuDriver: \"580.10.02\"\n");
        Inventory inv = TestSupport.inventory(yaml);
        assertThat(inv.nodes().get(0).driverVersion())
                .hasValueSatisfying(d -> assertThat(d.toString()).isEqualTo("580.10.02"));
        var plan = eu.prositronic.core.fit.Planner.plan(inv, TestSupport.catalog());
        assertThat(plan.deployments().get(0).image().tag()).isEqualTo("server-cuda-b11206");
    }

    @Test
    void collectsEveryProblemBeforeFailing() {
        String yaml = """
                cluster: {name: Homelab, namespace: llm}
                nodes:
                  - name: gpu-01
                    address: 10.0.0.1
                    ram: 64G
                    cpu: {cores: 16}
                deployments:
                  - name: chat
                    model: qwen3-5-4
                    quant: Q5_K_M
                    node: gpu-02
                    cacheTypeV: q4_0
                    flashAttn: "off"
                    contxt: 4096
                """;
        List<String> messages = problems(yaml).stream().map(Problem::format).toList();
        assertThat(messages)
                .anySatisfy(m -> assertThat(m)
                        .startsWith("inventory.yaml:1:17: cluster.name: not a DNS-1123 label")
                        .contains("perhaps `homelab`"))
                .anySatisfy(m -> assertThat(m)
                        .startsWith("inventory.yaml:5:10: nodes[0].ram: not a size")
                        .contains("64GiB"))
                .anySatisfy(m -> assertThat(m)
                        .contains("deployments[0].model: unknown model `qwen3-5-4`")
                        .contains("perhaps you meant `qwen3-5-4b`"))
                .anySatisfy(m -> assertThat(m)
                        .contains("deployments[0].node: unknown node `gpu-02`")
                        .contains("perhaps you meant `gpu-01`"))
                .anySatisfy(m -> assertThat(m).contains("a quantized V cache needs flash attention"))
                .anySatisfy(m -> assertThat(m)
                        .contains("deployments[0].contxt: unknown key `contxt`")
                        .contains("perhaps you meant `context`"));
        assertThat(messages).hasSize(6);
    }

    @Test
    void rejectsAContextBeyondTheTrainedOneAndAClashingPort() {
        String yaml = GOOD.replace("context: 32768", "context: 300000") + """
                  - name: chat2
                    model: qwen3-5-0-8b
                    quant: Q4_0
                    node: gpu-01
                """;
        List<String> messages = problems(yaml).stream().map(Problem::format).toList();
        assertThat(messages)
                .anySatisfy(m -> assertThat(m).contains("more than the model's trained context of 262144 tokens"))
                .anySatisfy(m -> assertThat(m).contains("port 8080 on node gpu-01 is already used by deployment chat"));
    }

    @Test
    void reportsSyntaxErrorsWithTheirPosition() {
        List<Problem> problems = problems("cluster: {name: a\nnodes: [\n");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).line()).isPositive();
        assertThat(problems.get(0).message()).startsWith("not valid YAML");
    }

    private static List<Problem> problems(String yaml) {
        InvalidInputException e = (InvalidInputException)
                org.assertj.core.api.Assertions.catchThrowable(() -> TestSupport.inventory(yaml));
        assertThat(e).as("the inventory should be rejected").isNotNull();
        return e.problems();
    }

    @Test
    void failsWithoutNodes() {
        assertThatThrownBy(() -> TestSupport.inventory("cluster: {name: a, namespace: b}\nnodes: []\n"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no nodes");
    }
}
