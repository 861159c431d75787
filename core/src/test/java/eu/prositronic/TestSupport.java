package eu.prositronic;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.CatalogLoader;
import eu.prositronic.core.inventory.Inventory;
import eu.prositronic.core.inventory.InventoryLoader;
import eu.prositronic.core.problem.ProsiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Shared fixtures: the repository root, the embedded catalog, the example inventory. */
public final class TestSupport {
    private static Catalog catalog;

    private TestSupport() {}

    public static Path repoRoot() {
        String root = System.getProperty("prositronic.repoRoot");
        return root != null
                ? Path.of(root).toAbsolutePath().normalize()
                : Path.of("..").toAbsolutePath().normalize();
    }

    public static Path exampleInventory() {
        return repoRoot().resolve("examples/homelab/src/main/prositronic/inventory.yaml");
    }

    public static synchronized Catalog catalog() {
        if (catalog == null) {
            try {
                catalog = CatalogLoader.load(Optional.empty());
            } catch (ProsiException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return catalog;
    }

    public static Inventory inventory(String yaml) throws ProsiException {
        return InventoryLoader.load(Path.of("inventory.yaml"), yaml, catalog());
    }

    public static Inventory exampleInventoryLoaded() throws ProsiException {
        return InventoryLoader.load(exampleInventory(), read(exampleInventory()), catalog());
    }

    public static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
