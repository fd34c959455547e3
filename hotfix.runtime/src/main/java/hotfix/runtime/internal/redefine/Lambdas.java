package hotfix.runtime.internal.redefine;

import static org.objectweb.asm.Opcodes.ACC_SYNTHETIC;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The synthetic {@code lambda$<method>$<N>} methods javac writes for lambdas. javac numbers them
 * by position in the class, so a lambda inserted before another renames it; matching the new
 * ones to the old ones by body and renaming them back keeps such an edit within what HotSpot
 * can redefine.
 */
final class Lambdas {

    private static final String PREFIX = "lambda$";
    /** javac keeps the implementation names of serializable lambdas as strings in this method. */
    private static final String DESERIALIZE = "$deserializeLambda$";

    /** How a new lambda got its name in the result. */
    enum Kind {
        /** Same name and body as an old lambda. */
        SAME,
        /** Same body as an old lambda of the same method, under another name: renamed back. */
        MOVED,
        /** Same name as an old lambda, another body: a plain body change. */
        EDITED,
        /** A new body that takes the name of an old lambda of the same method no longer used. */
        FREE
    }

    /**
     * A new lambda and the old one whose name it takes.
     *
     * @param neu  the new lambda method
     * @param old  the old lambda method
     * @param kind why they were paired
     */
    record Pair(MethodNode neu, MethodNode old, Kind kind) {
    }

    /**
     * The outcome of matching.
     *
     * @param pairs     the new lambdas that found an old name
     * @param unmatched the new lambdas that found none: HotSpot would see them as added methods
     * @param unused    the old lambdas (of those whose body may be replaced) that no new one took
     */
    record Match(List<Pair> pairs, List<MethodNode> unmatched, List<MethodNode> unused) {

        /** @return the name each new lambda gets, by its own name and descriptor */
        Map<Member, String> names() {
            Map<Member, String> names = new HashMap<>();
            pairs.forEach(pair -> names.put(Member.of(pair.neu()), pair.old().name));
            return names;
        }
    }

    private Lambdas() {
    }

    static boolean is(MethodNode method) {
        return (method.access & ACC_SYNTHETIC) != 0 && method.name.startsWith(PREFIX);
    }

    /** @return the method whose source holds the lambda, from {@code lambda$<method>$<N>} */
    static String enclosing(String lambdaName) {
        String rest = lambdaName.substring(PREFIX.length());
        int end = rest.lastIndexOf('$');
        return end < 0 ? rest : rest.substring(0, end);
    }

    /** @return the lambda methods of the class, in class order */
    static List<MethodNode> of(ClassNode type) {
        return type.methods.stream().filter(Lambdas::is).toList();
    }

    /**
     * @param type  the class
     * @param roots methods of the class
     * @return the lambdas of the class that the roots use, directly or through other lambdas
     *         (nested lambdas), in class order
     */
    static List<MethodNode> reachable(ClassNode type, Collection<MethodNode> roots) {
        Map<Member, MethodNode> lambdas = new LinkedHashMap<>();
        of(type).forEach(lambda -> lambdas.put(Member.of(lambda), lambda));
        Set<Member> seen = new HashSet<>();
        Deque<MethodNode> work = new ArrayDeque<>(roots);
        while (!work.isEmpty()) {
            references(work.pop(), type.name, handle -> {
                Member member = Member.of(handle);
                if (lambdas.containsKey(member) && seen.add(member)) {
                    work.push(lambdas.get(member));
                }
            });
        }
        return lambdas.values().stream().filter(lambda -> seen.contains(Member.of(lambda))).toList();
    }

    /**
     * Pairs new lambdas with old ones: same body first (keeping the name, or renaming back), then
     * same name (a body change), then a free old name of the same method. The bodies compared
     * print nested lambdas by their bodies too, so that renumbering inside does not matter.
     *
     * @param old         the old class
     * @param neu         the new class
     * @param news        the new lambdas to place
     * @param replaceable the old lambdas whose name a new lambda with another body may take; the
     *                    others may only be shared by a new lambda with the very same body
     */
    static Match match(ClassNode old, ClassNode neu, List<MethodNode> news, Set<Member> replaceable) {
        Bodies oldBodies = new Bodies(old);
        Bodies newBodies = new Bodies(neu);
        List<MethodNode> olds = of(old);
        Map<MethodNode, Pair> pairs = new LinkedHashMap<>();
        Set<MethodNode> taken = new HashSet<>();
        for (Kind kind : Kind.values()) {
            for (MethodNode lambda : news) {
                if (pairs.containsKey(lambda)) {
                    continue;
                }
                for (MethodNode candidate : olds) {
                    if (!taken.contains(candidate) && fits(kind, lambda, candidate, newBodies, oldBodies, replaceable)) {
                        pairs.put(lambda, new Pair(lambda, candidate, kind));
                        taken.add(candidate);
                        break;
                    }
                }
            }
        }
        List<Pair> paired = news.stream().filter(pairs::containsKey).map(pairs::get).toList();
        List<MethodNode> unmatched = news.stream().filter(lambda -> !pairs.containsKey(lambda)).toList();
        List<MethodNode> unused = olds.stream()
                .filter(lambda -> !taken.contains(lambda) && replaceable.contains(Member.of(lambda))).toList();
        return new Match(paired, unmatched, unused);
    }

