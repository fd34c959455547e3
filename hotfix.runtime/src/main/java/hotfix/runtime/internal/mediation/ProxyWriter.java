package hotfix.runtime.internal.mediation;

import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_PRIVATE;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ACC_SYNTHETIC;
import static org.objectweb.asm.Opcodes.ACC_VARARGS;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.ARETURN;
import static org.objectweb.asm.Opcodes.ASTORE;
import static org.objectweb.asm.Opcodes.ATHROW;
import static org.objectweb.asm.Opcodes.CHECKCAST;
import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.GETFIELD;
import static org.objectweb.asm.Opcodes.ILOAD;
import static org.objectweb.asm.Opcodes.INVOKEINTERFACE;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;
import static org.objectweb.asm.Opcodes.IRETURN;
import static org.objectweb.asm.Opcodes.NEW;
import static org.objectweb.asm.Opcodes.PUTFIELD;
import static org.objectweb.asm.Opcodes.RETURN;
import static org.objectweb.asm.Opcodes.V17;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;

import hotfix.runtime.internal.gate.Gate;

/** Writes the bytes of one proxy class. */
final class ProxyWriter {

    private static final String OBJECT = "java/lang/Object";
    private static final String SLOT = Type.getInternalName(ProxySlot.class);
    private static final String SLOT_DESCRIPTOR = Type.getDescriptor(ProxySlot.class);
    private static final String CALLER_DESCRIPTOR = Type.getDescriptor(Gate.Entry.class);
    private static final String BUILDER = "java/lang/StringBuilder";

    /** One method the proxy implements, and the interface it calls it on. */
    record Delegation(Class<?> owner, Method method) {
    }

    private ProxyWriter() {
    }

