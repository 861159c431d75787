package eu.prositronic.maven;

import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.site.Site;
import eu.prositronic.core.write.OutputWriter;
import java.io.File;
import java.util.Optional;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Writes the public catalog site: for every model × quantization × hardware of the catalog (the embedded one, with
 * your own catalog folder over it), a page in the catalog pages' shape and {@code values/<model>/<quant>/<hardware>.yaml}
 * exactly as {@code compile} computes that values path; an index per model and per GPU, a "what fits my hardware"
 * table and a search page over a static JSON index. Static and deterministic: serve the folder from any web server,
 * and {@code helmfile --state-values-file <(curl -s <siteUrl>/values/...) apply} installs a page.
 */
@Mojo(name = "site", threadSafe = true, requiresProject = false)
public class SiteMojo extends AbstractMojo {

    /** Catalog entries merged over the embedded catalog (optional). */
    @Parameter(
            property = PropertyNames.CATALOG_DIRECTORY,
            defaultValue = "${project.basedir}/src/main/prositronic/catalog")
    File catalogDirectory;

    /** Where the site goes. Files Prositronic did not write there are never overwritten. */
    @Parameter(property = PropertyNames.SITE_DIRECTORY, defaultValue = "${project.build.directory}/prositronic-site")
    File siteDirectory;

    /** Where the site will be served: the pages' {@code curl} commands fetch values files from it. */
    @Parameter(property = PropertyNames.SITE_URL, defaultValue = "https://your-host")
    String siteUrl;

    /** Templates replacing the embedded ones of the same name (optional). */
    @Parameter(
            property = PropertyNames.TEMPLATES_DIRECTORY,
            defaultValue = "${project.basedir}/src/main/prositronic/templates/report")
    File templatesDirectory;

    /** Skips the goal. */
    @Parameter(property = PropertyNames.SKIP, defaultValue = "false")
    boolean skip;

    @Parameter(defaultValue = "${project.basedir}", readonly = true)
    File projectDirectory;

    @Override
    public void execute() throws MojoFailureException {
        if (skip) {
            getLog().info("Skipping Prositronic: " + PropertyNames.SKIP + " is true");
            return;
        }
        try {
            Site.Result r = Site.build(
                    new Site.Request(
                            Optional.ofNullable(catalogDirectory).map(File::toPath),
                            siteDirectory.toPath(),
                            siteUrl,
                            Optional.ofNullable(templatesDirectory).map(File::toPath),
                            new OutputWriter.Writer(
                                    Optional.ofNullable(projectDirectory).map(File::toPath), "site")),
                    getLog()::debug);
            getLog().info("Prositronic site in " + siteDirectory + ": " + r.pages() + " pages, " + r.files()
                    + " files (" + r.summary().written() + " written, "
                    + r.summary().unchanged() + " unchanged, "
                    + r.summary().removed() + " removed) in " + r.millis() + " ms");
        } catch (ProsiException e) {
            throw new MojoFailureException(e.message(PropertyNames.SPELLINGS));
        }
    }
}
