package eu.prositronic.core.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns a folder of collected {@code verify/<deployment>.json} files (from the verify playbook or helm test, any
 * number of nodes) into Markdown: one table per llama.cpp build and backend, one row per deployment, device and
 * measured part, sorted, so the same files give the same page ({@code docs/fit-engine.md}, "Accuracy on real
 * hardware"). {@code java -cp … eu.prositronic.core.verify.Accuracy DIR [OUT.md]}.
 */
public final class Accuracy {
    private Accuracy() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Accuracy VERIFY_DIR [OUT.md]");
            System.exit(2);
        }
        String md;
        try {
            md = markdown(Path.of(args[0]));
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (args.length == 2) {
            Files.writeString(Path.of(args[1]), md, StandardCharsets.UTF_8);
        } else {
            System.out.print(md);
        }
    }

    public static String markdown(Path dir) throws IOException {
        List<Path> files;
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": no such folder of verify files");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        ObjectMapper mapper = new ObjectMapper();
        Map<String, List<String>> tables = new TreeMap<>();
        Map<String, int[]> counts = new TreeMap<>();
        for (Path f : files) {
            JsonNode r;
            try {
                r = mapper.readTree(f.toFile());
            } catch (IOException e) {
                throw new IOException(f + ": not a verify file ("
                        + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            if (!r.has("devices") || !r.has("deployment")) {
                throw new IOException(f + ": not a verify file (no `deployment` and `devices`)");
            }
            String key = "llama.cpp " + r.path("build").asText() + ", backend "
                    + r.path("backend").asText();
            for (JsonNode d : r.path("devices")) {
                for (JsonNode p : d.path("parts")) {
                    if (p.path("measuredBytes").isNull()
                            || p.path("measuredBytes").isMissingNode()) {
                        continue;
                    }
                    String pct = p.path("differencePercent").isNull()
                            ? "–"
                            : String.format(
                                    Locale.ROOT,
                                    "%+.2f %%",
                                    p.path("differencePercent").asDouble());
                    tables.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(String.format(
                                    Locale.ROOT,
                                    "| %s | %s | %s | %s | %.2f | %.2f | %s | %s |",
                                    r.path("deployment").asText(),
                                    r.path("model").asText() + " "
                                            + r.path("quant").asText(),
                                    d.path("id").asText(),
                                    p.path("part").asText(),
                                    p.path("planBytes").asLong() / 1048576.0,
                                    p.path("measuredBytes").asLong() / 1048576.0,
                                    pct,
                                    p.path("result").asText()));
                    int[] c = counts.computeIfAbsent(key, k -> new int[2]);
                    c[0]++;
                    if ("pass".equals(p.path("result").asText())) {
                        c[1]++;
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        if (tables.isEmpty()) {
            sb.append("No measured parts in ").append(files.size()).append(" verify file(s).\n");
        }
        for (var e : tables.entrySet()) {
            int[] c = counts.get(e.getKey());
            sb.append("### ").append(e.getKey()).append("\n\n");
            sb.append(c[1])
                    .append(" of ")
                    .append(c[0])
                    .append(" parts within tolerance (3 % or 256 MiB, whichever is larger).\n\n");
            sb.append("| deployment | model | device | part | plan MiB | measured MiB | difference | result |\n");
            sb.append("| --- | --- | --- | --- | ---: | ---: | ---: | --- |\n");
            e.getValue().stream().sorted().forEach(row -> sb.append(row).append('\n'));
            sb.append('\n');
        }
        return sb.toString();
    }
}
