package eu.prositronic.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import eu.prositronic.TestSupport;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.emit.report.CatalogSite;
import eu.prositronic.core.write.OutputWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real headless Chromium (Debian's {@code chromium}) opens the fleet report's index and a deployment page, and the
 * catalog site's index, a catalog page (with its FAQ) and the search page, served over HTTP from a local server, at
 * phone width (390 px) and at desktop width; each page must load without a console error, an uncaught exception or a
 * failed request, show text, and not scroll sideways on the phone; in dark mode it is dark, printed it is on white
 * without its navigation. Screenshots go to {@code plugin/target/browser/} (test output). Driven over the DevTools
 * protocol with the JDK's own WebSocket client. Fails (never skips) when Chromium is missing.
 */
@Tag("tool")
class BrowserTest {
    static final Path SHOTS = TestSupport.repoRoot().resolve("plugin/target/browser");
    static final ObjectMapper JSON = new ObjectMapper();
    static HttpServer server;
    static Process chromium;
    static Path root;
    static String devtools;

    @BeforeAll
    static void serveAndLaunch() throws Exception {
        root = Files.createTempDirectory("prositronic-browser");
        GeneratedExample.writeTo(root.resolve("fleet"));
        Catalog all = TestSupport.catalog();
        Map<String, ModelSpec> models = new TreeMap<>();
        for (String id : List.of("qwen3-5-4b", "qwen3-5-27b", "gpt-oss-20b")) {
            models.put(id, all.model(id).orElseThrow());
        }
        OutputWriter.write(
                new CatalogSite(
                                new Catalog(models, all.hardware(), all.images()),
                                "https://models.example.org",
                                Optional.empty())
                        .generate(),
                root.resolve("site"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1))
                    .normalize();
            boolean ok = file.startsWith(root) && Files.isRegularFile(file);
            byte[] body = ok ? Files.readAllBytes(file) : "not found".getBytes(StandardCharsets.UTF_8);
            String name = file.getFileName() == null ? "" : file.getFileName().toString();
            exchange.getResponseHeaders()
                    .set(
                            "Content-Type",
                            name.endsWith(".html")
                                    ? "text/html; charset=utf-8"
                                    : name.endsWith(".json")
                                            ? "application/json"
                                            : name.endsWith(".svg") ? "image/svg+xml" : "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(ok ? 200 : 404, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        Path chrome = ExternalTool.find("chromium");
        Path profile = Files.createTempDirectory("prositronic-chromium");
        chromium = new ProcessBuilder(
                        chrome.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--no-first-run",
                        "--hide-scrollbars",
                        "--remote-debugging-port=0",
                        "--user-data-dir=" + profile,
                        "about:blank")
                .redirectErrorStream(true)
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(chromium.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
            int at = line.indexOf("ws://");
            if (line.contains("DevTools listening on") && at >= 0) {
                devtools = URI.create(line.substring(at)).getAuthority();
                break;
            }
        }
        assertThat(devtools).as("Chromium's DevTools address").isNotNull();
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (IOException e) {
                // Chromium ended
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.destroy();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void theFleetIndex() throws Exception {
        check("fleet/report/index.html", "report-index", "Fleet");
    }

    @Test
    void aDeploymentPage() throws Exception {
        check("fleet/report/chat.html", "report-deployment", "Hardware requirements");
    }

    /** A catalog page, and its FAQ's table of variants (computed fits) at phone width and on the desktop. */
    @Test
    void aSitePageWithItsFaq() throws Exception {
        String path = "site/models/qwen3-5-27b/q4_k_m/nvidia-rtx3090.html";
        Page phone = check(path, "site-page", "Which other quantizations and contexts fit here?");
        String rows = phone.eval("String(document.querySelectorAll('table.variants tr[data-variant]').length)");
        assertThat(Integer.parseInt(rows)).as("the FAQ's variants").isGreaterThanOrEqualTo(4);
        phone.screenshotFrom(SHOTS.resolve("site-page-faq-phone.png"), "faq", 1400);
        phone.close();
        Page desktop = Page.open(devtools);
        desktop.load("http://127.0.0.1:" + server.getAddress().getPort() + "/" + path, 1000, 900, false);
        desktop.screenshotFrom(SHOTS.resolve("site-page-faq-desktop.png"), "faq", 900);
        desktop.close();
    }

    @Test
    void theSiteIndex() throws Exception {
        check("site/index.html", "site-index", "What fits my hardware");
    }

    @Test
    void theSearchPageFiltersWithItsIndex() throws Exception {
        Page p = check("site/search.html", "site-search", "Search the catalog");
        // the script has loaded search.json: a query on a field only the index holds (an alias) still finds rows
        p.eval("document.getElementById('q').value='qwen3.5:27b'; document.getElementById('q')"
                + ".dispatchEvent(new Event('input')); 0");
        String shown = p.eval("String(document.querySelectorAll('#rows tr:not([hidden])').length - 1)");
        String count = p.eval("document.getElementById('count').textContent");
        assertThat(Integer.parseInt(shown)).isGreaterThan(0).isEqualTo(Integer.parseInt(count));
        String all = p.eval("String(document.querySelectorAll('#rows tr').length - 1)");
        assertThat(Integer.parseInt(shown)).isLessThan(Integer.parseInt(all));
        p.screenshot(SHOTS.resolve("site-search-query-phone.png"), 1400);
        p.close();
    }

    /** Opens a page at phone width, then desktop width; screenshots of both; the checks of the class comment. */
    private Page check(String path, String name, String heading) throws Exception {
        Files.createDirectories(SHOTS);
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
        Page desktop = Page.open(devtools);
        desktop.load(url, 1200, 900, false);
        desktop.screenshot(SHOTS.resolve(name + "-desktop.png"), 2400);
        desktop.assertClean(url);
        desktop.close();
        Page phone = Page.open(devtools);
        phone.load(url, 390, 844, true);
        phone.screenshot(SHOTS.resolve(name + "-phone.png"), 3000);
        phone.assertClean(url);
        phone.send("Emulation.setEmulatedMedia", (ObjectNode)
                JSON.readTree("{\"features\":[{\"name\":\"prefers-color-scheme\",\"value\":\"dark\"}]}"));
        String background = phone.eval("getComputedStyle(document.body).backgroundColor");
        assertThat(background).as(url + " follows dark mode").isNotEqualTo("rgb(255, 255, 255)");
        phone.screenshot(SHOTS.resolve(name + "-phone-dark.png"), 1600);
        phone.send("Emulation.setEmulatedMedia", (ObjectNode)
                JSON.readTree("{\"features\":[{\"name\":\"prefers-color-scheme\",\"value\":\"light\"}]}"));
        phone.send("Emulation.setEmulatedMedia", (ObjectNode) JSON.readTree("{\"media\":\"print\"}"));
        assertThat(phone.eval("String(getComputedStyle(document.body).backgroundColor)"))
                .as(url + " prints on white")
                .isEqualTo("rgb(255, 255, 255)");
        assertThat(phone.eval("String(Array.from(document.querySelectorAll('nav'))"
                        + ".every(n => getComputedStyle(n).display === 'none'))"))
                .as(url + " prints without its navigation")
                .isEqualTo("true");
        phone.send("Emulation.setEmulatedMedia", (ObjectNode) JSON.readTree("{\"media\":\"\"}"));
        String text = phone.eval("document.body.innerText");
        assertThat(text).as(url + " shows text").contains(heading);
        assertThat(text.strip().length()).as(url + " is not blank").isGreaterThan(200);
        int scrollWidth = Integer.parseInt(phone.eval("String(document.documentElement.scrollWidth)"));
        int width = Integer.parseInt(phone.eval("String(window.innerWidth)"));
        assertThat(scrollWidth).as(url + " does not scroll sideways at 390 px").isLessThanOrEqualTo(width);
        return phone;
    }

    /** One tab over the DevTools protocol: commands by id, events recorded. */
    static final class Page implements WebSocket.Listener {
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final List<String> problems = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();
        private WebSocket ws;
        private String targetId;
        private String browser;

        static Page open(String devtools) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            JsonNode target = JSON.readTree(http.send(
                            HttpRequest.newBuilder(URI.create("http://" + devtools + "/json/new?about:blank"))
                                    .PUT(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            Page p = new Page();
            p.browser = devtools;
            p.targetId = target.get("id").asText();
            p.ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create(target.get("webSocketDebuggerUrl").asText()), p)
                    .get(30, TimeUnit.SECONDS);
            for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
                p.send(domain + ".enable", JSON.createObjectNode());
            }
            return p;
        }

        void load(String url, int width, int height, boolean mobile) throws Exception {
            ObjectNode metrics = JSON.createObjectNode()
                    .put("width", width)
                    .put("height", height)
                    .put("deviceScaleFactor", 1)
                    .put("mobile", mobile);
            send("Emulation.setDeviceMetricsOverride", metrics);
            loaded = new CompletableFuture<>();
            send("Page.navigate", JSON.createObjectNode().put("url", url));
            loaded.get(30, TimeUnit.SECONDS);
            Thread.sleep(500); // the search page's fetch of search.json, and late console messages
        }

        /** The page from the top, down to {@code maxHeight} CSS pixels. */
        void screenshot(Path file, int maxHeight) throws Exception {
            ObjectNode params = JSON.createObjectNode().put("format", "png");
            params.put("captureBeyondViewport", true);
            JsonNode size =
                    send("Page.getLayoutMetrics", JSON.createObjectNode()).get("cssContentSize");
            params.putObject("clip")
                    .put("x", 0)
                    .put("y", 0)
                    .put("width", size.get("width").asDouble())
                    .put("height", Math.min(size.get("height").asDouble(), maxHeight))
                    .put("scale", 1);
            Files.write(
                    file,
                    Base64.getDecoder()
                            .decode(send("Page.captureScreenshot", params)
                                    .get("data")
                                    .asText()));
        }

        /** The page from the element with this id down, {@code maxHeight} CSS pixels at most. */
        void screenshotFrom(Path file, String id, int maxHeight) throws Exception {
            double top = Double.parseDouble(eval("String(Math.floor(document.getElementById('" + id
                    + "').getBoundingClientRect().top + window.scrollY))"));
            JsonNode size =
                    send("Page.getLayoutMetrics", JSON.createObjectNode()).get("cssContentSize");
            ObjectNode params = JSON.createObjectNode().put("format", "png");
            params.put("captureBeyondViewport", true);
            params.putObject("clip")
                    .put("x", 0)
                    .put("y", top)
                    .put("width", size.get("width").asDouble())
                    .put("height", Math.min(size.get("height").asDouble() - top, maxHeight))
                    .put("scale", 1);
            Files.write(
                    file,
                    Base64.getDecoder()
                            .decode(send("Page.captureScreenshot", params)
                                    .get("data")
                                    .asText()));
        }

        String eval(String expression) throws Exception {
            JsonNode r = send(
                    "Runtime.evaluate",
                    JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
            assertThat(r.has("exceptionDetails")).as(expression + ": " + r).isFalse();
            return r.get("result").get("value").asText();
        }

        void assertClean(String url) {
            assertThat(problems)
                    .as(url + ": console errors, exceptions and failed requests")
                    .isEmpty();
        }

        void close() throws Exception {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
            HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://" + browser + "/json/close/" + targetId))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
        }

        JsonNode send(String method, ObjectNode params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            pending.put(id, reply);
            ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
            msg.set("params", params);
            ws.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
            JsonNode r = reply.get(60, TimeUnit.SECONDS);
            assertThat(r.has("error")).as(method + ": " + r).isFalse();
            return r.get("result");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    event(JSON.readTree(text));
                } catch (IOException e) {
                    problems.add("unreadable DevTools message: " + e.getMessage());
                }
            }
            webSocket.request(1);
            return null;
        }

        private void event(JsonNode m) {
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                if (f != null) {
                    f.complete(m);
                }
                return;
            }
            String method = m.path("method").asText();
            JsonNode p = m.path("params");
            switch (method) {
                case "Page.loadEventFired" -> loaded.complete(null);
                case "Runtime.consoleAPICalled" -> {
                    String type = p.path("type").asText();
                    if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
                        problems.add("console." + type + ": " + p.path("args"));
                    }
                }
                case "Runtime.exceptionThrown" -> problems.add("exception: " + p.path("exceptionDetails"));
                case "Log.entryAdded" -> {
                    if (p.path("entry").path("level").asText().equals("error")) {
                        problems.add("log: " + p.path("entry").path("text").asText() + " "
                                + p.path("entry").path("url").asText());
                    }
                }
                case "Network.loadingFailed" ->
                    problems.add("request failed: " + p.path("errorText").asText());
                case "Network.responseReceived" -> {
                    int status = p.path("response").path("status").asInt();
                    if (status >= 400) {
                        problems.add("HTTP " + status + ": "
                                + p.path("response").path("url").asText());
                    }
                }
                default -> {}
            }
        }
    }
}
