package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import eu.prositronic.core.emit.ServerArgs;
import eu.prositronic.core.fit.DeploymentPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Ansible renders the generated collection's {@code llama-server.service.j2} for every deployment of the
 * example and every container engine the role supports, with the role's defaults and vars and the generated host
 * variables; the {@code ExecStart=} of the unit, split and unquoted as systemd does, must run llama-server with exactly
 * the flags of {@link ServerArgs#of} after the model source. The facts the role's tasks read from the host (the engine
 * binary, the service account's ids, the device groups) are fixed values here.
 */
@Tag("tool") // drives the real ansible: run by scripts/test, not by a plain mvn test
class SystemdUnitFlagsTest {
    @TempDir
    static Path out;

    static GeneratedExample.Output example;

    static Path ansible;

    static Path role;

    @BeforeAll
    static void generate() throws Exception {
        example = GeneratedExample.writeSystemdServedTo(out.resolve("prositronic"));
        ansible = example.dir().resolve("ansible");
        role = ansible.resolve("ansible_collections/prositronic/infra/roles/llama_server");
    }

    /** The engines of the role's {@code llama_server_device_args}: each one the role accepts gets its unit checked. */
    static List<String> engines() throws Exception {
        JsonNode defaults = new ObjectMapper(new YAMLFactory())
                .readTree(role.resolve("defaults/main.yml").toFile());
        List<String> engines = new ArrayList<>();
        defaults.path("llama_server_device_args").fieldNames().forEachRemaining(engines::add);
        return engines;
    }

    @TestFactory
    Stream<DynamicTest> everyUnitRunsExactlyThePlannedFlags() throws Exception {
        List<String> engines = engines();
        assertThat(engines).contains("docker", "podman");
        assertThat(example.plan().deployments()).isNotEmpty();
        List<DynamicTest> tests = new ArrayList<>();
        for (String engine : engines) {
            for (DeploymentPlan p : example.plan().deployments()) {
                tests.add(DynamicTest.dynamicTest(p.name() + " with " + engine, () -> {
                    String unit = render(p, engine);
                    List<String> argv = execStart(unit, "llama-server-" + p.name() + ".service");
                    assertThat(argv).as(unit).startsWith("/usr/bin/" + engine, "run");
                    int image = argv.indexOf(p.image().reference());
                    assertThat(image).as("the image in\n" + unit).isPositive();
                    assertThat(argv.subList(image + 1, argv.size()))
                            .as(p.name() + " with " + engine + ": what the unit passes to llama-server\n" + unit)
                            .isEqualTo(GeneratedExample.systemdCommandLine(p));
                }));
            }
        }
        return tests.stream();
    }

    /** The unit as the role's template task writes it for one deployment on its node. */
    private static String render(DeploymentPlan p, String engine) throws Exception {
        return render(out, ansible, p, engine, Map.of());
    }

    /**
     * The unit as the role's template task writes it for one deployment on its node, from the generated collection in
     * {@code ansible}, with {@code vars} over the generated host variables (e.g. an API key).
     */
    public static String render(Path out, Path ansible, DeploymentPlan p, String engine, Map<String, Object> vars)
            throws Exception {
        Path role = ansible.resolve("ansible_collections/prositronic/infra/roles/llama_server");
        Path dest = out.resolve("units/" + engine + "/llama-server-" + p.name() + ".service");
        Files.createDirectories(dest.getParent());
        Path hostVars = ansible.resolve("host_vars/" + p.node().name() + ".yml");
        assertThat(hostVars).isRegularFile();
        // the loop variable of the template task, taken from the generated host variables as Ansible loads them
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put(
                "llama_server_instance",
                "{{ llama_server_instances | selectattr('name', 'equalto', '" + p.name() + "') | first }}");
        facts.put("llama_server_container_engine", engine);
        // what tasks/preflight.yml and tasks/configure.yml record from the host
        facts.put("__llama_server_engine_binary", "/usr/bin/" + engine);
        facts.put("__llama_server_container_user", "990:990");
        facts.put("__llama_server_device_gids", List.of("44", "992"));
        facts.putAll(vars);
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
                // later -e files win: host variables over the role's defaults, as in a play
                "-e",
                "@" + role.resolve("defaults/main.yml"),
                "-e",
                "@" + role.resolve("vars/main.yml"),
                "-e",
                "@" + hostVars,
                "-e",
                new ObjectMapper().writeValueAsString(facts));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return Files.readString(dest);
    }

    @Test
    void theCommandLineIsReadAsSystemdReadsIt() {
        String unit = String.join(
                "\n",
                "[Unit]",
                "Description=x",
                "[Service]",
                "ExecStartPre=-/bin/false",
                "ExecStart=/usr/bin/podman run \\",
                "    --cidfile=%t/%n.ctr-id \\",
                "# a comment inside a continuation is dropped",
                "    \"a \\\"b\\\" c\" 'd e'f \\",
                "    100%% $$HOME x\\ty",
                "ExecStop=/bin/true");
        assertThat(execStart(unit, "u.service"))
                .containsExactly(
                        "/usr/bin/podman",
                        "run",
                        "--cidfile=/run/u.service.ctr-id",
                        "a \"b\" c",
                        "d ef",
                        "100%",
                        "$HOME",
                        "x\ty");
        assertThatThrownBy(() -> execStart("[Service]\nExecStart=/bin/x %h", "u.service"))
                .hasMessageContaining("%h");
        assertThatThrownBy(() -> execStart("[Service]\nExecStart=/bin/x $HOME", "u.service"))
                .hasMessageContaining("$HOME");
        assertThatThrownBy(() -> execStart("[Service]\nExecStart=/bin/x \"open", "u.service"))
                .hasMessageContaining("unterminated");
    }

    /**
     * The argv of the unit's one {@code ExecStart=}, as systemd builds it: lines ending in {@code \} are joined (comment
     * lines between them dropped), specifiers are expanded ({@code %n} the unit, {@code %t} /run, {@code %%} a
     * percent), the value is split into words with quotes and C escapes removed, and {@code $$} becomes {@code $}. Any
     * other specifier or {@code $} fails: systemd would replace it with something the template did not mean.
     */
    public static List<String> execStart(String unit, String unitName) {
        List<String> values = new ArrayList<>();
        String section = "";
        StringBuilder continued = null;
        for (String raw : unit.split("\n", -1)) {
            String line = raw.strip();
            if (continued != null && (line.startsWith("#") || line.startsWith(";"))) {
                continue;
            }
            if (endsInContinuation(line)) {
                continued = (continued == null ? new StringBuilder() : continued)
                        .append(line, 0, line.length() - 1)
                        .append(' ');
                continue;
            }
            if (continued != null) {
                line = continued.append(line).toString();
                continued = null;
            }
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                section = line;
            } else if (section.equals("[Service]")
                    && line.contains("=")
                    && line.substring(0, line.indexOf('=')).strip().equals("ExecStart")) {
                values.add(line.substring(line.indexOf('=') + 1).strip());
            }
        }
        assertThat(values).as("one ExecStart= in [Service] of\n" + unit).hasSize(1);
        String value = values.get(0);
        // a leading -, @, :, +, ! would change how the command runs, and no such prefix is expected
        assertThat(value).as("ExecStart= starts with an absolute path").startsWith("/");
        List<String> argv = new ArrayList<>();
        for (String word : words(specifiers(value, unitName))) {
            argv.add(environment(word));
        }
        return argv;
    }

    private static boolean endsInContinuation(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static String specifiers(String value, String unitName) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                b.append(c);
                continue;
            }
            char s = i + 1 < value.length() ? value.charAt(++i) : ' ';
            switch (s) {
                case '%' -> b.append('%');
                case 'n' -> b.append(unitName);
                case 't' -> b.append("/run");
                default -> fail("systemd would expand the specifier %" + s + " in " + value);
            }
        }
        return b.toString();
    }

    /** systemd's extract_first_word with EXTRACT_UNQUOTE and EXTRACT_CUNESCAPE, word after word. */
    private static List<String> words(String value) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                if (i + 1 >= value.length()) {
                    fail("a trailing backslash in " + value);
                }
                word = word == null ? new StringBuilder() : word;
                char e = value.charAt(++i);
                switch (e) {
                    case '\\', '"', '\'', ' ' -> word.append(e);
                    case 'n' -> word.append('\n');
                    case 't' -> word.append('\t');
                    case 'r' -> word.append('\r');
                    case 's' -> word.append(' ');
                    default -> fail("an escape the test does not read: \\" + e + " in " + value);
                }
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            fail("an unterminated quote in " + value);
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    private static String environment(String word) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '$') {
                if (i + 1 < word.length() && word.charAt(i + 1) == '$') {
                    i++;
                } else {
                    fail("systemd would substitute an environment variable in " + word);
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
