package eu.prositronic.core.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.prositronic.core.yaml.Serializers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -cp <core jar and its dependencies> eu.prositronic.core.verify.VerifyMain --plan plan.json
 * --deployment NAME --log llama-server.log [--gpu-before smi.csv --gpu-after smi.csv] [--out verify]}: writes
 * {@code <out>/<deployment>.json} and prints one line per compared part. Exit status 0 when every part is within
 * tolerance, 1 when one is not, 2 when an input cannot be read (nothing is written then).
 */
public final class VerifyMain {
    private VerifyMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static final String USAGE = "usage: VerifyMain --plan plan.json --deployment NAME --log llama-server.log"
            + " [--gpu-before smi-before.csv --gpu-after smi-after.csv] [--out verify]";

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path plan = null;
        String name = null;
        Path log = null;
        Path before = null;
        Path after = null;
        Path dir = Path.of("verify");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                err.println("error: " + a + " needs a value\n" + USAGE);
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--plan" -> plan = Path.of(v);
                case "--deployment" -> name = v;
                case "--log" -> log = Path.of(v);
                case "--gpu-before" -> before = Path.of(v);
                case "--gpu-after" -> after = Path.of(v);
                case "--out" -> dir = Path.of(v);
                default -> {
                    err.println("error: unknown option " + a + "\n" + USAGE);
                    return 2;
                }
            }
        }
        if (plan == null || name == null || log == null) {
            err.println("error: --plan, --deployment and --log are required\n" + USAGE);
            return 2;
        }
        if ((before == null) != (after == null)) {
            err.println(
                    "error: --gpu-before and --gpu-after go together (the GPU delta needs both readings)\n" + USAGE);
            return 2;
        }
        try {
            JsonNode deployment = deployment(plan, name);
            LlamaLog parsed = LlamaLog.parse(Files.readAllLines(log, StandardCharsets.UTF_8));
            GpuMemory b = before == null ? null : smi(before);
            GpuMemory f = after == null ? null : smi(after);
            VerifyReport report = Verifier.verify(deployment, parsed, b, f, Verifier.DEFAULT_TOLERANCE);
            Path target = write(dir, report);
            print(report, out);
            out.println((report.pass() ? "PASS " : "FAIL ") + report.deployment() + ": wrote " + target);
            return report.pass() ? 0 : 1;
        } catch (InputException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("error: " + e.getFile() + ": no such file");
            return 2;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    static Path write(Path dir, VerifyReport report) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(report.deployment() + ".json");
        Path tmp = Files.createTempFile(dir, "." + report.deployment(), ".tmp");
        Files.writeString(tmp, Serializers.json(report), StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    static void print(VerifyReport report, PrintStream out) {
        for (VerifyReport.Setting s : report.settings()) {
            out.printf(
                    "%-24s %-16s plan %12d  measured %12s  %s%n",
                    report.deployment(),
                    s.name(),
                    s.plan(),
                    s.measured() == null ? "-" : s.measured().toString(),
                    s.result());
        }
        for (VerifyReport.Device d : report.devices()) {
            for (VerifyReport.Part p : d.parts()) {
                out.printf(
                        "%-24s %-16s %-14s plan %10.2f MiB  measured %10s MiB  %8s  %s%n",
                        report.deployment(),
                        d.id(),
                        p.part(),
                        p.planBytes() / 1048576.0,
                        p.measuredBytes() == null ? "-" : String.format("%.2f", p.measuredBytes() / 1048576.0),
                        p.differencePercent() == null ? "" : String.format("%+.2f%%", p.differencePercent()),
                        p.result());
            }
        }
        report.notes().forEach(n -> out.println("note: " + n));
    }

    static JsonNode deployment(Path plan, String name) throws InputException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(plan.toFile());
        } catch (IOException e) {
            throw new InputException(plan + ": not a readable plan.json ("
                    + e.getMessage().lines().findFirst().orElse("") + "); pass the plan.json the compile goal wrote");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode d : root.path("deployments")) {
            if (name.equals(d.path("name").asText())) {
                return d;
            }
            names.add(d.path("name").asText());
        }
        throw new InputException(plan + ": no deployment `" + name + "`; the plan has " + String.join(", ", names));
    }

    private static GpuMemory smi(Path csv) throws InputException, IOException {
        try {
            return GpuMemory.parse(Files.readAllLines(csv, StandardCharsets.UTF_8));
        } catch (GpuMemory.FormatException e) {
            throw new InputException(csv + ": " + e.getMessage());
        }
    }

    static final class InputException extends Exception {
        InputException(String message) {
            super(message);
        }
    }
}
