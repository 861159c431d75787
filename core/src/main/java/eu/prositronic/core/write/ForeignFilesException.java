package eu.prositronic.core.write;

import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.problem.Setting;
import java.nio.file.Path;
import java.util.List;

/**
 * The output folder holds files in the way that Prositronic did not write (they are not in its manifest and differ
 * from what it would write). Nothing was written. Carries the folder and the files, so a front end or a test can act
 * on them; the message names the output-directory setting in the front end's spelling.
 */
public final class ForeignFilesException extends ProsiException {
    private static final int SHOWN = 5;

    private final Path outputDirectory;
    private final List<String> files;

    public ForeignFilesException(Path outputDirectory, List<String> files) {
        super(s -> message(outputDirectory, files, s));
        this.outputDirectory = outputDirectory;
        this.files = List.copyOf(files);
    }

    public Path outputDirectory() {
        return outputDirectory;
    }

    /** The files in the way, relative to the output folder, in output order. */
    public List<String> files() {
        return files;
    }

    private static String message(Path outDir, List<String> foreign, Setting.Spellings s) {
        return "the output folder " + outDir + " holds files Prositronic did not write: "
                + String.join(", ", foreign.subList(0, Math.min(SHOWN, foreign.size())))
                + (foreign.size() > SHOWN ? " and " + (foreign.size() - SHOWN) + " more" : "")
                + "; move them away or set " + s.of(Setting.OUTPUT_DIRECTORY) + " to an empty folder";
    }
}
