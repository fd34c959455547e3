package hotfix.runtime.internal.redefine;

import static org.objectweb.asm.Opcodes.ACC_ABSTRACT;
import static org.objectweb.asm.Opcodes.ACC_ANNOTATION;
import static org.objectweb.asm.Opcodes.ACC_BRIDGE;
import static org.objectweb.asm.Opcodes.ACC_ENUM;
import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_INTERFACE;
import static org.objectweb.asm.Opcodes.ACC_NATIVE;
import static org.objectweb.asm.Opcodes.ACC_PRIVATE;
import static org.objectweb.asm.Opcodes.ACC_PROTECTED;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_STATIC;
import static org.objectweb.asm.Opcodes.ACC_STRICT;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ACC_SYNCHRONIZED;
import static org.objectweb.asm.Opcodes.ACC_SYNTHETIC;
import static org.objectweb.asm.Opcodes.ACC_TRANSIENT;
import static org.objectweb.asm.Opcodes.ACC_VARARGS;
import static org.objectweb.asm.Opcodes.ACC_VOLATILE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;

import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.RecordComponentNode;

/**
 * The structural differences between two versions of a class that HotSpot refuses to redefine
 * ({@code VM_RedefineClasses::compare_and_normalize_class_versions}). Lambda methods are left to
 * {@link Lambdas}, which can often rename them back.
 */
final class Shape {

    /** The class modifiers HotSpot keeps from the class file (JVM_RECOGNIZED_CLASS_MODIFIERS). */
    static final int CLASS_MODIFIERS = ACC_PUBLIC | ACC_FINAL | ACC_SUPER | ACC_INTERFACE | ACC_ABSTRACT
            | ACC_SYNTHETIC | ACC_ANNOTATION | ACC_ENUM;
    /** The field modifiers HotSpot compares (JVM_RECOGNIZED_FIELD_MODIFIERS). */
    static final int FIELD_MODIFIERS = ACC_PUBLIC | ACC_PRIVATE | ACC_PROTECTED | ACC_STATIC | ACC_FINAL
            | ACC_VOLATILE | ACC_TRANSIENT | ACC_SYNTHETIC | ACC_ENUM;
    /** The method modifiers HotSpot compares: all it keeps but {@code native}, which it lets change. */
    static final int METHOD_MODIFIERS = ACC_PUBLIC | ACC_PRIVATE | ACC_PROTECTED | ACC_STATIC | ACC_FINAL
            | ACC_SYNCHRONIZED | ACC_BRIDGE | ACC_VARARGS | ACC_ABSTRACT | ACC_STRICT | ACC_SYNTHETIC;

    static final String NEW_LOGIC = "HotSpot redefines method bodies only; put new logic in a new class of the same "
            + "package and call it from an existing method";
    private static final String KEEP_METHOD = "HotSpot cannot delete a method; keep it in the hotfix, with any body";
    private static final String FIELDS = "HotSpot cannot change a class's fields; keep them as they were, and keep new "
            + "state in a new class of the same package";
    private static final String FIELD_ORDER = "HotSpot compares fields in declaration order; declare them in the old "
            + "order";
    static final String METHOD_MODIFIERS_KEPT = "HotSpot cannot change method modifiers; keep the old ones (for "
            + "synchronized, lock inside the body instead)";
    private static final String CLASS_MODIFIERS_KEPT = "HotSpot cannot change the class modifiers; keep the old ones";
    private static final String HIERARCHY = "HotSpot cannot change a class's superclass or interfaces; keep them, or "
            + "ship the change as a swap hotfix (a new bundle version)";
    private static final String NEST = "HotSpot refuses to change the class NestHost/NestMembers attribute, which "
            + "lists its nested, local and anonymous classes; keep those as they were (a lambda or a class of the "
            + "same package instead of a new nested one), or ship a swap hotfix";
    private static final String PERMITTED = "HotSpot refuses to change the class PermittedSubclasses attribute; keep "
            + "the permits clause, or ship a swap hotfix";
    private static final String RECORD = "HotSpot refuses to change the class Record attribute; keep the record "
            + "components, or ship a swap hotfix";

    /**
     * One difference HotSpot refuses.
     *
     * @param what    what the new version does, naming the member ({@code adds method discount(I)I})
     * @param instead why HotSpot refuses it and what to do instead
     */
    record Difference(String what, String instead) {
    }

    private Shape() {
    }

