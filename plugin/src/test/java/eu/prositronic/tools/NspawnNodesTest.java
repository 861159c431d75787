package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.TestSupport;
import eu.prositronic.core.fit.DeploymentPlan;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The generated collection runs for real against booted Debian nodes: one root per container runtime, made with
 * debootstrap (cached by the hash of its recipe under {@code ~/.cache/prositronic}, outside the clone) and booted with
 * systemd-nspawn, entered by {@code community.general.chroot} through nsenter ({@code plugin/src/test/nspawn}). The
 * containerd node runs Debian's real containerd; Docker, CRI-O, k3s and RKE2 are stand-in daemons that record the
 * configuration they loaded; the NVIDIA packages come from a signed local apt repository of stand-in packages (a pinned
 * and a newer version), nvidia-smi is a stand-in. What a machine without a GPU cannot show (a real driver, NVIDIA's own
 * repository, a GPU container) is not claimed here.
 *
 * <p>The operator's own inventory layer (connection settings, per-node runtime, the local repository) lives next to
 * the generated one, as the README's layering describes: {@code -i generated/inventory.yml -i ops/}.
 */
@Tag("tool") // needs root (or sudo), debootstrap and systemd-nspawn: run by scripts/test and CI, never skipped there
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NspawnNodesTest {
    static final Path HARNESS = TestSupport.repoRoot().resolve("plugin/src/test/nspawn");

    /** Node name → flavour of its container runtime (nodes.sh up). */
    static final Map<String, String> NODES = new LinkedHashMap<>();

    static {
        NODES.put("gpu-containerd", "containerd");
        NODES.put("gpu-docker", "docker");
        NODES.put("gpu-crio", "crio");
        NODES.put("gpu-k3s", "k3s");
        NODES.put("gpu-rke2", "rke2");
    }

    Path work;
    Path nodes;
    Path ansible;
    GeneratedExample.Output generated;
    int port;

    @BeforeAll
    void bootTheNodes() throws Exception {
        for (String tool : List.of(
                "debootstrap",
                "systemd-nspawn",
                "nsenter",
                "dpkg-deb",
                "dpkg-scanpackages",
                "gpg",
                "ansible-playbook",
                "tar")) {
            tool(tool);
        }
        work = Files.createTempDirectory("prositronic-nspawn-");
        nodes = work.resolve("nodes");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // the nodes share this machine's network: a port nobody uses
        }
        generated = GeneratedExample.writeTo(work.resolve("prositronic"), TestSupport.inventory(inventory(port)));
        ansible = generated.dir().resolve("ansible");
        writeOperatorInventory();
        run(
                List.of(
                        "sh",
                        HARNESS.resolve("nodes.sh").toString(),
                        "repo",
                        work.resolve("repo").toString()),
                600);
        List<String> up = new ArrayList<>(List.of(
                "sh",
                HARNESS.resolve("nodes.sh").toString(),
                "up",
                nodes.toString(),
                work.resolve("repo").toString()));
        NODES.forEach((node, flavour) -> up.add(node + ":" + flavour));
        run(up, 900);
        Path staging = work.resolve("staged");
        for (var e : stagedModels.entrySet()) {
            Files.createDirectories(staging.resolve(e.getKey()).getParent());
            Files.write(staging.resolve(e.getKey()), e.getValue());
        }
        run(
                List.of(
                        "cp",
                        "-r",
                        staging.resolve("srv").toString(),
                        nodes.resolve("gpu-docker").toString()),
                60);
    }

    @AfterAll
    void powerOff() {
        if (work != null) {
            run(List.of("sh", HARNESS.resolve("nodes.sh").toString(), "down", nodes.toString()), 300);
            run(List.of("rm", "-rf", "--one-file-system", work.toString()), 300);
        }
    }

    /** The Prositronic inventory of the test: five NVIDIA nodes; one serves with systemd, the others with helmfile. */
    static String inventory(int port) {
        StringBuilder y =
                new StringBuilder("cluster: {name: ci, namespace: llm, containerRuntime: containerd}\nnodes:\n");
        for (String node : NODES.keySet()) {
            y.append("  - {name: ")
                    .append(node)
                    .append(", address: 127.0.0.1, ram: 64GiB, cpu: {cores: 16},")
                    .append(" gpus: [{model: nvidia-rtx3090}], gpuDriver: \"580.82.07\"")
                    .append(node.equals("gpu-docker") ? ", serving: systemd}\n" : "}\n");
        }
        y.append("deployments:\n");
        // the systemd deployment loads its vision projector: the role downloads, checks and passes it too
        y.append("  - {name: chat, model: qwen3-5-0-8b, quant: Q4_0, node: gpu-docker, context: 4096, vision: true,"
                        + " port: ")
                .append(port)
                .append("}\n");
        y.append("  - {name: helm-chat, model: qwen3-5-0-8b, quant: Q4_0, node: gpu-containerd, context: 4096}\n");
        return y.toString();
    }

    /** The operator's layer over the generated inventory: how to reach each node and what differs on it. */
    void writeOperatorInventory() throws IOException {
        Path ops = work.resolve("ops");
        Files.createDirectories(ops);
        StringBuilder y = new StringBuilder("---\nall:\n  vars:\n");
        y.append("    ansible_connection: community.general.chroot\n");
        y.append("    ansible_chroot_exe: ")
                .append(HARNESS.resolve("chroot-exe.sh"))
                .append('\n');
        y.append("    ansible_python_interpreter: /usr/bin/python3\n");
        y.append("    nvidia_container_toolkit_repo_base_url: file:///srv/nvidia-repo\n");
        y.append("    nvidia_container_toolkit_repo_gpgkey_url: file:///srv/nvidia-repo/gpgkey\n");
        y.append("    llama_server_health_check_delay: 1\n");
        // offline: the model files come from a mirror staged on the node, in Hugging Face's layout
        y.append("    llama_server_model_base_url: file:///srv/models\n");
        y.append("  hosts:\n");
        NODES.forEach((node, flavour) -> {
            y.append("    ").append(node).append(":\n");
            y.append("      ansible_host: ").append(nodes.resolve(node)).append('\n');
            y.append("      prositronic_container_runtime: ").append(flavour).append('\n');
        });
        Files.writeString(ops.resolve("hosts.yml"), y.toString());
        stageModels(ops);
    }

    /**
     * The catalog's model files are gigabytes on a network these machines cannot reach: the operator layer gives the
     * systemd node's instances the same files (same paths, same flags) with the size and sha256 of small stand-in
     * files, which the test stages in the node's mirror folder.
     */
    void stageModels(Path ops) throws IOException {
        var yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        var vars = (com.fasterxml.jackson.databind.node.ObjectNode)
                yaml.readTree(ansible.resolve("host_vars/gpu-docker.yml").toFile());
        var instances = (com.fasterxml.jackson.databind.node.ArrayNode) vars.get("llama_server_instances");
        assertThat(instances).isNotEmpty();
        Map<Path, byte[]> staged = new LinkedHashMap<>();
        for (JsonNode instance : instances) {
            var model = (com.fasterxml.jackson.databind.node.ObjectNode) instance.get("model");
            String revision = model.path("revision").asText().isEmpty()
                    ? "main"
                    : model.path("revision").asText();
            var parts = (com.fasterxml.jackson.databind.node.ArrayNode) model.get("parts");
            for (JsonNode part : parts) {
                byte[] bytes = ("stand-in GGUF for " + part.path("path").asText() + "\n")
                        .repeat(1000)
                        .getBytes(StandardCharsets.UTF_8);
                var o = (com.fasterxml.jackson.databind.node.ObjectNode) part;
                o.put("size_bytes", bytes.length);
                o.put("sha256", sha256(bytes));
                staged.put(
                        Path.of("srv/models", model.path("hugging_face_repo").asText(), "resolve", revision)
                                .resolve(part.path("path").asText()),
                        bytes);
            }
            if (instance.has("mmproj")) {
                var mmproj = (com.fasterxml.jackson.databind.node.ObjectNode) instance.get("mmproj");
                byte[] bytes = ("stand-in mmproj " + mmproj.path("file").asText() + "\n")
                        .repeat(500)
                        .getBytes(StandardCharsets.UTF_8);
                mmproj.put("size_bytes", bytes.length);
                mmproj.put("sha256", sha256(bytes));
                String mmRevision = mmproj.path("revision").asText().isEmpty()
                        ? "main"
                        : mmproj.path("revision").asText();
                staged.put(
                        Path.of("srv/models", mmproj.path("hugging_face_repo").asText(), "resolve", mmRevision)
                                .resolve(mmproj.path("file").asText()),
                        bytes);
            }
        }
        Files.createDirectories(ops.resolve("host_vars"));
        var only = yaml.createObjectNode();
        only.set("llama_server_instances", instances);
        Files.writeString(
                ops.resolve("host_vars/gpu-docker.yml"),
                "---\n" + yaml.writeValueAsString(only).replaceFirst("^---\\n", ""));
        stagedModels = staged;
    }

    Map<Path, byte[]> stagedModels = Map.of();

    int runs;

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(1)
    void checkModeOnFreshNodesFailsNowhereAndShowsWhatItWouldInstall() {
        // the package and runtime tasks are the same on every flavour: a containerd and a Docker node show them
        Recap r = site("--check", "--diff", "--limit", "gpu-containerd,gpu-docker");
        r.assertNoFailure();
        r.changed("gpu-containerd");
        r.changed("gpu-docker");
        assertThat(r.output()).contains("the NVIDIA repository is not configured on gpu-containerd yet");
    }

    @Test
    @Order(2)
    void theFirstRunChangesEveryNode() {
        Recap r = site();
        r.assertNoFailure();
        for (String node : NODES.keySet()) {
            assertThat(r.changed(node)).as(node + "\n" + r.output()).isPositive();
        }
    }

    @Test
    @Order(3)
    void theSystemdNodeRunsExactlyThePlannedFlags() throws Exception {
        JsonNode run = json("gpu-docker", "/var/lib/standin/run-llama-server-chat.json");
        DeploymentPlan chat = generated.plan().deployments().stream()
                .filter(p -> p.name().equals("chat"))
                .findFirst()
                .orElseThrow();
        List<String> server = new ArrayList<>();
        run.path("server").forEach(a -> server.add(a.asText()));
        assertThat(server).isEqualTo(GeneratedExample.systemdCommandLine(chat));
        assertThat(run.path("image").asText()).isEqualTo(chat.image().reference());
        // the model was downloaded from the pinned revision of the mirror, checked, and is what -m names
        String m = server.get(server.indexOf("-m") + 1);
        Path mirrored = stagedModels.keySet().iterator().next();
        assertThat(inNode("gpu-docker", "sha256sum", "/var/lib/llama-server/models" + m.substring("/models".length())))
                .startsWith(sha256(stagedModels.get(mirrored)));
        // and so was the vision projector that --mmproj names
        String mm = server.get(server.indexOf("--mmproj") + 1);
        Path mmMirrored = stagedModels.keySet().stream()
                .filter(k -> k.getFileName().toString().startsWith("mmproj"))
                .findFirst()
                .orElseThrow();
        assertThat(inNode("gpu-docker", "sha256sum", "/var/lib/llama-server/models" + mm.substring("/models".length())))
                .startsWith(sha256(stagedModels.get(mmMirrored)));
        // published on the node's address, not on every interface
        assertThat(run.path("argv").toString()).contains("\"127.0.0.1:" + port + ":" + port + "\"");
    }

    @Test
    @Order(3)
    void aNodeThatHelmfileServesGetsNoSystemdLlamaServer() throws IOException {
        try (var units = Files.list(nodes.resolve("gpu-containerd/etc/systemd/system"))) {
            assertThat(units.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("llama-server-"));
        }
        assertThat(nodes.resolve("gpu-docker/etc/systemd/system/llama-server-chat.service"))
                .isRegularFile();
    }

    @Test
    @Order(3)
    void everyRuntimeLoadedTheNvidiaRuntime() throws Exception {
        assertThat(inNode("gpu-containerd", "containerd", "config", "dump"))
                .contains("containerd.runtimes.nvidia]", "BinaryName = \"/usr/bin/nvidia-container-runtime\"");
        assertThat(inNode("gpu-containerd", "systemctl", "is-active", "containerd"))
                .contains("active");
        for (String node : List.of("gpu-docker", "gpu-crio", "gpu-k3s", "gpu-rke2")) {
            String flavour = NODES.get(node);
            JsonNode loaded =
                    json(node, "/var/lib/standin/" + flavour + ".loaded.json").path("loaded");
            assertThat(loaded.toString()).as(node).contains("nvidia-container-runtime");
        }
    }

    @Test
    @Order(3)
    void thePinnedPackagesAreInstalledAndHeldNotTheNewerOnes() {
        for (String node : NODES.keySet()) {
            String q = inNode(
                    node,
                    "dpkg-query",
                    "-W",
                    "-f",
                    "${Package} ${Version} ${Status}\\n",
                    "nvidia-container-toolkit",
                    "nvidia-container-toolkit-base",
                    "libnvidia-container-tools",
                    "libnvidia-container1");
            assertThat(q.lines().filter(l -> l.contains(" 1.18.2-1 hold ok installed")))
                    .as(node + "\n" + q)
                    .hasSize(4);
        }
    }

    @Test
    @Order(4)
    void theSecondRunChangesNothing() {
        Recap r = site();
        r.assertNoFailure();
        for (String node : NODES.keySet()) {
            assertThat(r.changed(node)).as(node + "\n" + r.output()).isZero();
        }
    }

    @Test
    @Order(5)
    void checkModeOnConvergedNodesIsClean() {
        Recap r = site("--check", "--diff");
        r.assertNoFailure();
        for (String node : NODES.keySet()) {
            assertThat(r.changed(node)).as(node + "\n" + r.output()).isZero();
        }
    }

    /**
     * kubespray rewrites containerd's config.toml without {@code imports} (as Debian's package writes it): the drop-in is
     * still there, so only what containerd loads shows that the NVIDIA runtime is gone.
     */
    @Test
    @Order(6)
    void aConfigTomlThatLostItsImportsIsDetectedAndFixed() {
        String node = "gpu-containerd";
        inNode(node, "sed", "-i", "/^imports/d", "/etc/containerd/config.toml");
        inNode(node, "systemctl", "restart", "containerd");
        assertThat(inNode(node, "containerd", "config", "dump")).doesNotContain("runtimes.nvidia]");
        String before = inNode(node, "systemctl", "show", "--property=MainPID", "--value", "containerd")
                .trim();
        Recap r = playbook("nvidia_container_toolkit", "--limit", node);
        r.assertNoFailure();
        assertThat(r.changed(node)).as(r.output()).isPositive();
        assertThat(inNode(node, "containerd", "config", "dump")).contains("runtimes.nvidia]");
        assertThat(inNode(node, "systemctl", "show", "--property=MainPID", "--value", "containerd")
                        .trim())
                .as("containerd restarted")
                .isNotEqualTo(before);
    }

    /**
     * A run killed after nvidia-ctk wrote the CRI-O drop-in and before the restart handler: the drop-in is in place, so
     * nothing in the files changes on the next run, yet CRI-O still runs without it. The next run must restart it.
     */
    @Test
    @Order(7)
    void aRunKilledBeforeTheRestartIsCompletedByTheNextRun() throws Exception {
        String node = "gpu-crio";
        Path root = nodes.resolve(node);
        run(
                List.of(
                        "rm",
                        "-f",
                        root.resolve("etc/crio/crio.conf.d/99-nvidia.toml").toString()),
                30);
        long first = json(node, "/var/lib/standin/crio.loaded.json").path("pid").asLong();
        inNode(node, "systemctl", "restart", "crio");
        JsonNode without = restarted(node, "crio", first);
        long pidBefore = without.path("pid").asLong();
        assertThat(without.path("loaded").toString()).doesNotContain("nvidia");
        run(List.of("touch", root.resolve("etc/standin/hang-cdi-list").toString()), 30);
        Path pidFile = work.resolve("interrupted.pid");
        // the run gets its own process group, so that killing it kills its workers too
        Process p = start(List.of(
                "setsid",
                "sh",
                "-c",
                "echo $$ >\"$0\"; exec \"$@\"",
                pidFile.toString(),
                "env",
                "ANSIBLE_COLLECTIONS_PATH=" + ansible,
                "ANSIBLE_PIPELINING=1",
                "NO_COLOR=1",
                tool("ansible-playbook").toString(),
                "-i",
                "inventory.yml",
                "-i",
                work.resolve("ops").toString(),
                "prositronic.infra.nvidia_container_toolkit",
                "--limit",
                node));
        Path hanging = root.resolve("var/lib/standin/cdi-list-hanging");
        for (int i = 0; i < 600 && !Files.exists(hanging); i++) {
            assertThat(p.isAlive())
                    .as("the run ended before it could be interrupted")
                    .isTrue();
            Thread.sleep(500);
        }
        assertThat(hanging).as("the run reached `nvidia-ctk cdi list`").exists();
        assertThat(root.resolve("etc/crio/crio.conf.d/99-nvidia.toml")).exists();
        String pgid = Files.readString(pidFile).trim();
        run(List.of("kill", "-KILL", "--", "-" + pgid), 30);
        p.waitFor(60, TimeUnit.SECONDS);
        run(List.of("rm", "-f", root.resolve("etc/standin/hang-cdi-list").toString(), hanging.toString()), 30);
        assertThat(json(node, "/var/lib/standin/crio.loaded.json").path("pid").asLong())
                .as("CRI-O was not restarted by the killed run")
                .isEqualTo(pidBefore);

        Recap r = playbook("nvidia_container_toolkit", "--limit", node);
        r.assertNoFailure();
        assertThat(r.output()).contains("runs an older configuration than the one on disk");
        JsonNode loaded = restarted(node, "crio", pidBefore);
        assertThat(loaded.path("loaded").toString()).contains("nvidia-container-runtime");

        Recap again = playbook("nvidia_container_toolkit", "--limit", node);
        again.assertNoFailure();
        assertThat(again.changed(node)).as(again.output()).isZero();
    }

    /** An instance that does not come up fails the run with its journal and the likely cause, not a timeout alone. */
    @Test
    @Order(8)
    void anInstanceThatCrashesFailsWithItsJournalAndTheLikelyCause() {
        String node = "gpu-docker";
        run(
                List.of(
                        "touch",
                        nodes.resolve(node).resolve("etc/standin/crash-oom").toString()),
                30);
        inNode(node, "systemctl", "restart", "llama-server-chat.service");
        Recap r = playbook("llama_server", "--limit", node, "-e", "llama_server_health_check_timeout=20");
        run(
                List.of(
                        "rm",
                        "-f",
                        nodes.resolve(node).resolve("etc/standin/crash-oom").toString()),
                30);
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output())
                .contains("llama-server-chat on gpu-docker did not answer 200")
                .contains("Likely cause: out of memory")
                .contains("cudaMalloc failed: out of memory");
    }

    /** A model file that does not match the catalog's sha256 is never started: the run fails and says why. */
    @Test
    @Order(9)
    void aModelFileWithAnotherChecksumFailsTheRun() throws Exception {
        String node = "gpu-docker";
        Path mirrored =
                nodes.resolve(node).resolve(stagedModels.keySet().iterator().next());
        byte[] bytes = stagedModels.get(stagedModels.keySet().iterator().next()).clone();
        bytes[0] ^= 1; // same size, other content
        Files.write(work.resolve("corrupt"), bytes);
        run(List.of("cp", work.resolve("corrupt").toString(), mirrored.toString()), 30);
        run(
                List.of(
                        "rm",
                        "-rf",
                        nodes.resolve(node)
                                        .resolve("var/lib/llama-server/models")
                                        .toString() + "/"),
                30);
        inNode(node, "install", "-d", "-o", "llama-server", "-g", "llama-server", "/var/lib/llama-server/models");
        Recap r = playbook("llama_server", "--limit", node);
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).as(r.output()).containsPattern("(?i)checksum");
    }

    // --- plumbing ---------------------------------------------------------------------------------------------------

    Recap site(String... extra) {
        return playbook("site", extra);
    }

    /** {@code ansible-playbook -i inventory.yml -i ops/ prositronic.infra.<name>}: the generated and the operator's. */
    Recap playbook(String name, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(
                "env",
                "ANSIBLE_COLLECTIONS_PATH=" + ansible,
                "ANSIBLE_PIPELINING=1",
                "ANSIBLE_FORCE_COLOR=0",
                "NO_COLOR=1",
                tool("ansible-playbook").toString(),
                "-i",
                "inventory.yml",
                "-i",
                work.resolve("ops").toString(),
                "prositronic.infra." + name));
        cmd.addAll(List.of(extra));
        long start = System.nanoTime();
        ExternalTool.Run r = runIn(ansible, cmd, 900);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        // every run's output and duration stays in plugin/target/nspawn-logs for whoever reads a failure
        try {
            Path logs = TestSupport.repoRoot().resolve("plugin/target/nspawn-logs");
            Files.createDirectories(logs);
            Files.writeString(
                    logs.resolve(String.format("%02d-%s.log", ++runs, name)),
                    String.join(" ", extra) + " (" + seconds + " s)\n" + r.output());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Recap(r.exitCode(), r.output());
    }

    /** A command inside a booted node. */
    String inNode(String node, String... command) {
        List<String> cmd = new ArrayList<>(List.of(
                HARNESS.resolve("chroot-exe.sh").toString(), nodes.resolve(node).toString()));
        cmd.addAll(List.of(command));
        ExternalTool.Run r = run(cmd, 120);
        assertThat(r.exitCode())
                .as(String.join(" ", command) + " in " + node + "\n" + r.output())
                .isZero();
        return r.output();
    }

    /** What a stand-in runtime loaded once it runs under another pid than {@code previous} (systemd returns first). */
    JsonNode restarted(String node, String flavour, long previous) throws Exception {
        for (int i = 0; i < 100; i++) {
            JsonNode loaded = json(node, "/var/lib/standin/" + flavour + ".loaded.json");
            if (loaded.path("pid").asLong() != previous) {
                return loaded;
            }
            Thread.sleep(200);
        }
        return fail(flavour + " on " + node + " was not restarted");
    }

    JsonNode json(String node, String path) throws IOException {
        return new ObjectMapper().readTree(inNode(node, "cat", path));
    }

    record Recap(int exitCode, String output) {
        int changed(String host) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(host) + "\\s+: ok=\\d+\\s+changed=(\\d+)")
                    .matcher(output);
            assertThat(m.find()).as("recap of " + host + "\n" + output).isTrue();
            return Integer.parseInt(m.group(1));
        }

        void assertNoFailure() {
            assertThat(exitCode).as(output).isZero();
            assertThat(output).as(output).doesNotContainPattern("(failed|unreachable)=[1-9]");
        }
    }

    /** Root runs the commands itself; anyone else through sudo (CI runners), which must not ask for a password. */
    static List<String> asRoot(List<String> command) {
        if ("root".equals(System.getProperty("user.name"))) {
            return command;
        }
        List<String> cmd = new ArrayList<>(List.of(tool("sudo").toString(), "-n"));
        cmd.addAll(command);
        return cmd;
    }

    ExternalTool.Run run(List<String> command, int timeoutSeconds) {
        return runIn(work == null ? Path.of(".") : work, command, timeoutSeconds, true);
    }

    ExternalTool.Run runIn(Path dir, List<String> command, int timeoutSeconds) {
        return runIn(dir, command, timeoutSeconds, false);
    }

    ExternalTool.Run runIn(Path dir, List<String> command, int timeoutSeconds, boolean mustSucceed) {
        try {
            Process p = new ProcessBuilder(asRoot(command))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            byte[] out;
            try (var in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return fail("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            ExternalTool.Run r = new ExternalTool.Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
            if (mustSucceed
                    && r.exitCode() != 0
                    && !command.get(0).equals(HARNESS.resolve("chroot-exe.sh").toString())) {
                fail(String.join(" ", command) + " exited with " + r.exitCode() + "\n" + r.output());
            }
            return r;
        } catch (IOException e) {
            return fail("cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    Process start(List<String> command) throws IOException {
        return new ProcessBuilder(asRoot(command))
                .directory(ansible.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("interrupted.log").toFile())
                .start();
    }

    /** A tool from PATH or the system folders (debootstrap lives in /usr/sbin); missing fails, never skips. */
    static Path tool(String name) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return fail(name + " is not installed; run scripts/install-test-tools.sh (the README's test command does)");
    }
}
