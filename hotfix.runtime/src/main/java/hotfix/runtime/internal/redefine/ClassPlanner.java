package hotfix.runtime.internal.redefine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

import hotfix.runtime.internal.redefine.Shape.Difference;

/**
 * Plans the redefinition of one class before anything is touched: refuses what HotSpot would
 * refuse, one line per offending member, renames lambdas that javac renumbered back to their
 * old names, and, when only some methods are picked, grafts their new bodies onto the old class.
 */
public final class ClassPlanner {

    private static final String CLINIT = "<clinit>";
    private static final String NEW_LAMBDA = "HotSpot cannot add the method javac writes for a lambda (only genuinely "
            + "new lambdas are refused; moved ones and changed bodies are fine): reuse an existing lambda, or put the "
            + "new logic in a new class of the same package";

    private final String className;
    private final String self;
    private final byte[] oldBytes;
    private final ClassNode oldClass;
    private final ClassNode newClass;
    private final List<String> refusals = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> unapplied = new ArrayList<>();

    private ClassPlanner(String className, byte[] oldBytes, ClassNode oldClass, ClassNode newClass) {
        this.className = className;
        this.self = oldClass.name;
        this.oldBytes = oldBytes;
        this.oldClass = oldClass;
        this.newClass = newClass;
    }

    /**
     * @param className binary name, dotted (e.g. {@code example.webapp.economy.Pricing})
     * @param oldBytes  the class as the target bundle has it
     * @param newBytes  the class from the hotfix jar
     * @param methods   names of methods to take from the new class ({@code price}, or
     *                  {@code price(II)J} with a descriptor to pick one overload); empty = the whole
     *                  class
     * @return the plan for that class
     * @throws IllegalArgumentException if the old bytes are not a class file of that name
     */
    public static ClassPlan plan(String className, byte[] oldBytes, byte[] newBytes, Set<String> methods) {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(oldBytes, "oldBytes");
        Objects.requireNonNull(newBytes, "newBytes");
        Objects.requireNonNull(methods, "methods");
        ClassNode oldClass = read(oldBytes);
        if (!oldClass.name.equals(className.replace('.', '/'))) {
            throw new IllegalArgumentException("the old bytes are " + Shape.dotted(oldClass.name) + ", not " + className);
        }
        ClassNode newClass;
        try {
            newClass = read(newBytes);
        } catch (RuntimeException e) { // ASM reports a malformed class file with assorted unchecked exceptions
            return new ClassPlan(className, null, true, List.of(className + ": the hotfix's class file cannot be read ("
                    + e + "): rebuild the hotfix jar"), List.of(), List.of());
        }
        if (!newClass.name.equals(oldClass.name)) {
            return new ClassPlan(className, null, true, List.of(className + ": the hotfix's class file is class "
                    + Shape.dotted(newClass.name) + ": a redefinition keeps the class name; put the class under "
                    + className.replace('.', '/') + ".class in the hotfix jar, or ship a swap hotfix"), List.of(),
                    List.of());
        }
        ClassPlanner planner = new ClassPlanner(className, oldBytes, oldClass, newClass);
        return methods.isEmpty() ? planner.wholeClass(newBytes) : planner.picked(methods);
    }

