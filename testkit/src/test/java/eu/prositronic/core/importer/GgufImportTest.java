package eu.prositronic.core.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.CatalogLoader;
import eu.prositronic.core.catalog.CatalogLoader.CatalogFile;
import eu.prositronic.core.catalog.LayerKind;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.fit.WeightModel;
import eu.prositronic.core.ggml.GgmlType;
import eu.prositronic.core.gguf.GgufReader;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.testkit.GgufWriter;
import eu.prositronic.testkit.SyntheticGguf;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prositronic:import against GGUFs written by the tests, from disk and from a local HTTP server with range support. */
class GgufImportTest {
    @TempDir
    Path dir;

    Path gguf;
    HttpServer server;
    final AtomicLong bytesServed = new AtomicLong();
    volatile boolean honourRanges = true;

    @BeforeEach
    void writeModel() throws Exception {
        // the 0.8B at Q4_0: a local import hashes the whole file; its 0.45 GB hash fast (the 4B at Q8_0 took ten
        // seconds)
        gguf = dir.resolve("Qwen3.5-0.8B-Q4_0.gguf");
        SyntheticGguf.writer(TestSupport.catalog().model("qwen3-5-0-8b").orElseThrow(), GgmlType.Q4_0)
                .write(gguf);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void importsALocalFileIntoAnEntryTheFitEngineAccepts() throws Exception {
        GgufImporter.Imported imported =
                GgufImporter.importFrom(gguf.toString(), Optional.of("my-qwen"), Optional.of("me/my-qwen-GGUF"));
        assertThat(imported.quant()).isEqualTo("Q4_0");
        assertThat(imported.sizeBytes()).isEqualTo(Files.size(gguf));

        Catalog catalog = CatalogLoader.load(
                CatalogLoader.embeddedFiles(),
                List.of(new CatalogFile(dir.resolve("models/my-qwen.yaml"), "models/my-qwen.yaml", imported.yaml())));
        ModelSpec m = catalog.model("my-qwen").orElseThrow();
        ModelSpec reference = catalog.model("qwen3-5-0-8b").orElseThrow();
        assertThat(m.architecture().blockCount()).isEqualTo(24);
        assertThat(m.architecture().attention().layerPattern())
                .isEqualTo(reference.architecture().attention().layerPattern());
        assertThat(m.architecture().ssm()).isEqualTo(reference.architecture().ssm());
        assertThat(m.architecture().tiedEmbeddings()).isTrue();
        assertThat(m.parametersTotal()).isEqualTo(WeightModel.totalParams(reference.architecture()));

        // the fit engine uses the exact tensor table: the blocks add up to the tensor bytes
        var q = m.quant("Q4_0").orElseThrow();
        assertThat(q.tensors()).isPresent();
        WeightModel w = WeightModel.of(m.architecture(), q);
        long tensorBytes = GgufReader.read(gguf).tensorBytes();
        assertThat(w.tokenEmbedding().value()
                        + w.blocksTotal().value()
                        + w.output().value()
                        - w.tokenEmbedding().value())
                .as("blocks + output (duplicated embedding) = all tensors")
                .isEqualTo(tensorBytes);

        try (var schema = getClass()
                .getClassLoader()
                .getResourceAsStream(CatalogLoader.RESOURCE_ROOT + "schema/model.schema.json")) {
            var errors = com.networknt.schema.JsonSchemaFactory.getInstance(
                            com.networknt.schema.SpecVersion.VersionFlag.V202012)
                    .getSchema(schema)
                    .validate(new com.fasterxml.jackson.databind.ObjectMapper(
                                    new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                            .readTree(imported.yaml()));
            assertThat(errors).as("the entry follows the catalog schema").isEmpty();
        }

        assertThat(m)
                .as("the written entry loads back into the imported records")
                .isEqualTo(imported.entry().spec());

        Path written = GgufImporter.write(imported, dir.resolve("catalog"));
        assertThat(written).hasFileName("my-qwen.yaml");
        assertThatThrownBy(() -> GgufImporter.write(imported, dir.resolve("catalog")))
                .hasMessageContaining("already exists")
                .hasMessageContaining("the model id setting");
        assertThatThrownBy(() -> GgufImporter.write(imported, dir.resolve("catalog"), s -> "--" + s.name()))
                .hasMessageEndingWith("choose another id with --MODEL_ID");
    }

    @Test
    void readsOnlyTheHeaderOfARemoteFile() throws Exception {
        String url = serve();
        GgufImporter.Imported imported = GgufImporter.importFrom(url, Optional.empty(), Optional.of("me/repo"));
        assertThat(imported.sizeBytes()).isEqualTo(Files.size(gguf));
        assertThat(imported.requests()).isPositive();
        assertThat(bytesServed.get()).as("header only").isLessThan(Files.size(gguf) / 100);
        assertThat(imported.yaml()).contains("ggufArchitecture: qwen35").contains("sizeBytes: " + Files.size(gguf));
    }

    @Test
    void aLocalFileGetsItsSha256ButNoRevision() throws Exception {
        Path small = small("Qwen3.5-0.8B-Q4_0.gguf");
        GgufImporter.Imported imported = GgufImporter.importFrom(small.toString(), Optional.empty(), Optional.empty());
        ModelSpec.QuantFile q = imported.entry().spec().quantizations().get(0);
        assertThat(q.sha256()).hasValue(GgufImporter.sha256(small));
        assertThat(q.revision()).isEmpty();
        assertThat(q.verified()).as("no revision: not from a hub").isFalse();
    }

    @Test
    void aSplitFileAtARevisionOfTheHubGetsItsRevisionAndEveryShardsBytesAndSha256() throws Exception {
        String rev = "0123456789abcdef0123456789abcdef01234567";
        Path first = small("Qwen3.5-0.8B-Q4_0-00001-of-00002.gguf");
        Path second = dir.resolve("Qwen3.5-0.8B-Q4_0-00002-of-00002.gguf");
        Files.write(second, new byte[12_345]);
        String base = serveHub(rev, first, second);
        GgufImporter.Imported imported = GgufImporter.importFrom(
                base + "/me/my-qwen-GGUF/resolve/" + rev + "/Q4_0/" + first.getFileName(),
                Optional.of("my-qwen"),
                Optional.empty());
        ModelSpec.QuantFile q = imported.entry().spec().quantizations().get(0);
        assertThat(q.repo()).isEqualTo("me/my-qwen-GGUF");
        assertThat(q.file()).isEqualTo("Q4_0/" + first.getFileName());
        assertThat(q.revision()).hasValue(rev);
        assertThat(q.sha256()).as("a split file has one hash per shard").isEmpty();
        assertThat(q.shards())
                .containsExactly(
                        new ModelSpec.Shard(
                                "Q4_0/" + first.getFileName(),
                                eu.prositronic.core.units.Bytes.of(Files.size(first)),
                                Optional.of(GgufImporter.sha256(first))),
                        new ModelSpec.Shard(
                                "Q4_0/" + second.getFileName(),
                                eu.prositronic.core.units.Bytes.of(12_345),
                                Optional.of(GgufImporter.sha256(second))));
        assertThat(q.size().value()).isEqualTo(Files.size(first) + 12_345);
        assertThat(q.verified()).isTrue();
        assertThat(q.source()).isEqualTo(base + "/me/my-qwen-GGUF/blob/" + rev + "/Q4_0/" + first.getFileName());

        Catalog catalog = CatalogLoader.load(
                CatalogLoader.embeddedFiles(),
                List.of(new CatalogFile(dir.resolve("models/my-qwen.yaml"), "models/my-qwen.yaml", imported.yaml())));
        assertThat(catalog.model("my-qwen"))
                .as("the entry loads back exactly")
                .contains(imported.entry().spec());
    }

    @Test
    void aServerWithoutTheHubsHeadersGivesAnUnverifiedEntry() throws Exception {
        String url = serve();
        GgufImporter.Imported imported = GgufImporter.importFrom(url, Optional.empty(), Optional.of("me/repo"));
        ModelSpec.QuantFile q = imported.entry().spec().quantizations().get(0);
        assertThat(q.verified()).isFalse();
        assertThat(q.source()).startsWith("unverified: imported from " + url).contains("no revision, no sha256");
    }

    /** A small synthetic GGUF (the 0.8B at Q4_0), for the tests that hash whole files. */
    Path small(String name) throws Exception {
        Path p = dir.resolve(name);
        SyntheticGguf.writer(TestSupport.catalog().model("qwen3-5-0-8b").orElseThrow(), GgmlType.Q4_0)
                .write(p);
        return p;
    }

    /**
     * The hub's answer to {@code /<repo>/resolve/<rev>/<folder>/<file>}: ranges with Content-Range, and the headers
     * huggingface.co sends for an LFS file ({@code X-Repo-Commit}, {@code X-Linked-Etag} = the sha256).
     */
    String serveHub(String rev, Path... files) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Pattern range = Pattern.compile("bytes=(\\d+)-(\\d*)");
        java.util.Map<String, String> hashes = new java.util.HashMap<>();
        for (Path f : files) {
            hashes.put(f.getFileName().toString(), GgufImporter.sha256(f));
        }
        server.createContext("/me/my-qwen-GGUF/resolve/" + rev + "/Q4_0/", exchange -> {
            String name = exchange.getRequestURI().getPath().replaceFirst(".*/", "");
            Path file = dir.resolve(name);
            long size = Files.size(file);
            Matcher m = range.matcher(exchange.getRequestHeaders().getFirst("Range"));
            m.matches();
            long start = Long.parseLong(m.group(1));
            long end = Math.min(size - 1, Long.parseLong(m.group(2)));
            byte[] body = new byte[(int) (end - start + 1)];
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                f.seek(start);
                f.readFully(body);
            }
            exchange.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + end + "/" + size);
            exchange.getResponseHeaders().add("X-Repo-Commit", rev);
            exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + hashes.get(name) + "\"");
            exchange.sendResponseHeaders(206, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void refusesAServerWithoutRangeSupportInsteadOfDownloadingEverything() throws Exception {
        honourRanges = false;
        String url = serve();
        assertThatThrownBy(() -> GgufImporter.importFrom(url, Optional.empty(), Optional.empty()))
                .isInstanceOf(ProsiException.class)
                .hasMessageContaining("does not answer range requests")
                .hasMessageContaining("import the local path");
    }

    @Test
    void aTruncatedOrForeignFileGetsAClearError() throws Exception {
        Path truncated = dir.resolve("cut.gguf");
        try (RandomAccessFile f = new RandomAccessFile(truncated.toFile(), "rw")) {
            byte[] head = new byte[4000];
            try (var in = Files.newInputStream(gguf)) {
                in.readNBytes(head, 0, head.length);
            }
            f.write(head);
        }
        assertThatThrownBy(() -> GgufImporter.importFrom(truncated.toString(), Optional.empty(), Optional.empty()))
                .isInstanceOf(ProsiException.class)
                .hasMessageContaining("is not a valid GGUF file")
                .hasMessageContaining("truncated");
        Path text = dir.resolve("readme.gguf");
        Files.writeString(text, "hello, this is not a model");
        assertThatThrownBy(() -> GgufImporter.importFrom(text.toString(), Optional.empty(), Optional.empty()))
                .hasMessageContaining("bad magic");
        assertThatThrownBy(() -> GgufImporter.importFrom(
                        dir.resolve("nope.gguf").toString(), Optional.empty(), Optional.empty()))
                .hasMessageContaining("no GGUF file at");
    }

    @Test
    void cohere2SlidesInThreeBlocksOfFourAsLlamaCppSetsIt() throws Exception {
        // llama_load_hparams_cohere2: hparams.set_swa_pattern(4), so il % 4 < 3 slides (src/llama-model.cpp)
        Path file = dir.resolve("c4ai-command-r7b-Q8_0.gguf");
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "cohere2")
                .putUint32("cohere2.block_count", 8)
                .putUint32("cohere2.embedding_length", 64)
                .putUint32("cohere2.attention.head_count", 2)
                .putUint32("cohere2.attention.sliding_window", 4096)
                .putUint32("cohere2.vocab_size", 32);
        w.addTensor("token_embd.weight", GgmlType.Q8_0, 64, 32);
        for (int il = 0; il < 8; il++) {
            w.addTensor("blk." + il + ".attn_q.weight", GgmlType.Q8_0, 64, 64);
        }
        w.write(file);
        GgufImporter.Imported imported =
                GgufImporter.importFrom(file.toString(), Optional.of("command-r7b"), Optional.empty());
        Catalog catalog = CatalogLoader.load(
                CatalogLoader.embeddedFiles(),
                List.of(new CatalogFile(
                        dir.resolve("models/command-r7b.yaml"), "models/command-r7b.yaml", imported.yaml())));
        assertThat(catalog.model("command-r7b")
                        .orElseThrow()
                        .architecture()
                        .attention()
                        .layerPattern())
                .containsExactly(LayerKind.SLIDING, LayerKind.SLIDING, LayerKind.SLIDING, LayerKind.FULL);
    }

    @Test
    void slidingBlocksFollowTheHardCodedPatternsOfLlamaCpp() {
        assertThat(kinds("gemma2", 4, 0)).isEqualTo("SFSF");
        assertThat(kinds("gpt-oss", 4, 128)).isEqualTo("SFSF");
        assertThat(kinds("cohere2", 8, 4096)).isEqualTo("SSSFSSSF");
        assertThat(kinds("gemma3n", 10, 512)).isEqualTo("SSSSFSSSSF");
        assertThat(kinds("gemma3", 12, 1024)).isEqualTo("SSSSSFSSSSSF");
        assertThat(kinds("mistral", 3, 4096))
                .as("a window without a pattern: every block")
                .isEqualTo("SSS");
        assertThat(kinds("llama", 3, 0)).isEqualTo("FFF");
    }

    private static String kinds(String arch, int blocks, long window) {
        StringBuilder out = new StringBuilder();
        for (int il = 0; il < blocks; il++) {
            out.append(GgufImporter.sliding(arch, il, window) ? 'S' : 'F');
        }
        return out.toString();
    }

    /** A real HTTP server on loopback that answers {@code Range: bytes=a-b} with 206 and Content-Range. */
    String serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        long size = Files.size(gguf);
        Pattern range = Pattern.compile("bytes=(\\d+)-(\\d*)");
        server.createContext("/models/", exchange -> {
            String header = exchange.getRequestHeaders().getFirst("Range");
            Matcher m = header == null ? null : range.matcher(header);
            try (RandomAccessFile f = new RandomAccessFile(gguf.toFile(), "r")) {
                if (honourRanges && m != null && m.matches()) {
                    long start = Long.parseLong(m.group(1));
                    long end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                    byte[] body = new byte[(int) (end - start + 1)];
                    f.seek(start);
                    f.readFully(body);
                    exchange.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + end + "/" + size);
                    exchange.sendResponseHeaders(206, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                    bytesServed.addAndGet(body.length);
                } else {
                    exchange.sendResponseHeaders(200, 16);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(new byte[16]);
                    }
                }
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/models/" + gguf.getFileName();
    }
}
