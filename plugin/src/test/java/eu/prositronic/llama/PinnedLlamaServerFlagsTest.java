package eu.prositronic.llama;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.TestSupport;
import eu.prositronic.core.emit.ServerArgs;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.tools.ExternalTool;
import eu.prositronic.tools.GeneratedExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every flag a generated command line passes, and every value the chart's schema allows for an enumerated flag, exists
 * in llama-server at the pinned llama.cpp: its {@code common/arg.cpp} is read from the source that node-llama-cpp
 * bundles ({@code node_modules/node-llama-cpp/llama/gitRelease.bundle}, the release of {@code llama.cpp.info.json}), so a
 * pin bump re-checks them. A flag removed upstream ({@code --no-mmap}, PR #28334) fails here, not in a crash-looping
 * pod.
 */
@Tag("tool") // reads the bundled llama.cpp source with git
class PinnedLlamaServerFlagsTest {
    @TempDir
    static Path out;

    /** A server option of arg.cpp: its spellings and the text of its declaration (for its accepted values). */
    record Option(Set<String> flags, String block) {}

    static String commit;
    static Map<String, Option> server;

    @BeforeAll
    static void readArgCpp() throws Exception {
        Path bundle = TestSupport.repoRoot()
                .resolve("tools/llama-measure/node_modules/node-llama-cpp/llama/gitRelease.bundle");
        assertThat(bundle)
                .as("node-llama-cpp's llama.cpp source bundle; run scripts/install-test-tools.sh")
                .isRegularFile();
        Path repo = out.resolve("llama.cpp.git");
        ExternalTool.Run clone =
                ExternalTool.run(out, "git", "clone", "-q", "--bare", bundle.toString(), repo.toString());
        assertThat(clone.exitCode()).as(clone.output()).isZero();
        commit = ExternalTool.run(out, "git", "--git-dir", repo.toString(), "rev-parse", "HEAD")
                .output()
                .trim();
        ExternalTool.Run show =
                ExternalTool.run(out, "git", "--git-dir", repo.toString(), "show", "HEAD:common/arg.cpp");
        assertThat(show.exitCode()).as(show.output()).isZero();
        server = serverOptions(show.output());
        assertThat(server).as("options parsed from common/arg.cpp at " + commit).hasSizeGreaterThan(100);
    }

    private static final Pattern QUOTED = Pattern.compile("\"(-[^\"]+)\"");
    private static final Pattern FLAG_LISTS =
            Pattern.compile("^\\s*\\{([^{}]*)\\}(?:\\s*,\\s*\\{(\\s*\"-[^{}]*)\\})?", Pattern.DOTALL);
    private static final Pattern EXAMPLES = Pattern.compile("\\.set_examples\\(\\{([^}]*)\\}\\)");
    private static final Pattern EXCLUDES = Pattern.compile("\\.set_excludes\\(\\{([^}]*)\\}\\)");

    /**
     * The options llama-server gets: those of {@code LLAMA_EXAMPLE_SERVER} or {@code LLAMA_EXAMPLE_COMMON} that are not
     * excluded from the server (arg.cpp's {@code add_opt}: "all examples inherit options from LLAMA_EXAMPLE_COMMON").
     */
    static Map<String, Option> serverOptions(String argCpp) {
        Map<String, Option> options = new HashMap<>();
        String[] blocks = argCpp.split("add_opt\\(common_arg\\(");
        for (int i = 1; i < blocks.length; i++) {
            String block = blocks[i];
            Matcher lists = FLAG_LISTS.matcher(block);
            if (!lists.find()) {
                continue;
            }
            Set<String> flags = new LinkedHashSet<>();
            for (int g = 1; g <= 2; g++) {
                if (lists.group(g) != null) {
                    Matcher q = QUOTED.matcher(lists.group(g));
                    while (q.find()) {
                        flags.add(q.group(1));
                    }
                }
            }
            Matcher ex = EXAMPLES.matcher(block);
            boolean forServer = !ex.find()
                    || ex.group(1).contains("LLAMA_EXAMPLE_SERVER")
                    || ex.group(1).contains("LLAMA_EXAMPLE_COMMON");
            Matcher exc = EXCLUDES.matcher(block);
            if (exc.find() && exc.group(1).contains("LLAMA_EXAMPLE_SERVER")) {
                forServer = false;
            }
            if (forServer) {
                Option o = new Option(flags, block);
                flags.forEach(f -> options.put(f, o));
            }
        }
        return options;
    }

    static List<String> flagsOf(List<String> commandLine) {
        return commandLine.stream().filter(a -> a.startsWith("--")).toList();
    }

    @Test
    void theRemovedAndDeprecatedFlagsAreGoneFromThePin() {
        assertThat(server)
                .as("llama.cpp PR #28334 removed --no-mmap at " + commit)
                .doesNotContainKeys("--no-mmap", "--mlock");
        assertThat(server).containsKeys("--load-mode", "--reasoning");
        assertThat(server.get("--chat-template-kwargs").block())
                .as("enable_thinking in --chat-template-kwargs is deprecated at the pin")
                .contains("deprecated")
                .contains("--reasoning");
    }

    @Test
    void theSpeculativeTypeThePlanPassesIsOneThePinKnows() throws Exception {
        Path repo = out.resolve("llama.cpp.git");
        ExternalTool.Run show =
                ExternalTool.run(out, "git", "--git-dir", repo.toString(), "show", "HEAD:common/speculative.cpp");
        assertThat(show.exitCode()).as(show.output()).isZero();
        // common_speculative_type_from_name's table: {"draft-simple", COMMON_SPECULATIVE_TYPE_DRAFT_SIMPLE}
        assertThat(show.output()).containsPattern("\\{\"draft-simple\",\\s+COMMON_SPECULATIVE_TYPE_DRAFT_SIMPLE\\}");
        assertThat(server.get("--spec-type").block()).contains("common_speculative_types_from_names");
    }

    @Test
    void everyFlagOfEveryGeneratedCommandLineExistsAtThePin() throws Exception {
        GeneratedExample.Output example = GeneratedExample.writeTo(out.resolve("prositronic"));
        Set<String> used = new LinkedHashSet<>();
        for (DeploymentPlan p : example.plan().deployments()) {
            used.addAll(flagsOf(ServerArgs.of(p)));
            used.addAll(flagsOf(GeneratedExample.commandLine(p))); // the systemd unit and plan.json
            used.addAll(flagsOf(GeneratedExample.chartCommandLine(p)));
        }
        // the chart's own flags, with every optional one switched on, in both model source modes
        Path chart = TestSupport.repoRoot().resolve("charts/llama-server");
        for (String mode : List.of("download", "hf")) {
            ExternalTool.Run r = ExternalTool.run(
                    out,
                    "helm",
                    "template",
                    "r",
                    chart.toString(),
                    "-f",
                    chart.resolve("ci/full.yaml").toString(),
                    "--set",
                    "model.source.mode=" + mode
                            + ",server.nCpuMoe=2,server.tensorSplit={1},server.mmprojOffload=false");
            assertThat(r.exitCode()).as(r.output()).isZero();
            for (JsonNode doc : documents(r.output())) {
                if (doc.path("kind").asText().equals("Deployment")) {
                    List<String> args = new ArrayList<>();
                    doc.at("/spec/template/spec/containers/0/args").forEach(a -> args.add(a.asText()));
                    used.addAll(flagsOf(args));
                }
            }
        }
        assertThat(used).contains("--model", "--hf-repo", "--load-mode", "--reasoning", "--api-key-file", "--threads");
        assertThat(used).contains("--mmproj", "--mmproj-url", "--no-mmproj", "--no-mmproj-offload");
        assertThat(used)
                .contains(
                        "--spec-type",
                        "--spec-draft-model",
                        "--spec-draft-hf",
                        "--spec-draft-n-max",
                        "--spec-draft-ngl",
                        "--spec-draft-type-k",
                        "--spec-draft-type-v");
        List<String> missing = used.stream().filter(f -> !server.containsKey(f)).toList();
        assertThat(missing)
                .as("flags that llama-server at llama.cpp " + commit + " does not accept")
                .isEmpty();
    }

    @Test
    void everyValueTheSchemaAllowsForAnEnumeratedFlagIsAcceptedAtThePin() throws Exception {
        JsonNode schema = new ObjectMapper()
                .readTree(TestSupport.repoRoot()
                        .resolve("charts/llama-server/values.schema.json")
                        .toFile());
        JsonNode props = schema.at("/properties/server/properties");
        for (JsonNode v : props.at("/loadMode/enum")) {
            if (!v.asText().isEmpty()) {
                assertThat(server.get("--load-mode").block())
                        .as("--load-mode " + v.asText())
                        .contains("value == \"" + v.asText() + "\"");
            }
        }
        for (String flag : List.of("--reasoning", "--flash-attn")) {
            String key = flag.equals("--reasoning") ? "reasoning" : "flashAttn";
            for (JsonNode v : props.at("/" + key + "/enum")) {
                String value = v.asText();
                if (value.isEmpty()) {
                    continue;
                }
                String check =
                        switch (value) {
                            case "on" -> "is_truthy(value)";
                            case "off" -> "is_falsey(value)";
                            case "auto" -> "is_autoy(value)";
                            default -> "value == \"" + value + "\"";
                        };
                assertThat(server.get(flag).block()).as(flag + " " + value).contains(check);
            }
        }
        String argCpp = server.get("--cache-type-k").block();
        assertThat(argCpp).contains("kv_cache_type_from_str");
        Set<String> kvTypes = kvCacheTypes();
        for (String key : List.of("cacheTypeK", "cacheTypeV")) {
            for (JsonNode v : props.at("/" + key + "/enum")) {
                assertThat(kvTypes).as(key + " " + v.asText()).contains(v.asText());
            }
        }
    }

    /** The names of arg.cpp's {@code kv_cache_types} ({@code GGML_TYPE_Q8_0} is {@code q8_0}). */
    static Set<String> kvCacheTypes() throws Exception {
        Path repo = out.resolve("llama.cpp.git");
        String argCpp = ExternalTool.run(out, "git", "--git-dir", repo.toString(), "show", "HEAD:common/arg.cpp")
                .output();
        Matcher list = Pattern.compile("kv_cache_types = \\{([^}]*)\\}").matcher(argCpp);
        assertThat(list.find()).isTrue();
        Set<String> types = new LinkedHashSet<>();
        Matcher t = Pattern.compile("GGML_TYPE_([A-Z0-9_]+)").matcher(list.group(1));
        while (t.find()) {
            types.add(t.group(1).toLowerCase(Locale.ROOT));
        }
        return types;
    }

    static List<JsonNode> documents(String yaml) throws Exception {
        var mapper = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new com.fasterxml.jackson.dataformat.yaml.YAMLFactory().createParser(yaml)) {
            var it = mapper.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isEmpty()) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }

    @Test
    void theBundleIsThePinnedRelease() throws Exception {
        JsonNode info = new ObjectMapper()
                .readTree(Files.readString(TestSupport.repoRoot()
                        .resolve("tools/llama-measure/node_modules/node-llama-cpp/llama/llama.cpp.info.json")));
        assertThat(info.path("llamaCppGithubRepo").asText()).isEqualTo("ggml-org/llama.cpp");
        assertThat(commit).matches("[0-9a-f]{40}");
        System.out.println("llama.cpp " + info.path("tag").asText() + " at " + commit + ": " + server.size()
                + " server flags in common/arg.cpp");
    }
}
