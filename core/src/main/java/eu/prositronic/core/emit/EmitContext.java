package eu.prositronic.core.emit;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.inventory.Inventory;

/** What every emitter may read: the plan, and the inventory and catalog it was made from. */
public record EmitContext(Plan plan, Inventory inventory, Catalog catalog, String generatorVersion) {}
