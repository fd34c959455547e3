/**
 * The watched deploy directory: a jar copied in is applied, a jar removed is rolled back.
 * <p>
 * One daemon thread polls the directory ({@code hotfix.deploy.dir}, default {@code hotfix/deploy}
 * under the working directory) every {@code hotfix.deploy.poll} milliseconds (default 500). A
 * {@code *.jar} is read only once it is completely written: its size and modification time are
 * unchanged across two consecutive polls, and, if it begins as a zip, its end record is there. So
 * {@code cp} works, {@code mv} from the same file system (atomic) works, and a copy that stalls
 * for longer than a poll waits for its end instead of being refused as corrupt. Files whose names
 * begin with {@code .} or do not end in {@code .jar} are ignored, which keeps editors' and copy
 * tools' temporary files out.
 * <p>
 * A jar whose content (SHA-256) changes is a removal followed by an addition. A refused jar stays
 * where it is and is not tried again until its content changes. What each jar did is kept in the
 * runtime's data area, so a restart neither applies a jar twice nor retries a refused one, and
 * catches up with what was added and removed while the server was down. A directory anyone can
 * write to is refused: anyone on the machine could push code into the server through it.
 * <p>
 * Why polling by hand rather than Felix FileInstall with an {@code ArtifactInstaller}: FileInstall
 * is a platform bundle the runtime would have to depend on, ship in every run configuration and
 * configure; it keeps its own persistent record of what it installed, which would duplicate the
 * journal and could disagree with it; and the parts that matter here, refusals that are not
 * retried, rollback only of the latest hotfix of a target, the world-writable check and the
 * incomplete-zip check, would be our code anyway. The watcher itself is a few hundred lines over
 * {@link hotfix.runtime.api.HotfixManager}, like the shell. {@code java.nio.file.WatchService}
 * is not used either: it says that a file changed, not that it is complete, so polling would
 * still be needed, and it polls anyway on some platforms.
 */
package hotfix.runtime.internal.deploy;
