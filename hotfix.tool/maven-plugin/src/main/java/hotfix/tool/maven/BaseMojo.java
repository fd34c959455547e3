package hotfix.tool.maven;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

/** What both goals share: the base, a released artifact or a jar, that the hotfix fixes. */
abstract class BaseMojo extends AbstractMojo {

    /**
     * The bundle the hotfix fixes, as the server runs it: {@code groupId:artifactId:version} of a
     * released artifact, resolved from the project's repositories, or the path of a jar.
     */
    @Parameter(property = "hotfix.base", required = true)
    private String base;

    /** Skips the goal. */
    @Parameter(property = "hotfix.skip", defaultValue = "false")
    protected boolean skip;

    @Parameter(defaultValue = "${project.basedir}", readonly = true)
    private File basedir;

    @Parameter(defaultValue = "${repositorySystemSession}", readonly = true)
    private RepositorySystemSession session;

    @Parameter(defaultValue = "${project.remoteProjectRepositories}", readonly = true)
    private List<RemoteRepository> remotes;

    @Component
    private RepositorySystem repositories;

    /** @return the base's jar: the file named, or the artifact resolved */
    protected Path base() throws MojoExecutionException {
        Path file = basedir.toPath().resolve(base);
        if (Files.isRegularFile(file)) {
            return file;
        }
        if (base.indexOf('/') >= 0 || base.indexOf(File.separatorChar) >= 0 || base.split(":").length < 3) {
            throw new MojoExecutionException("no base jar at " + file + ", and '" + base + "' is not "
                    + "groupId:artifactId:version either: hotfix.base names the bundle the server runs");
        }
        try {
            DefaultArtifact artifact = new DefaultArtifact(base);
            getLog().debug("resolving the base " + artifact);
            return repositories.resolveArtifact(session, new ArtifactRequest(artifact, remotes, null)).getArtifact()
                    .getFile().toPath();
        } catch (ArtifactResolutionException | IllegalArgumentException e) {
            throw new MojoExecutionException("cannot resolve the base " + base + ": " + e.getMessage(), e);
        }
    }

    /** Logs what the tool says, line by line. */
    protected void log(List<String> lines) {
        lines.forEach(getLog()::info);
    }
}
