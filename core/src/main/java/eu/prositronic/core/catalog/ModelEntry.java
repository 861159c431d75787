package eu.prositronic.core.catalog;

/**
 * What a {@code models/<id>.yaml} file holds: the {@link ModelSpec} and the sources of its numbers that the spec does
 * not keep (each quantization keeps its own). {@link CatalogWriter} writes it; {@link CatalogLoader} reads the spec
 * back.
 */
public record ModelEntry(ModelSpec spec, Sources sources) {

    /**
     * Where the numbers come from, as each mapping's {@code source:} text ({@code https://…} or {@code computed: …});
     * {@code tensors} is the source of every quantization's tensor layout.
     */
    public record Sources(String license, String parameters, String architecture, String tensors) {}
}
