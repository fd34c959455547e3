package hotfix.runtime.internal.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;

/**
 * Creates the deploy directory and decides whether it may be watched. Whoever can write a jar
 * into it can run code in the server, so a directory anyone on the machine can write to is
 * refused; so is a path that is not a directory. The same goes for each jar in it.
 */
final class DeployDirectory {

    /** The permissions of a directory the runtime creates: its owner writes, its group reads. */
    static final Set<PosixFilePermission> CREATED = PosixFilePermissions.fromString("rwxr-x---");

    private DeployDirectory() {
    }

    /**
     * Creates the directory, and its parents, if it does not exist; the directory itself with
     * {@link #CREATED} whatever the umask.
     *
     * @return why it could not be created, or empty
     */
    static Optional<String> create(Path directory) {
        if (Files.exists(directory)) {
            return Optional.empty();
        }
        try {
            Path parent = directory.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(directory);
            if (posix(directory)) {
                Files.setPosixFilePermissions(directory, CREATED);
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.of("cannot create the deploy directory " + directory + ": " + e
                    + "; create it, or point " + DeployWatcher.DIRECTORY_PROPERTY + " at another directory");
        }
    }

    /** @return why the directory must not be watched, or empty if it may be */
    static Optional<String> check(Path directory) {
        if (!Files.exists(directory)) {
            return Optional.of("refusing to watch " + directory + ": it does not exist; create it (mkdir -p "
                    + directory + " && chmod o-w " + directory + ") or point " + DeployWatcher.DIRECTORY_PROPERTY
                    + " at another directory");
        }
        if (!Files.isDirectory(directory)) {
            return Optional.of("refusing to watch " + directory + ": it is not a directory; point "
                    + DeployWatcher.DIRECTORY_PROPERTY + " at a directory");
        }
        if (!posix(directory)) {
            // no POSIX modes to read (Windows): the folder's ACL is the operator's to check
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(directory);
            if (mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                return Optional.of("refusing to watch " + directory + ": it is world-writable (mode "
                        + PosixFilePermissions.toString(mode) + "): anyone on this machine could push code into"
                        + " the server; chmod o-w " + directory);
            }
            return Optional.empty();
        } catch (IOException | SecurityException e) {
            return Optional.of("refusing to watch " + directory + ": cannot read its permissions: " + e);
        }
    }

    /**
     * A jar in the directory is code the server will run: like the directory, it must not be
     * writable by anyone on the machine, and it must belong to the user the server runs as, so
     * that no other account can have put it there or change it afterwards.
     *
     * @param owner the user the server runs as; empty if unknown, and then not checked
     * @return why the jar must not be applied, or empty if it may be
     */
    static Optional<String> checkFile(Path file, Optional<UserPrincipal> owner) {
        if (!posix(file)) {
            return Optional.empty();
        }
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (IOException | SecurityException e) {
            return Optional.of("refused: cannot read its permissions and owner: " + e);
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            return Optional.of("refused: it is world-writable (mode " + PosixFilePermissions.toString(mode)
                    + "): anyone on this machine could change the code the server is about to run; chmod o-w "
                    + file);
        }
        if (owner.isPresent() && !owner.get().getName().equals(attributes.owner().getName())) {
            return Optional.of("refused: it is owned by " + attributes.owner().getName() + ", not by "
                    + owner.get().getName() + ", the user the server runs as: only that user may put code in"
                    + " the deploy directory; chown " + owner.get().getName() + " " + file
                    + ", or copy it in as that user");
        }
        return Optional.empty();
    }

    /**
     * @return the user this process runs as, as the file system names it: the owner of a file it
     *         creates; empty if that cannot be told
     */
    static Optional<UserPrincipal> serverUser() {
        try {
            Path probe = Files.createTempFile("hotfix-owner", ".tmp");
            try {
                return Optional.of(Files.getOwner(probe));
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static boolean posix(Path directory) {
        return directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