    private ClassPlan wholeClass(byte[] newBytes) {
        Shape.compare(oldClass, newClass).forEach(this::refuse);
        List<MethodNode> oldLambdas = Lambdas.of(oldClass);
        Lambdas.Match match = Lambdas.match(oldClass, newClass, Lambdas.of(newClass), members(oldLambdas));
        lambdas(match);
        if (!refusals.isEmpty()) {
            return refused();
        }
        staticState(Shape.byMember(newClass.methods).get(new Member(CLINIT, "()V")));
        for (FieldNode field : newClass.fields) {
            oldClass.fields.stream().filter(was -> was.name.equals(field.name) && was.value != null
                    && !was.value.equals(field.value)).findFirst().ifPresent(was -> unapplied("the constant "
                    + field.name + " changes from " + was.value + " to " + field.value + ", but a redefined class "
                    + "keeps the values its static fields have, and classes compiled against the constant have it "
                    + "inlined"));
        }
        Map<Member, String> names = match.names();
        names.entrySet().removeIf(name -> name.getKey().name().equals(name.getValue()));
        String unchanged = Arrays.equals(oldBytes, newBytes) ? null
                : "nothing HotSpot would see differs (only line numbers, local variable names or the order of "
                        + "members): nothing to redefine";
        if (names.isEmpty() && match.unused().isEmpty()) {
            return finish(newClass, newBytes, unchanged);
        }
        for (MethodNode method : newClass.methods) {
            Lambdas.rename(method, self, names);
            String name = names.get(Member.of(method));
            if (name != null) {
                method.name = name;
            }
        }
        for (MethodNode lambda : match.unused()) {
            // the old body never runs again: nothing refers to it
            newClass.methods.add(lambda);
            note("keeps " + Member.of(lambda) + ", a lambda the new code no longer has: HotSpot cannot delete "
                    + "methods");
        }
        return finish(newClass, write(newClass), unchanged);
    }

    private ClassPlan picked(Set<String> methods) {
        Map<Member, MethodNode> oldMethods = Shape.byMember(oldClass.methods);
        Map<Member, MethodNode> newMethods = Shape.byMember(newClass.methods);
        Map<Member, MethodNode> picks = new LinkedHashMap<>();
        for (String pick : new TreeSet<>(methods)) {
            pick(pick, oldMethods, newMethods, picks);
        }
        if (!refusals.isEmpty()) {
            return refused();
        }
        List<MethodNode> staying = oldMethods.values().stream()
                .filter(method -> !picks.containsKey(Member.of(method))).toList();
        Set<Member> stillUsed = members(Lambdas.reachable(oldClass, staying));
        Set<Member> replaceable = members(Lambdas.of(oldClass));
        replaceable.removeAll(stillUsed);
        Lambdas.Match match = Lambdas.match(oldClass, newClass, Lambdas.reachable(newClass, picks.values()),
                replaceable);
        lambdas(match);
        if (!refusals.isEmpty()) {
            return refused();
        }

        // what is not taken, said before grafting moves nodes out of the new class
        staticState(picks.get(new Member(CLINIT, "()V")));
        Shape.compare(oldClass, newClass)
                .forEach(difference -> note("not taken, outside the picked methods: " + difference.what()));
        Lambdas.Bodies oldBodies = new Lambdas.Bodies(oldClass);
        Lambdas.Bodies newBodies = new Lambdas.Bodies(newClass);
        for (MethodNode method : staying) {
            MethodNode neu = newMethods.get(Member.of(method));
            if (neu != null && !oldBodies.body(method).equals(newBodies.body(neu))) {
                note("not taken, not picked: the new body of " + Member.of(method));
            }
        }

        ClassNode result = read(oldBytes);
        Map<Member, String> names = match.names();
        List<MethodNode> grafts = new ArrayList<>(picks.values());
        for (Lambdas.Pair pair : match.pairs()) {
            if (pair.kind() == Lambdas.Kind.EDITED || pair.kind() == Lambdas.Kind.FREE) {
                grafts.add(pair.neu());
            }
        }
        for (MethodNode graft : grafts) {
            usesOnlyOldMembers(graft, names.keySet());
        }
        if (!refusals.isEmpty()) {
            return refused();
        }
        for (MethodNode graft : grafts) {
            Lambdas.rename(graft, self, names);
            graft.name = names.getOrDefault(Member.of(graft), graft.name);
            int at = indexOf(result, Member.of(graft));
            result.methods.set(at, graft);
        }

        return finish(result, write(result), "the picked methods have the same code in both versions: nothing to "
                + "redefine");
    }