    /** @return the differences HotSpot refuses, one per offending member, lambdas aside */
    static List<Difference> compare(ClassNode old, ClassNode neu) {
        List<Difference> out = new ArrayList<>();
        if ((old.access & CLASS_MODIFIERS) != (neu.access & CLASS_MODIFIERS)) {
            out.add(new Difference("changes the class modifiers from " + classModifiers(old.access) + " to "
                    + classModifiers(neu.access), CLASS_MODIFIERS_KEPT));
        }
        if (!Objects.equals(old.superName, neu.superName)) {
            out.add(new Difference("changes the superclass from " + dotted(old.superName) + " to "
                    + dotted(neu.superName), HIERARCHY));
        }
        names(out, "interface", old.interfaces, neu.interfaces, HIERARCHY);
        if (old.interfaces.size() == neu.interfaces.size() && !old.interfaces.equals(neu.interfaces)
                && Set.copyOf(old.interfaces).equals(Set.copyOf(neu.interfaces))) {
            out.add(new Difference("reorders the interfaces (HotSpot compares them in order)", HIERARCHY));
        }
        if (!Objects.equals(old.nestHostClass, neu.nestHostClass)) {
            out.add(new Difference("changes the nest host from " + dotted(old.nestHostClass) + " to "
                    + dotted(neu.nestHostClass), NEST));
        }
        names(out, "nest member", old.nestMembers, neu.nestMembers, NEST);
        names(out, "permitted subclass", old.permittedSubclasses, neu.permittedSubclasses, PERMITTED);
        record(out, old.recordComponents, neu.recordComponents);
        fields(out, old.fields, neu.fields);
        methods(out, old.methods, neu.methods);
        return out;
    }

    /** @return a difference for a method whose modifiers change, or null */
    static Difference methodModifiers(String kind, MethodNode old, MethodNode neu) {
        if (((old.access ^ neu.access) & METHOD_MODIFIERS) == 0) {
            return null;
        }
        return new Difference("changes the modifiers of " + kind + ' ' + Member.of(old) + " from "
                + modifiers(old.access & METHOD_MODIFIERS, Shape::methodFlag) + " to "
                + modifiers(neu.access & METHOD_MODIFIERS, Shape::methodFlag), METHOD_MODIFIERS_KEPT);
    }

    static String dotted(String internalName) {
        return internalName == null ? "none" : internalName.replace('/', '.');
    }

    private static void names(List<Difference> out, String kind, List<String> old, List<String> neu, String instead) {
        Set<String> before = old == null ? Set.of() : new LinkedHashSet<>(old);
        Set<String> after = neu == null ? Set.of() : new LinkedHashSet<>(neu);
        for (String name : after) {
            if (!before.contains(name)) {
                out.add(new Difference("adds " + kind + ' ' + dotted(name), instead));
            }
        }
        for (String name : before) {
            if (!after.contains(name)) {
                out.add(new Difference("removes " + kind + ' ' + dotted(name), instead));
            }
        }
    }

    private static void record(List<Difference> out, List<RecordComponentNode> old, List<RecordComponentNode> neu) {
        if (old == null && neu == null) {
            return;
        } else if (old == null || neu == null) {
            out.add(new Difference(old == null ? "becomes a record" : "is no longer a record", RECORD));
            return;
        }
        for (int i = 0; i < Math.max(old.size(), neu.size()); i++) {
            RecordComponentNode before = i < old.size() ? old.get(i) : null;
            RecordComponentNode after = i < neu.size() ? neu.get(i) : null;
            if (before == null) {
                out.add(new Difference("adds record component " + component(after), RECORD));
            } else if (after == null) {
                out.add(new Difference("removes record component " + component(before), RECORD));
            } else if (!before.name.equals(after.name) || !before.descriptor.equals(after.descriptor)
                    || !Objects.equals(before.signature, after.signature)) {
                out.add(new Difference("changes record component " + component(before) + " to "
                        + component(after), RECORD));
            }
        }
    }

    private static void fields(List<Difference> out, List<FieldNode> old, List<FieldNode> neu) {
        Map<String, FieldNode> before = new LinkedHashMap<>();
        old.forEach(field -> before.put(field.name, field));
        Map<String, FieldNode> after = new LinkedHashMap<>();
        neu.forEach(field -> after.put(field.name, field));
        int found = out.size();
        for (FieldNode field : neu) {
            FieldNode was = before.get(field.name);
            if (was == null) {
                out.add(new Difference("adds field " + field(field), FIELDS));
            } else if (!was.desc.equals(field.desc)) {
                out.add(new Difference("changes the type of field " + field.name + " from " + type(was.desc) + " to "
                        + type(field.desc), FIELDS));
            } else if (((was.access ^ field.access) & FIELD_MODIFIERS) != 0) {
                out.add(new Difference("changes the modifiers of field " + field.name + " from "
                        + modifiers(was.access & FIELD_MODIFIERS, Shape::fieldFlag) + " to "
                        + modifiers(field.access & FIELD_MODIFIERS, Shape::fieldFlag), FIELDS));
            }
        }
        for (FieldNode field : old) {
            if (!after.containsKey(field.name)) {
                out.add(new Difference("removes field " + field(field), FIELDS));
            }
        }
        if (out.size() == found && !List.copyOf(before.keySet()).equals(List.copyOf(after.keySet()))) {
            out.add(new Difference("reorders the fields from " + before.keySet() + " to " + after.keySet(),
                    FIELD_ORDER));
        }
    }

