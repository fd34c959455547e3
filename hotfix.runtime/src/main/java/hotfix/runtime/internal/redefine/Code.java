package hotfix.runtime.internal.redefine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.MultiANewArrayInsnNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Classes and method bodies as comparable text, holding what the JVM executes or reflects on:
 * opcodes and operands, exception handlers, run-time visible annotations. Line numbers, frames,
 * local variable names and labels no jump targets are left out, so that a recompile or a moved
 * comment compares equal.
 */
final class Code {

    private Code() {
    }

    /** @return a handle by kind, owner, name and descriptor */
    static String handle(Handle handle) {
        return "handle " + handle.getTag() + ' ' + handle.getOwner() + '.' + handle.getName() + handle.getDesc()
                + (handle.isInterface() ? " itf" : "");
    }

    /**
     * @param method  the method
     * @param handles how to print a method handle: lets lambda matching print a lambda by its body
     *                rather than by its position-dependent name
     * @return the method's code as text
     */
    static String body(MethodNode method, Function<Handle, String> handles) {
        Map<LabelNode, Integer> labels = targets(method);
        StringBuilder out = new StringBuilder();
        for (AbstractInsnNode insn : method.instructions) {
            if (insn instanceof LabelNode label) {
                Integer id = labels.get(label);
                if (id != null) {
                    out.append('L').append(id).append(":\n");
                }
            } else if (insn.getOpcode() >= 0) { // line numbers and frames have none
                out.append(insn.getOpcode());
                operands(out, insn, labels, handles);
                out.append('\n');
            }
        }
        for (TryCatchBlockNode block : method.tryCatchBlocks) {
            out.append("try L").append(labels.get(block.start)).append(" L").append(labels.get(block.end))
                    .append(" L").append(labels.get(block.handler)).append(' ').append(block.type).append('\n');
        }
        return out.toString();
    }

    /**
     * @return the class as HotSpot would see it after a redefinition, methods in name order (HotSpot
     *         matches them by name and descriptor), handles printed by name
     */
    static String fingerprint(ClassNode type) {
        StringBuilder out = new StringBuilder();
        out.append(type.access & 0xFFFF).append(' ').append(type.superName).append(' ').append(type.interfaces);
        annotations(out, type.visibleAnnotations);
        for (FieldNode field : type.fields) {
            out.append("\nfield ").append(field.access & 0xFFFF).append(' ').append(field.name).append(' ')
                    .append(field.desc).append(' ').append(constant(field.value, Code::handle));
            annotations(out, field.visibleAnnotations);
        }
        List<MethodNode> methods = new ArrayList<>(type.methods);
        methods.sort(Comparator.comparing(method -> Member.of(method).toString()));
        for (MethodNode method : methods) {
            out.append("\nmethod ").append(method.access & 0xFFFF).append(' ').append(Member.of(method));
            annotations(out, method.visibleAnnotations);
            if (method.visibleParameterAnnotations != null) {
                for (List<AnnotationNode> parameter : method.visibleParameterAnnotations) {
                    out.append(" param");
                    annotations(out, parameter);
                }
            }
            if (method.annotationDefault != null) {
                out.append(" default ").append(value(method.annotationDefault));
            }
            out.append('\n').append(body(method, Code::handle));
        }
        return out.toString();
    }

    /** Labels that something jumps to or that bound an exception handler, numbered in code order. */
    private static Map<LabelNode, Integer> targets(MethodNode method) {
        Set<LabelNode> targets = new HashSet<>();
        for (AbstractInsnNode insn : method.instructions) {
            if (insn instanceof JumpInsnNode jump) {
                targets.add(jump.label);
            } else if (insn instanceof TableSwitchInsnNode table) {
                targets.add(table.dflt);
                targets.addAll(table.labels);
            } else if (insn instanceof LookupSwitchInsnNode lookup) {
                targets.add(lookup.dflt);
                targets.addAll(lookup.labels);
            }
        }
        for (TryCatchBlockNode block : method.tryCatchBlocks) {
            targets.add(block.start);
            targets.add(block.end);
            targets.add(block.handler);
        }
        Map<LabelNode, Integer> numbers = new HashMap<>();
        for (AbstractInsnNode insn : method.instructions) {
            if (insn instanceof LabelNode label && targets.contains(label)) {
                numbers.put(label, numbers.size());
            }
        }
        return numbers;
    }

