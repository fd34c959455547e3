package hotfix.tool.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import hotfix.runtime.api.Mode;
import hotfix.tool.BaseJar;
import hotfix.tool.OfflinePlan;
import hotfix.tool.ToolException;

/**
 * Plans a hotfix jar against the base offline, as {@code java -jar hotfix-tool.jar plan} does, and
 * fails the build if the server would refuse it: {@code mvn hotfix:plan -Dhotfix.base=g:a:v
 * -Dhotfix.jar=target/fix.jar}.
 */
@Mojo(name = "plan", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public final class PlanMojo extends BaseMojo {

    /** The hotfix jar to plan. */
    @Parameter(property = "hotfix.jar", required = true)
    private File jar;

    /** If set, swap or redefine: the mode the hotfix must have. */
    @Parameter(property = "hotfix.mode")
    private String mode;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("skipped (hotfix.skip)");
            return;
        }
        Mode required = null;
        if (mode != null && !mode.isBlank()) {
            for (Mode known : Mode.values()) {
                if (known.header().equals(mode.trim())) {
                    required = known;
                }
            }
            if (required == null) {
                throw new MojoExecutionException("hotfix.mode " + mode + " is no mode: use swap or redefine");
            }
        }
        OfflinePlan plan;
        try {
            plan = OfflinePlan.of(BaseJar.read(base()), Files.readAllBytes(jar.toPath()));
        } catch (ToolException e) {
            throw new MojoFailureException(e.getMessage());
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read the hotfix " + jar + ": " + e, e);
        }
        getLog().info("plan of " + jar + ", offline:");
        log(plan.lines());
        if (!plan.accepted()) {
            throw new MojoFailureException(plan.message());
        }
        if (required != null && plan.mode() != required) {
            throw new MojoFailureException("the hotfix's mode is " + plan.mode().header() + ", not "
                    + required.header());
        }
    }
}
