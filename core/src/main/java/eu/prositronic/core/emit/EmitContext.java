package eu.prositronic.core.emit;

import eu.prositronic.core.catalog.Images;
import eu.prositronic.core.fit.Plan;
import java.nio.file.Path;

/**
 * What every emitter may read: the plan (which carries the resolved inventory), the pinned images and where the
 * inventory came from.
 */
public record EmitContext(Plan plan, Images images, Path inventoryFile, String generatorVersion) {}