    /** Resolves one pick to methods present in both versions, with the same modifiers. */
    private void pick(String pick, Map<Member, MethodNode> oldMethods, Map<Member, MethodNode> newMethods,
            Map<Member, MethodNode> picks) {
        int paren = pick.indexOf('(');
        String name = paren < 0 ? pick : pick.substring(0, paren);
        if (name.startsWith("lambda$")) {
            refuse("picks " + pick + ", a lambda", "pick the method that holds it: the lambdas a picked method uses "
                    + "come with it");
            return;
        }
        Set<Member> inOld = new HashSet<>();
        Set<Member> inNew = new HashSet<>();
        oldMethods.keySet().stream().filter(m -> m.name().equals(name)).forEach(inOld::add);
        newMethods.keySet().stream().filter(m -> m.name().equals(name)).forEach(inNew::add);
        if (paren >= 0) {
            Member member = new Member(name, pick.substring(paren));
            inOld.retainAll(Set.of(member));
            inNew.retainAll(Set.of(member));
        }
        if (inOld.isEmpty()) {
            refuse("picks " + pick + ", which the old class does not have", Shape.NEW_LOGIC);
            return;
        } else if (inNew.isEmpty()) {
            refuse("picks " + pick + ", which the new class does not have",
                    "pick methods of the hotfix's class, by name or as name(descriptor)");
            return;
        }
        for (Member member : inNew.stream().sorted(Comparator.comparing(Member::toString)).toList()) {
            if (!inOld.contains(member)) {
                refuse("picks " + pick + ", and the old class has no " + member, "pick one overload as "
                        + "name(descriptor); " + Shape.NEW_LOGIC);
                continue;
            }
            Difference modifiers = Shape.methodModifiers("method", oldMethods.get(member), newMethods.get(member));
            if (modifiers != null) {
                refuse(modifiers);
            } else {
                picks.put(member, newMethods.get(member));
            }
        }
        inOld.stream().filter(member -> !inNew.contains(member)).map(Member::toString).sorted()
                .forEach(member -> refuse("picks " + pick + ", and the new class has no " + member,
                        "pick one overload as name(descriptor)"));
    }

    /**
     * Refuses a grafted body that uses a field or method only the new class declares, or declares
     * differently: the result is the old class, so the code would fail to link when it runs.
     */
    private void usesOnlyOldMembers(MethodNode graft, Set<Member> renamedLambdas) {
        Set<String> reported = new HashSet<>();
        Set<String> newNested = new HashSet<>(newClass.nestMembers == null ? List.of() : newClass.nestMembers);
        if (oldClass.nestMembers != null) {
            newNested.removeAll(oldClass.nestMembers);
        }
        for (AbstractInsnNode insn : graft.instructions) {
            String owner = insn instanceof TypeInsnNode type ? type.desc
                    : insn instanceof MethodInsnNode call ? call.owner
                    : insn instanceof FieldInsnNode field ? field.owner
                    : insn instanceof LdcInsnNode ldc && ldc.cst instanceof Type type ? type.getInternalName()
                    : null;
            if (newNested.contains(owner)) {
                missing(graft, "the nested class " + Shape.dotted(owner), true, reported);
            }
            if (insn instanceof FieldInsnNode field && field.owner.equals(self)) {
                FieldNode declared = field(newClass, field.name, field.desc);
                FieldNode was = field(oldClass, field.name, field.desc);
                if (declared != null && (was == null
                        || ((declared.access ^ was.access) & Shape.FIELD_MODIFIERS) != 0)) {
                    missing(graft, "field " + field.name, was == null, reported);
                }
            } else if (insn instanceof MethodInsnNode call && call.owner.equals(self)) {
                method(graft, new Member(call.name, call.desc), renamedLambdas, reported);
            }
        }
        Lambdas.references(graft, self, handle -> {
            if (handle.getTag() <= Opcodes.H_PUTSTATIC) {
                FieldNode declared = field(newClass, handle.getName(), handle.getDesc());
                if (declared != null && field(oldClass, handle.getName(), handle.getDesc()) == null) {
                    missing(graft, "field " + handle.getName(), true, reported);
                }
            } else {
                method(graft, Member.of(handle), renamedLambdas, reported);
            }
        });
    }

    private void method(MethodNode graft, Member used, Set<Member> renamedLambdas, Set<String> reported) {
        if (renamedLambdas.contains(used)) {
            return;
        }
        MethodNode declared = find(newClass.methods, used);
        MethodNode was = find(oldClass.methods, used);
        if (declared != null && (was == null || ((declared.access ^ was.access) & Shape.METHOD_MODIFIERS) != 0)) {
            missing(graft, "method " + used, was == null, reported);
        }
    }

