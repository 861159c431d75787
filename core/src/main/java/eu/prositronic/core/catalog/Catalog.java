package eu.prositronic.core.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The merged catalog: the embedded default with a user's own entries over it. Immutable. */
public final class Catalog {
    private final Map<String, ModelSpec> models;
    private final Map<String, Hardware> hardware;
    private final Images images;
    private final Map<String, String> aliases = new TreeMap<>();

    public Catalog(Map<String, ModelSpec> models, Map<String, Hardware> hardware, Images images) {
        this.models = new TreeMap<>(models);
        this.hardware = new TreeMap<>(hardware);
        this.images = images;
        for (ModelSpec m : this.models.values()) {
            for (String alias : m.aliases()) {
                aliases.put(alias, m.id());
            }
        }
    }

    /** A model by id or alias ({@code qwen3.5-4b} is {@code qwen3-5-4b}). */
    public Optional<ModelSpec> model(String idOrAlias) {
        ModelSpec m = models.get(idOrAlias);
        if (m == null && aliases.containsKey(idOrAlias)) {
            m = models.get(aliases.get(idOrAlias));
        }
        return Optional.ofNullable(m);
    }

    public Optional<Hardware> hardware(String id) {
        return Optional.ofNullable(hardware.get(id));
    }

    public List<String> modelIds() {
        return new ArrayList<>(models.keySet());
    }

    /** Ids and aliases, for suggestions. */
    public List<String> modelNames() {
        List<String> names = new ArrayList<>(models.keySet());
        names.addAll(aliases.keySet());
        return names;
    }

    public List<String> gpuIds() {
        return hardware.values().stream()
                .filter(h -> h.kind() == Hardware.Kind.GPU)
                .map(Hardware::id)
                .toList();
    }

    public Map<String, ModelSpec> models() {
        return models;
    }

    public Map<String, Hardware> hardware() {
        return hardware;
    }

    public Images images() {
        return images;
    }

    /** The CPU-only pseudo-hardware; the catalog must define it. */
    public Hardware cpu() {
        return hardware.get("cpu");
    }
}
