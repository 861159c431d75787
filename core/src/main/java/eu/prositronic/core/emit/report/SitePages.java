package eu.prositronic.core.emit.report;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.Hardware;
import eu.prositronic.core.fit.DeploymentPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The page models of the catalog site's index pages, its search page and its JSON search index. */
final class SitePages {
    private SitePages() {}

    /** The context the "what fits" table asks of a best quantization before it takes a larger file. */
    static final long USEFUL_CONTEXT = 32_768;

    /** One model × quantization × hardware as a table row; {@code href} relative to the site's root. */
    record Row(
            String href,
            String model,
            String modelName,
            String quant,
            String hardware,
            String hardwareName,
            String context,
            String layers,
            String vram,
            String ram,
            String fit,
            boolean entirely) {}

    record ModelIndex(String id, String name, String description, List<String> tags, List<Row> rows) {}

    record GpuIndex(String id, String name, String memory, String paragraph, List<Row> rows) {}

    record Link(String href, String label, String detail) {}

    /** The "what fits my hardware" row: a hardware, a model, its best quantization there and the largest context. */
    record Best(
            String hardware,
            String hardwareName,
            String model,
            String modelName,
            String href,
            String quant,
            String context,
            String memory,
            String note) {}

    record Index(
            String baseUrl,
            int pages,
            int models,
            int hardware,
            List<Link> modelLinks,
            List<Link> hardwareLinks,
            List<Best> fits) {}

    record Search(int pages, List<Row> rows) {}

    /** The search index: one entry per page, what it is and its figures (bytes and tokens as numbers). */
    record SearchEntry(
            String url,
            String model,
            String name,
            List<String> aliases,
            String quant,
            String hardware,
            String hardwareName,
            long ctxSize,
            int gpuLayers,
            int layers,
            String layout,
            long vramUsedBytes,
            long ramUsedBytes,
            long fileBytes,
            List<String> tags) {}

    static Row row(CatalogSite.Entry e) {
        if (e.plan().isEmpty()) {
            return new Row(
                    "",
                    e.model().id(),
                    e.model().name(),
                    e.quant().quant(),
                    e.hardware().id(),
                    e.hardware().name(),
                    "",
                    "",
                    "",
                    "",
                    "does not fit",
                    false);
        }
        DeploymentPlan p = e.plan().get();
        return new Row(
                e.pageFile(),
                e.model().id(),
                e.model().name(),
                e.quant().quant(),
                e.hardware().id(),
                e.hardware().name(),
                DeploymentPage.thousands(p.ctxSize()),
                p.gpuLayers() + " / " + p.layers(),
                p.node().hasGpu() ? p.memory().vramUsed().human() : "",
                p.memory().ramUsed().human(),
                switch (p.layoutKind()) {
                    case FULL -> "fits";
                    case CPU -> "CPU";
                    case MOE_EXPERTS_ON_CPU -> "experts in RAM";
                    case PARTIAL -> "partial offload";
                },
                e.entirely());
    }

    static ModelIndex model(List<CatalogSite.Entry> entries, List<Hardware> hardware) {
        var m = entries.get(0).model();
        return new ModelIndex(
                m.id(),
                m.name(),
                m.description(),
                m.capabilities().tags(),
                entries.stream().map(SitePages::row).toList());
    }

    static GpuIndex gpu(Hardware h, List<CatalogSite.Entry> entries) {
        String paragraph = h.kind() == Hardware.Kind.CPU
                ? "CPU only: no acceleration; limited by system RAM and its bandwidth."
                : h.name() + ": " + DeploymentPage.memory(h) + ", "
                        + Math.round(h.memoryBandwidthBytesPerSecond() / 1e9) + " GB/s, " + h.fp16Tflops()
                        + " FP16 TFLOPS.";
        return new GpuIndex(
                h.id(),
                h.name(),
                h.kind() == Hardware.Kind.CPU ? "" : h.memory().human(),
                paragraph,
                entries.stream().map(SitePages::row).toList());
    }