    private static void operands(StringBuilder out, AbstractInsnNode insn, Map<LabelNode, Integer> labels,
            Function<Handle, String> handles) {
        out.append(' ');
        if (insn instanceof IntInsnNode op) {
            out.append(op.operand);
        } else if (insn instanceof VarInsnNode op) {
            out.append(op.var);
        } else if (insn instanceof TypeInsnNode op) {
            out.append(op.desc);
        } else if (insn instanceof FieldInsnNode op) {
            out.append(op.owner).append('.').append(op.name).append(' ').append(op.desc);
        } else if (insn instanceof MethodInsnNode op) {
            out.append(op.owner).append('.').append(op.name).append(op.desc).append(op.itf ? " itf" : "");
        } else if (insn instanceof InvokeDynamicInsnNode op) {
            out.append(op.name).append(op.desc).append(' ').append(handles.apply(op.bsm));
            for (Object argument : op.bsmArgs) {
                out.append(' ').append(constant(argument, handles));
            }
        } else if (insn instanceof JumpInsnNode op) {
            out.append('L').append(labels.get(op.label));
        } else if (insn instanceof LdcInsnNode op) {
            out.append(constant(op.cst, handles));
        } else if (insn instanceof IincInsnNode op) {
            out.append(op.var).append(' ').append(op.incr);
        } else if (insn instanceof TableSwitchInsnNode op) {
            out.append(op.min).append(' ').append(op.max).append(" L").append(labels.get(op.dflt));
            op.labels.forEach(label -> out.append(" L").append(labels.get(label)));
        } else if (insn instanceof LookupSwitchInsnNode op) {
            out.append('L').append(labels.get(op.dflt));
            for (int i = 0; i < op.keys.size(); i++) {
                out.append(' ').append(op.keys.get(i)).append(":L").append(labels.get(op.labels.get(i)));
            }
        } else if (insn instanceof MultiANewArrayInsnNode op) {
            out.append(op.desc).append(' ').append(op.dims);
        }
    }

    private static String constant(Object constant, Function<Handle, String> handles) {
        if (constant == null) {
            return "none";
        } else if (constant instanceof Handle handle) {
            return handles.apply(handle);
        } else if (constant instanceof ConstantDynamic dynamic) {
            StringBuilder out = new StringBuilder("condy ").append(dynamic.getName()).append(dynamic.getDescriptor())
                    .append(' ').append(handles.apply(dynamic.getBootstrapMethod()));
            for (int i = 0; i < dynamic.getBootstrapMethodArgumentCount(); i++) {
                out.append(' ').append(constant(dynamic.getBootstrapMethodArgument(i), handles));
            }
            return out.toString();
        } else if (constant instanceof Type type) {
            return "type " + type.getDescriptor();
        } else if (constant instanceof String text) {
            // the length keeps a string holding spaces from reading as several operands
            return "string " + text.length() + ':' + text;
        }
        return constant.getClass().getSimpleName() + ' ' + constant;
    }

    private static void annotations(StringBuilder out, List<AnnotationNode> annotations) {
        if (annotations != null) {
            for (AnnotationNode annotation : annotations) {
                out.append(' ').append(value(annotation));
            }
        }
    }

    private static String value(Object value) {
        if (value instanceof AnnotationNode annotation) {
            StringBuilder out = new StringBuilder("@").append(annotation.desc).append('(');
            if (annotation.values != null) {
                for (int i = 0; i < annotation.values.size(); i += 2) {
                    out.append(annotation.values.get(i)).append('=').append(value(annotation.values.get(i + 1)))
                            .append(',');
                }
            }
            return out.append(')').toString();
        } else if (value instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            list.forEach(element -> out.append(value(element)).append(','));
            return out.append(']').toString();
        } else if (value instanceof String[] enumValue) {
            return "enum " + enumValue[0] + '.' + enumValue[1];
        }
        return constant(value, Code::handle);
    }
}
