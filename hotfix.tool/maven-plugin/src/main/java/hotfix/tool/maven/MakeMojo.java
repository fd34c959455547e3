package hotfix.tool.maven;

import java.io.File;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

import hotfix.tool.Make;
import hotfix.tool.ToolException;

/**
 * Makes a hotfix of the base from changed source files, as {@code java -jar hotfix-tool.jar make}
 * does, with the project's compile dependencies as the class path:
 * {@code mvn hotfix:make -Dhotfix.base=g:a:v -Dhotfix.sources=src/main/java/.../Fixed.java}. The
 * build fails if the sources do not compile, or the plan refuses the hotfix.
 */
@Mojo(name = "make", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.COMPILE,
        threadSafe = true)
public final class MakeMojo extends BaseMojo {

    /** The changed source files, or folders of them. */
    @Parameter(property = "hotfix.sources", required = true)
    private List<File> sources;

    /** auto (redefine when the runtime's planner accepts every change, swap otherwise), swap or redefine. */
    @Parameter(property = "hotfix.mode", defaultValue = "auto")
    private String mode;

    /** The hotfix's Bundle-Version; by default the base's, one micro step up. */
    @Parameter(property = "hotfix.version")
    private String version;

    /** Its Hotfix-Target-Version; by default exactly the base's version. */
    @Parameter(property = "hotfix.targetVersion")
    private String targetVersion;

    /** Its Hotfix-Description; by default the sources' names. */
    @Parameter(property = "hotfix.description")
    private String description;

    /** Where to write the hotfix. */
    @Parameter(property = "hotfix.out", defaultValue = "${project.build.directory}/${project.artifactId}-hotfix.jar")
    private File out;

    /** The encoding of the sources. */
    @Parameter(property = "hotfix.encoding", defaultValue = "${project.build.sourceEncoding}")
    private String encoding;

    @Parameter(defaultValue = "${project}", readonly = true)
    private MavenProject project;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("skipped (hotfix.skip)");
            return;
        }
        Make.Choice choice = Make.Choice.of(mode);
        if (choice == null) {
            throw new MojoExecutionException("hotfix.mode " + mode + " is no mode: use auto, swap or redefine");
        }
        // the project's own classes are the working tree's, not what the server runs: only its dependencies
        List<Path> classpath = new ArrayList<>();
        for (Artifact artifact : project.getArtifacts()) {
            if (artifact.getFile() != null && artifact.getArtifactHandler().isAddedToClasspath()) {
                classpath.add(artifact.getFile().toPath());
            }
        }
        Make.Result result;
        try {
            result = Make.make(new Make.Request(base(), classpath, choice, version, targetVersion, description,
                    out.toPath(), sources.stream().map(File::toPath).toList(),
                    encoding == null ? null : Charset.forName(encoding)));
        } catch (ToolException e) {
            throw new MojoFailureException(e.getMessage());
        }
        log(result.lines());
        if (!result.written()) {
            String why = result.plan() != null ? result.plan().message()
                    : result.lines().get(result.lines().size() - 1);
            throw new MojoFailureException("no hotfix written: " + why);
        }
    }
}