    /**
     * @param binaryName  the proxy class's name, dotted
     * @param interfaces  the interfaces it implements
     * @param delegations the methods it implements, one per name and descriptor
     */
    static byte[] write(String binaryName, List<Class<?>> interfaces, Collection<Delegation> delegations) {
        String self = binaryName.replace('.', '/');
        String[] names = interfaces.stream().map(Type::getInternalName).toArray(String[]::new);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            // The only merge point is a handler whose locals have one type each, so this is never
            // asked in practice; the default would load classes through ASM's own class loader.
            @Override
            protected String getCommonSuperClass(String type1, String type2) {
                return OBJECT;
            }
        };
        writer.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER | ACC_SYNTHETIC, self, null, OBJECT, names);
        writer.visitField(ACC_PRIVATE | ACC_FINAL, "slot", SLOT_DESCRIPTOR, null, null).visitEnd();
        writeConstructor(writer, self);
        writeToString(writer, self);
        for (Delegation delegation : delegations) {
            writeDelegation(writer, self, delegation);
        }
        writer.visitEnd();
        return writer.toByteArray();
    }

    /**
     * Writes a {@link ServiceFactory} that hands every call to another: registered in place of
     * that other, it makes the framework judge whether a consumer can use the service by what the
     * proxies' class loader sees, the interfaces themselves, rather than by what the runtime's
     * bundle sees (Felix asks the class of a service factory to load the service's interfaces).
     *
     * @param binaryName the class's name, dotted
     */
    static byte[] writeFactory(String binaryName) {
        String self = binaryName.replace('.', '/');
        String factory = Type.getInternalName(ServiceFactory.class);
        String factoryDescriptor = Type.getDescriptor(ServiceFactory.class);
        String bundle = Type.getDescriptor(Bundle.class);
        String registration = Type.getDescriptor(ServiceRegistration.class);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER | ACC_SYNTHETIC, self, null, OBJECT,
                new String[] {factory});
        writer.visitField(ACC_PRIVATE | ACC_FINAL, "target", factoryDescriptor, null, null).visitEnd();

        MethodVisitor code = writer.visitMethod(ACC_PUBLIC, "<init>", "(" + factoryDescriptor + ")V", null, null);
        code.visitCode();
        code.visitVarInsn(ALOAD, 0);
        code.visitMethodInsn(INVOKESPECIAL, OBJECT, "<init>", "()V", false);
        code.visitVarInsn(ALOAD, 0);
        code.visitVarInsn(ALOAD, 1);
        code.visitFieldInsn(PUTFIELD, self, "target", factoryDescriptor);
        code.visitInsn(RETURN);
        code.visitMaxs(0, 0);
        code.visitEnd();

        for (String[] method : new String[][] {{"getService", "(" + bundle + registration + ")Ljava/lang/Object;"},
                {"ungetService", "(" + bundle + registration + "Ljava/lang/Object;)V"}}) {
            Type[] arguments = Type.getArgumentTypes(method[1]);
            code = writer.visitMethod(ACC_PUBLIC | ACC_FINAL, method[0], method[1], null, null);
            code.visitCode();
            code.visitVarInsn(ALOAD, 0);
            code.visitFieldInsn(GETFIELD, self, "target", factoryDescriptor);
            for (int i = 0; i < arguments.length; i++) {
                code.visitVarInsn(ALOAD, i + 1);
            }
            code.visitMethodInsn(INVOKEINTERFACE, factory, method[0], method[1], true);
            code.visitInsn(Type.getReturnType(method[1]).getOpcode(IRETURN));
            code.visitMaxs(0, 0);
            code.visitEnd();
        }
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static void writeConstructor(ClassWriter writer, String self) {
        MethodVisitor code = writer.visitMethod(ACC_PUBLIC, "<init>", "(" + SLOT_DESCRIPTOR + ")V", null, null);
        code.visitCode();
        code.visitVarInsn(ALOAD, 0);
        code.visitMethodInsn(INVOKESPECIAL, OBJECT, "<init>", "()V", false);
        code.visitVarInsn(ALOAD, 0);
        code.visitVarInsn(ALOAD, 1);
        code.visitFieldInsn(PUTFIELD, self, "slot", SLOT_DESCRIPTOR);
        code.visitInsn(RETURN);
        code.visitMaxs(0, 0);
        code.visitEnd();
    }

    private static void writeToString(ClassWriter writer, String self) {
        MethodVisitor code = writer.visitMethod(ACC_PUBLIC, "toString", "()Ljava/lang/String;", null, null);
        code.visitCode();
        code.visitTypeInsn(NEW, BUILDER);
        code.visitInsn(DUP);
        code.visitLdcInsn("proxy[");
        code.visitMethodInsn(INVOKESPECIAL, BUILDER, "<init>", "(Ljava/lang/String;)V", false);
        code.visitVarInsn(ALOAD, 0);
        code.visitFieldInsn(GETFIELD, self, "slot", SLOT_DESCRIPTOR);
        code.visitMethodInsn(INVOKEVIRTUAL, SLOT, "target", "()Ljava/lang/Object;", false);
        code.visitMethodInsn(INVOKEVIRTUAL, BUILDER, "append", "(Ljava/lang/Object;)Ljava/lang/StringBuilder;", false);
        code.visitLdcInsn("]");
        code.visitMethodInsn(INVOKEVIRTUAL, BUILDER, "append", "(Ljava/lang/String;)Ljava/lang/StringBuilder;", false);
        code.visitMethodInsn(INVOKEVIRTUAL, BUILDER, "toString", "()Ljava/lang/String;", false);
        code.visitInsn(ARETURN);
        code.visitMaxs(0, 0);
        code.visitEnd();
    }

    /**
     * {@code ProxySlot s = slot; Gate.Entry c = s.caller(); Object t = s.enter(c); try { return
     * ((Owner) t).m(args); } finally { s.leave(c); }}, with the result left on the operand stack
     * across {@code leave(c)} rather than stored in a local: the thread's place in the gate is
     * looked up once per call.
     */
    private static void writeDelegation(ClassWriter writer, String self, Delegation delegation) {
        Method method = delegation.method();
        String owner = Type.getInternalName(delegation.owner());
        String descriptor = Type.getMethodDescriptor(method);
        Type[] arguments = Type.getArgumentTypes(descriptor);
        Type result = Type.getReturnType(descriptor);
        String[] exceptions = null;
        if (method.getExceptionTypes().length > 0) {
            exceptions = Arrays.stream(method.getExceptionTypes()).map(Type::getInternalName).toArray(String[]::new);
        }
        int access = ACC_PUBLIC | ACC_FINAL | (method.isVarArgs() ? ACC_VARARGS : 0);
        MethodVisitor code = writer.visitMethod(access, method.getName(), descriptor, null, exceptions);
        code.visitCode();

        int slotLocal = 1;
        for (Type argument : arguments) {
            slotLocal += argument.getSize();
        }
        int callerLocal = slotLocal + 1;
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        code.visitTryCatchBlock(start, end, handler, null);

        code.visitVarInsn(ALOAD, 0);
        code.visitFieldInsn(GETFIELD, self, "slot", SLOT_DESCRIPTOR);
        code.visitInsn(DUP);
        code.visitVarInsn(ASTORE, slotLocal);
        code.visitInsn(DUP);
        code.visitMethodInsn(INVOKEVIRTUAL, SLOT, "caller", "()" + CALLER_DESCRIPTOR, false);
        code.visitInsn(DUP);
        code.visitVarInsn(ASTORE, callerLocal);
        code.visitMethodInsn(INVOKEVIRTUAL, SLOT, "enter", "(" + CALLER_DESCRIPTOR + ")Ljava/lang/Object;", false);
        code.visitLabel(start);
        code.visitTypeInsn(CHECKCAST, owner);
        int local = 1;
        for (Type argument : arguments) {
            code.visitVarInsn(argument.getOpcode(ILOAD), local);
            local += argument.getSize();
        }
        code.visitMethodInsn(INVOKEINTERFACE, owner, method.getName(), descriptor, true);
        code.visitLabel(end);
        code.visitVarInsn(ALOAD, slotLocal);
        code.visitVarInsn(ALOAD, callerLocal);
        code.visitMethodInsn(INVOKEVIRTUAL, SLOT, "leave", "(" + CALLER_DESCRIPTOR + ")V", false);
        code.visitInsn(result.getOpcode(IRETURN));

        // Any throwable, the target's own included, leaves the gate and goes on unchanged.
        code.visitLabel(handler);
        code.visitVarInsn(ALOAD, slotLocal);
        code.visitVarInsn(ALOAD, callerLocal);
        code.visitMethodInsn(INVOKEVIRTUAL, SLOT, "leave", "(" + CALLER_DESCRIPTOR + ")V", false);
        code.visitInsn(ATHROW);
        code.visitMaxs(0, 0);
        code.visitEnd();
    }
}
