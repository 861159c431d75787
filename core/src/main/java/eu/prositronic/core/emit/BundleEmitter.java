package eu.prositronic.core.emit;

import eu.prositronic.core.ClasspathTree;
import eu.prositronic.core.problem.ProsiException;
import java.io.IOException;

/**
 * Writes out a hand-written part bundled in the plugin jar as it is: the chart {@code llama-server} or the Ansible
 * collection {@code prositronic.infra}.
 */
public final class BundleEmitter implements Emitter {
    private final String name;
    private final String bundleFolder;
    private final String anchor;
    private final String target;

    private BundleEmitter(String name, String bundleFolder, String anchor, String target) {
        this.name = name;
        this.bundleFolder = bundleFolder;
        this.anchor = anchor;
        this.target = target;
    }

    public static BundleEmitter chart() {
        return new BundleEmitter(
                "chart", "prositronic/bundle/charts/llama-server/", "Chart.yaml", "charts/llama-server/");
    }

    public static BundleEmitter collection() {
        return new BundleEmitter(
                "collection",
                "prositronic/bundle/collection/",
                "galaxy.yml",
                "ansible/ansible_collections/prositronic/infra/");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void emit(EmitContext c, OutputTree out) throws ProsiException {
        try {
            for (ClasspathTree.Entry e : ClasspathTree.read(getClass().getClassLoader(), bundleFolder, anchor)) {
                out.put(target + e.relativePath(), e.bytes());
            }
        } catch (IOException e) {
            throw new ProsiException("the plugin jar lacks its bundled " + name + ": " + e.getMessage(), e);
        }
    }
}
