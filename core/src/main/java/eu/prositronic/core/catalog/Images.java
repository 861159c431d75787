package eu.prositronic.core.catalog;

import java.util.Map;
import java.util.Optional;

/** The pinned llama.cpp server images, one per backend: the one home of image tags. */
public record Images(String repository, String build, String source, Map<Backend, Image> byBackend) {

    public record Image(String tag, Optional<String> minDriver, Optional<String> minComputeCapability) {}

    public String reference(Backend backend) {
        return repository + ":" + byBackend.get(backend).tag();
    }
}