    private static void methods(List<Difference> out, List<MethodNode> old, List<MethodNode> neu) {
        Map<Member, MethodNode> before = byMember(old);
        Map<Member, MethodNode> after = byMember(neu);
        Set<String> addedNames = new LinkedHashSet<>();
        Set<String> removedNames = new LinkedHashSet<>();
        after.keySet().stream().filter(member -> !before.containsKey(member)).forEach(m -> addedNames.add(m.name()));
        before.keySet().stream().filter(member -> !after.containsKey(member)).forEach(m -> removedNames.add(m.name()));
        for (Map.Entry<Member, MethodNode> method : after.entrySet()) {
            MethodNode was = before.get(method.getKey());
            if (was == null) {
                String name = method.getKey().name();
                out.add(new Difference("adds method " + method.getKey()
                        + (removedNames.contains(name) ? " (a new signature of " + name + ')' : ""), NEW_LOGIC));
            } else {
                Difference modifiers = methodModifiers("method", was, method.getValue());
                if (modifiers != null) {
                    out.add(modifiers);
                }
            }
        }
        for (Member member : before.keySet()) {
            if (!after.containsKey(member)) {
                out.add(new Difference("removes method " + member
                        + (addedNames.contains(member.name()) ? " (an old signature of " + member.name() + ')' : ""),
                        KEEP_METHOD));
            }
        }
    }

    /** @return the methods that are not lambdas, by name and descriptor, in class order */
    static Map<Member, MethodNode> byMember(List<MethodNode> methods) {
        Map<Member, MethodNode> out = new LinkedHashMap<>();
        for (MethodNode method : methods) {
            if (!Lambdas.is(method)) {
                out.put(Member.of(method), method);
            }
        }
        return out;
    }

    private static String component(RecordComponentNode component) {
        return type(component.descriptor) + ' ' + component.name;
    }

    private static String field(FieldNode field) {
        return field.name + " (" + type(field.desc) + ')';
    }

    private static String type(String descriptor) {
        return Type.getType(descriptor).getClassName();
    }

    private static String classModifiers(int access) {
        return modifiers(access & CLASS_MODIFIERS, Shape::classFlag);
    }

    private static String modifiers(int access, Function<Integer, String> names) {
        StringJoiner out = new StringJoiner(" ", "'", "'");
        for (int flag = 1; flag <= 0x8000; flag <<= 1) {
            if ((access & flag) != 0) {
                out.add(names.apply(flag));
            }
        }
        return access == 0 ? "none" : out.toString();
    }

    private static String classFlag(int flag) {
        return switch (flag) {
            case ACC_SUPER -> "super";
            case ACC_INTERFACE -> "interface";
            case ACC_ANNOTATION -> "annotation";
            default -> commonFlag(flag);
        };
    }

    private static String fieldFlag(int flag) {
        return switch (flag) {
            case ACC_VOLATILE -> "volatile";
            case ACC_TRANSIENT -> "transient";
            default -> commonFlag(flag);
        };
    }

    private static String methodFlag(int flag) {
        return switch (flag) {
            case ACC_SYNCHRONIZED -> "synchronized";
            case ACC_BRIDGE -> "bridge";
            case ACC_VARARGS -> "varargs";
            case ACC_NATIVE -> "native";
            case ACC_STRICT -> "strictfp";
            default -> commonFlag(flag);
        };
    }

    private static String commonFlag(int flag) {
        return switch (flag) {
            case ACC_PUBLIC -> "public";
            case ACC_PRIVATE -> "private";
            case ACC_PROTECTED -> "protected";
            case ACC_STATIC -> "static";
            case ACC_FINAL -> "final";
            case ACC_ABSTRACT -> "abstract";
            case ACC_SYNTHETIC -> "synthetic";
            case ACC_ENUM -> "enum";
            default -> "0x" + Integer.toHexString(flag);
        };
    }
}
