package hotfix.runtime.internal.redefine;

import org.objectweb.asm.Handle;
import org.objectweb.asm.tree.MethodNode;

/** A method as HotSpot identifies it within its class: by name and descriptor. */
record Member(String name, String desc) {

    static Member of(MethodNode method) {
        return new Member(method.name, method.desc);
    }

    static Member of(Handle handle) {
        return new Member(handle.getName(), handle.getDesc());
    }

    /** @return {@code name(descriptor)}, as refusals and picks spell a method */
    @Override
    public String toString() {
        return name + desc;
    }
}