    private static boolean fits(Kind kind, MethodNode neu, MethodNode old, Bodies newBodies, Bodies oldBodies,
            Set<Member> replaceable) {
        boolean sameName = neu.name.equals(old.name) && neu.desc.equals(old.desc);
        boolean sameShape = neu.desc.equals(old.desc) && neu.access == old.access
                && enclosing(neu.name).equals(enclosing(old.name));
        return switch (kind) {
            case SAME -> sameName && neu.access == old.access && newBodies.body(neu).equals(oldBodies.body(old));
            case MOVED -> sameShape && newBodies.body(neu).equals(oldBodies.body(old));
            case EDITED -> sameName && replaceable.contains(Member.of(old));
            case FREE -> sameShape && replaceable.contains(Member.of(old));
        };
    }

    /**
     * Renames the references of a method to lambdas of its class: invokedynamic bootstrap
     * arguments, method handle constants, calls, and the names a serializable lambda is
     * deserialized by.
     *
     * @param method the method to rewrite in place
     * @param owner  the class, internal name
     * @param names  the new name of each lambda, by its current name and descriptor
     */
    static void rename(MethodNode method, String owner, Map<Member, String> names) {
        Map<String, String> byName = new HashMap<>();
        names.forEach((member, name) -> byName.put(member.name(), name));
        for (AbstractInsnNode insn : method.instructions) {
            if (insn instanceof InvokeDynamicInsnNode indy) {
                for (int i = 0; i < indy.bsmArgs.length; i++) {
                    indy.bsmArgs[i] = renamed(indy.bsmArgs[i], owner, names);
                }
            } else if (insn instanceof LdcInsnNode ldc) {
                ldc.cst = DESERIALIZE.equals(method.name) && ldc.cst instanceof String text
                        ? byName.getOrDefault(text, text)
                        : renamed(ldc.cst, owner, names);
            } else if (insn instanceof MethodInsnNode call && call.owner.equals(owner)) {
                call.name = names.getOrDefault(new Member(call.name, call.desc), call.name);
            }
        }
    }

    /** Calls {@code sink} with every handle to a method of {@code owner} that the method refers to. */
    static void references(MethodNode method, String owner, Consumer<Handle> sink) {
        for (AbstractInsnNode insn : method.instructions) {
            if (insn instanceof InvokeDynamicInsnNode indy) {
                for (Object argument : indy.bsmArgs) {
                    handles(argument, owner, sink);
                }
            } else if (insn instanceof LdcInsnNode ldc) {
                handles(ldc.cst, owner, sink);
            }
        }
    }

    private static void handles(Object constant, String owner, Consumer<Handle> sink) {
        if (constant instanceof Handle handle && handle.getOwner().equals(owner)) {
            sink.accept(handle);
        } else if (constant instanceof ConstantDynamic dynamic) {
            for (int i = 0; i < dynamic.getBootstrapMethodArgumentCount(); i++) {
                handles(dynamic.getBootstrapMethodArgument(i), owner, sink);
            }
        }
    }

    private static Object renamed(Object constant, String owner, Map<Member, String> names) {
        if (constant instanceof Handle handle && handle.getOwner().equals(owner)) {
            String name = names.get(Member.of(handle));
            return name == null ? handle
                    : new Handle(handle.getTag(), owner, name, handle.getDesc(), handle.isInterface());
        } else if (constant instanceof ConstantDynamic dynamic) {
            Object[] arguments = new Object[dynamic.getBootstrapMethodArgumentCount()];
            for (int i = 0; i < arguments.length; i++) {
                arguments[i] = renamed(dynamic.getBootstrapMethodArgument(i), owner, names);
            }
            return new ConstantDynamic(dynamic.getName(), dynamic.getDescriptor(), dynamic.getBootstrapMethod(),
                    arguments);
        }
        return constant;
    }

    /**
     * Method bodies where a handle to a lambda of the class prints as that lambda's body, so that
     * two lambdas compare equal whatever their nested lambdas are numbered.
     */
    static final class Bodies {

        private final ClassNode type;
        private final Map<Member, MethodNode> lambdas = new HashMap<>();
        private final Map<MethodNode, String> done = new HashMap<>();
        private final Set<MethodNode> inProgress = new HashSet<>();

        Bodies(ClassNode type) {
            this.type = type;
            of(type).forEach(lambda -> lambdas.put(Member.of(lambda), lambda));
        }

        String body(MethodNode method) {
            String body = done.get(method);
            if (body == null) {
                inProgress.add(method);
                body = Code.body(method, this::handle);
                inProgress.remove(method);
                done.put(method, body);
            }
            return body;
        }

        private String handle(Handle handle) {
            MethodNode lambda = handle.getOwner().equals(type.name) ? lambdas.get(Member.of(handle)) : null;
            if (lambda == null) {
                return Code.handle(handle);
            } else if (inProgress.contains(lambda)) { // javac writes no cycles; crafted bytes may
                return "lambda cycle";
            }
            return "lambda " + handle.getTag() + ' ' + lambda.access + ' ' + lambda.desc + " {\n" + body(lambda) + "}";
        }
    }

    /** @return the new lambdas' names as the old code had them, for notes */
    static List<String> renames(Match match) {
        List<String> out = new ArrayList<>();
        for (Pair pair : match.pairs()) {
            if (!pair.neu().name.equals(pair.old().name)) {
                out.add(pair.neu().name + " -> " + pair.old().name + (pair.kind() == Kind.MOVED ? " (moved)"
                        : " (a new body, in the name of a lambda of " + enclosing(pair.old().name)
                                + " the new code no longer has)"));
            }
        }
        return out;
    }
}
