package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.core.fit.DeploymentPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The free-memory preflight of NVIDIA units: the real Ansible renders the unit of the example's GPU deployment with an
 * {@code ExecStartPre=} that carries the plan's at-load bytes per GPU and its reserve, and the script it runs refuses
 * to start, with the numbers, when nvidia-smi reports less free memory. No GPU here: nvidia-smi is a stand-in that
 * prints recorded {@code --format=csv,noheader,nounits} output.
 */
@Tag("tool")
class GpuPreflightTest {
    @TempDir
    static Path out;

    static GeneratedExample.Output example;

    static Path role;

    @BeforeAll
    static void generate() throws Exception {
        example = GeneratedExample.writeSystemdServedTo(out.resolve("prositronic"));
        role = example.dir().resolve("ansible/ansible_collections/prositronic/infra/roles/llama_server");
    }

    static DeploymentPlan deployment(String name) {
        return example.plan().deployments().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static String unit(DeploymentPlan p) throws Exception {
        Path dest = out.resolve("units/llama-server-" + p.name() + ".service");
        Files.createDirectories(dest.getParent());
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put(
                "llama_server_instance",
                "{{ llama_server_instances | selectattr('name', 'equalto', '" + p.name() + "') | first }}");
        facts.put("__llama_server_engine_binary", "/usr/bin/docker");
        facts.put("__llama_server_container_user", "990:990");
        facts.put("__llama_server_device_gids", java.util.List.of());
        ExternalTool.Run r = ExternalTool.run(
                out,
                Map.of("ANSIBLE_LOCALHOST_WARNING", "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING", "false"),
                "ansible",
                "localhost",
                "-c",
                "local",
                "-i",
                "localhost,",
                "-m",
                "ansible.builtin.template",
                "-a",
                "src=" + role.resolve("templates/llama-server.service.j2") + " dest=" + dest,
                "-e",
                "@" + role.resolve("defaults/main.yml"),
                "-e",
                "@" + role.resolve("vars/main.yml"),
                "-e",
                "@" + example.dir().resolve("ansible/host_vars/" + p.node().name() + ".yml"),
                "-e",
                new ObjectMapper().writeValueAsString(facts));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return Files.readString(dest);
    }

    @Test
    void theGpuUnitChecksThePlansNeedAndReserveBeforeItStarts() throws Exception {
        DeploymentPlan chat = deployment("chat");
        long need = chat.memory().gpus().get(0).atLoad().value();
        long reserve = chat.memory().gpuReserve().value();
        assertThat(unit(chat))
                .contains("\nExecStartPre=/usr/local/libexec/prositronic/llama-server-preflight chat " + need + " "
                        + reserve + "\nExecStart=");
        assertThat(unit(deployment("cpu-chat"))).doesNotContain("llama-server-preflight");
    }

    @Test
    void thePreflightRefusesWithTheNumbersWhenTheGpuHasTooLittleFreeMemory(@TempDir Path bin) throws Exception {
        DeploymentPlan chat = deployment("chat");
        long need = chat.memory().gpus().get(0).atLoad().value();
        long reserve = chat.memory().gpuReserve().value();
        Path script = role.resolve("files/llama-server-preflight");

        smi(bin, "0, 23894, 24576");
        ExternalTool.Run ok = run(bin, script, "chat", need + "", reserve + "");
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output().strip())
                .isEqualTo("chat: GPU 0 has 23894 MiB free; the plan needs " + Math.round(need / 1048576.0)
                        + " MiB plus a reserve of 1024 MiB: ok");

        smi(bin, "0, 10240, 24576");
        ExternalTool.Run refused = run(bin, script, "chat", need + "", reserve + "");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.output().strip())
                .isEqualTo("chat: GPU 0 has 10240 MiB free of 24576 MiB; the plan needs "
                        + Math.round(need / 1048576.0) + " MiB plus a reserve of 1024 MiB ("
                        + Math.round((need + reserve) / 1048576.0)
                        + " MiB). Stop what else uses the GPU (nvidia-smi lists"
                        + " it) or compile a plan that fits what is free.");

        ExternalTool.Run missing = run(bin, script, "chat", need + "," + need, reserve + "");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.output()).contains("which nvidia-smi does not list");
    }

    static void smi(Path bin, String csv) throws Exception {
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\nprintf '%s\\n' '" + csv + "'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static ExternalTool.Run run(Path bin, Path script, String... args) {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "sh";
        cmd[1] = script.toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        return ExternalTool.run(bin, Map.of("PATH", bin + ":" + System.getenv("PATH")), cmd);
    }
}