    private void missing(MethodNode graft, String member, boolean absent, Set<String> reported) {
        if (reported.add(member)) {
            refuse((Lambdas.is(graft) ? "the lambda " : "the picked method ") + Member.of(graft) + " uses " + member
                    + (absent ? ", which only the new class has" : ", which the old class declares with other modifiers"),
                    "a pick takes method bodies only, and HotSpot cannot add members; put the new logic in a new class "
                            + "of the same package");
        }
    }

    /** Refusals for new lambdas with no old name, notes for the ones renamed back. */
    private void lambdas(Lambdas.Match match) {
        for (Lambdas.Pair pair : match.pairs()) {
            Difference modifiers = Shape.methodModifiers("lambda", pair.old(), pair.neu());
            if (modifiers != null) {
                refuse(modifiers);
            }
        }
        for (MethodNode lambda : match.unmatched()) {
            refuse("adds lambda " + Member.of(lambda) + " (a new lambda in " + Lambdas.enclosing(lambda.name) + ')',
                    NEW_LAMBDA);
        }
        Lambdas.renames(match).forEach(this::note);
    }

    private void staticState(MethodNode newInitializer) {
        MethodNode oldInitializer = Shape.byMember(oldClass.methods).get(new Member(CLINIT, "()V"));
        if (newInitializer != null && oldInitializer != null && !new Lambdas.Bodies(oldClass).body(oldInitializer)
                .equals(new Lambdas.Bodies(newClass).body(newInitializer))) {
            unapplied("the static initializer changes, but HotSpot does not initialise a redefined class again: the "
                    + "new one never runs, static fields keep their values");
        }
    }

    /** @param unchanged what to note if HotSpot would see no difference, or null to note nothing */
    private ClassPlan finish(ClassNode result, byte[] bytes, String unchanged) {
        boolean changed = !Code.fingerprint(read(oldBytes)).equals(Code.fingerprint(result));
        if (!changed) {
            if (unchanged != null) {
                note(unchanged);
            }
            bytes = oldBytes;
        }
        return new ClassPlan(className, bytes, changed, refusals, notes, unapplied);
    }

    private ClassPlan refused() {
        return new ClassPlan(className, null, true, refusals, notes, unapplied);
    }

    private void refuse(Difference difference) {
        refuse(difference.what(), difference.instead());
    }

    private void refuse(String what, String instead) {
        refusals.add(className + ": " + what + ": " + instead);
    }

    private void note(String note) {
        notes.add(className + ": " + note);
    }

    /** Notes what of the new class the redefinition leaves out. */
    private void unapplied(String note) {
        note(note);
        unapplied.add(className + ": " + note);
    }

    private static ClassNode read(byte[] bytes) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, 0);
        return node;
    }

    /**
     * Writes without computing frames or maximums: every method keeps those the compiler wrote,
     * and they stay valid, since renaming changes no type and a graft lands in a class of the same
     * shape. Computing frames would need the class hierarchy, through a class loader we lack.
     */
    private static byte[] write(ClassNode type) {
        ClassWriter writer = new ClassWriter(0);
        type.accept(writer);
        return writer.toByteArray();
    }

    private static Set<Member> members(List<MethodNode> methods) {
        Set<Member> out = new HashSet<>();
        methods.forEach(method -> out.add(Member.of(method)));
        return out;
    }

    private static int indexOf(ClassNode type, Member member) {
        for (int i = 0; i < type.methods.size(); i++) {
            if (Member.of(type.methods.get(i)).equals(member)) {
                return i;
            }
        }
        throw new IllegalStateException(member + " vanished from " + type.name);
    }

    private static MethodNode find(List<MethodNode> methods, Member member) {
        return methods.stream().filter(method -> Member.of(method).equals(member)).findFirst().orElse(null);
    }

    private static FieldNode field(ClassNode type, String name, String desc) {
        return type.fields.stream().filter(field -> field.name.equals(name) && field.desc.equals(desc)).findFirst()
                .orElse(null);
    }
}