    static Index index(
            Catalog catalog,
            List<Hardware> hardware,
            Map<String, List<CatalogSite.Entry>> byModel,
            Map<String, List<CatalogSite.Entry>> byHardware,
            List<CatalogSite.Entry> entries,
            String baseUrl) {
        List<Link> models = new ArrayList<>();
        byModel.forEach((id, list) -> models.add(new Link(
                "models/" + id + "/index.html",
                list.get(0).model().name(),
                list.get(0).model().quantizations().size() + " quantizations")));
        List<Link> gpus = hardware.stream()
                .map(h -> new Link(
                        "gpus/" + h.id() + ".html",
                        h.name(),
                        h.kind() == Hardware.Kind.CPU
                                ? "system RAM"
                                : h.memory().human()))
                .toList();
        List<Best> fits = new ArrayList<>();
        for (Hardware h : hardware) {
            for (Map.Entry<String, List<CatalogSite.Entry>> m : byModel.entrySet()) {
                List<CatalogSite.Entry> here = m.getValue().stream()
                        .filter(e -> e.hardware().id().equals(h.id()))
                        .toList();
                fits.add(best(h, here));
            }
        }
        long pages = entries.stream().filter(e -> e.plan().isPresent()).count();
        return new Index(baseUrl, (int) pages, byModel.size(), hardware.size(), models, gpus, fits);
    }

    /**
     * The best quantization of a model on a hardware: the largest file that runs entirely there (on the GPU; on CPU
     * only, any) with at least {@link #USEFUL_CONTEXT} tokens of context (or the trained maximum, if smaller); else the
     * largest that runs entirely there at all; when none does, the smallest file and how it runs.
     */
    static Best best(Hardware h, List<CatalogSite.Entry> here) {
        var model = here.get(0).model();
        long useful = Math.min(USEFUL_CONTEXT, model.architecture().contextLength());
        Comparator<CatalogSite.Entry> larger = Comparator.comparingLong(
                        (CatalogSite.Entry e) -> e.quant().size().value())
                .thenComparing(e -> e.plan().get().ctxSize());
        Optional<CatalogSite.Entry> best = here.stream()
                .filter(CatalogSite.Entry::entirely)
                .filter(e -> e.plan().get().ctxSize() >= useful)
                .max(larger)
                .or(() -> here.stream().filter(CatalogSite.Entry::entirely).max(larger));
        if (best.isPresent()) {
            DeploymentPlan p = best.get().plan().get();
            return new Best(
                    h.id(),
                    h.name(),
                    model.id(),
                    model.name(),
                    best.get().pageFile(),
                    best.get().quant().quant(),
                    DeploymentPage.thousands(p.ctxSize()),
                    Facts.memoryPhrase(p),
                    "");
        }
        Optional<CatalogSite.Entry> smallest = here.stream()
                .filter(e -> e.plan().isPresent())
                .min(Comparator.comparingLong(
                        (CatalogSite.Entry e) -> e.quant().size().value()));
        if (smallest.isEmpty()) {
            return new Best(h.id(), h.name(), model.id(), model.name(), "", "", "", "", "does not fit");
        }
        DeploymentPlan p = smallest.get().plan().get();
        return new Best(
                h.id(),
                h.name(),
                model.id(),
                model.name(),
                smallest.get().pageFile(),
                smallest.get().quant().quant(),
                DeploymentPage.thousands(p.ctxSize()),
                Facts.memoryPhrase(p),
                "no file fits entirely: " + Facts.layoutPhrase(p));
    }

    static Search search(List<CatalogSite.Entry> entries) {
        List<Row> rows = entries.stream()
                .filter(e -> e.plan().isPresent())
                .map(SitePages::row)
                .toList();
        return new Search(rows.size(), rows);
    }

    static List<SearchEntry> searchIndex(List<CatalogSite.Entry> entries) {
        List<SearchEntry> index = new ArrayList<>();
        for (CatalogSite.Entry e : entries) {
            if (e.plan().isEmpty()) {
                continue;
            }
            DeploymentPlan p = e.plan().get();
            index.add(new SearchEntry(
                    e.pageFile(),
                    e.model().id(),
                    e.model().name(),
                    e.model().aliases(),
                    e.quant().quant(),
                    e.hardware().id(),
                    e.hardware().name(),
                    p.ctxSize(),
                    p.gpuLayers(),
                    p.layers(),
                    p.layoutKind().key(),
                    p.memory().vramUsed().value(),
                    p.memory().ramUsed().value(),
                    e.quant().size().value(),
                    e.model().capabilities().tags().stream()
                            .map(t -> t.toLowerCase(Locale.ROOT))
                            .toList()));
        }
        return index;
    }
}
