package eu.prositronic.core.emit;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.Images;
import eu.prositronic.core.fit.Plan;
import java.nio.file.Path;

/**
 * What every emitter may read: the plan (which carries the resolved inventory), the merged catalog (its pinned images;
 * the report's FAQ fits neighbouring quantizations from it) and where the inventory came from.
 */
public record EmitContext(Plan plan, Catalog catalog, Path inventoryFile, String generatorVersion) {

    public Images images() {
        return catalog.images();
    }
}
