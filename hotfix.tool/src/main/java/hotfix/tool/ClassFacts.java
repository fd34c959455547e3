package hotfix.tool;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * What the tool must know of a compiled class that the runtime's planner does not ask: which
 * classes it refers to (each must be loadable from the bundle), which class it is nested in, and
 * the OSGi annotations it carries (which the bundle's build turned into metadata that a hotfix
 * keeps).
 */
final class ClassFacts {

    private static final int CONSTANT_CLASS = 7;
    private static final int CONSTANT_NAME_AND_TYPE = 12;
    private static final int CONSTANT_METHOD_TYPE = 16;
    private static final String OSGI = "Lorg/osgi/";
    private static final String COMPONENT = "Lorg/osgi/service/component/annotations/Component;";

    private final ClassReader reader;
    private final ClassNode node;

    ClassFacts(byte[] bytes) {
        this.reader = new ClassReader(bytes);
        this.node = new ClassNode();
        reader.accept(node, ClassReader.SKIP_CODE);
    }

    /** @return the class it is nested in, its nest host, binary name; null for a top-level class */
    String host() {
        return node.nestHostClass == null ? null : node.nestHostClass.replace('/', '.');
    }

    /**
     * @return the binary names of the classes its code and signatures refer to, as the JVM loads
     *         them: class constants and the types of the members it uses and declares, but not its
     *         annotations, which need not load
     */
    Set<String> references() {
        Set<String> types = new TreeSet<>();
        char[] buffer = new char[reader.getMaxStringLength()];
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i);
            if (offset == 0) {
                continue;
            }
            int tag = reader.readByte(offset - 1);
            if (tag == CONSTANT_CLASS) {
                String name = reader.readUTF8(offset, buffer);
                add(types, name.startsWith("[") ? Type.getType(name) : Type.getObjectType(name));
            } else if (tag == CONSTANT_NAME_AND_TYPE) {
                descriptor(types, reader.readUTF8(offset + 2, buffer));
            } else if (tag == CONSTANT_METHOD_TYPE) {
                descriptor(types, reader.readUTF8(offset, buffer));
            }
        }
        node.fields.forEach(field -> descriptor(types, field.desc));
        node.methods.forEach(method -> descriptor(types, method.desc));
        return types;
    }

    /**
     * @return its OSGi annotations, with their values, on the class and on each member, and the
     *         interfaces of a component that provides what it implements: what bnd made the
     *         bundle's metadata from
     */
    String osgiAnnotations() {
        List<String> found = new ArrayList<>();
        annotations(found, "class", node.visibleAnnotations, node.invisibleAnnotations);
        for (FieldNode field : node.fields) {
            annotations(found, field.name + " " + field.desc, field.visibleAnnotations, field.invisibleAnnotations);
        }
        for (MethodNode method : node.methods) {
            String member = method.name + method.desc;
            annotations(found, member, method.visibleAnnotations, method.invisibleAnnotations);
            for (List<AnnotationNode>[] parameters : List.of(nonNull(method.visibleParameterAnnotations),
                    nonNull(method.invisibleParameterAnnotations))) {
                for (int p = 0; p < parameters.length; p++) {
                    annotations(found, member + " parameter " + p, parameters[p], null);
                }
            }
        }
        if (providesWhatItImplements()) {
            found.add("implements " + node.interfaces);
        }
        return String.join("\n", found);
    }

    /** @return whether it is a DS component that names no service: it provides the interfaces it implements */
    private boolean providesWhatItImplements() {
        for (List<AnnotationNode> annotations : List.of(nonNull(node.visibleAnnotations),
                nonNull(node.invisibleAnnotations))) {
            for (AnnotationNode annotation : annotations) {
                if (annotation.desc.equals(COMPONENT)) {
                    List<Object> values = annotation.values == null ? List.of() : annotation.values;
                    for (int i = 0; i < values.size(); i += 2) {
                        if ("service".equals(values.get(i))) {
                            return false;
                        }
                    }
                    return true;
                }
            }
        }
        return false;
    }

    private static List<AnnotationNode> nonNull(List<AnnotationNode> annotations) {
        return annotations == null ? List.of() : annotations;
    }

    @SuppressWarnings("unchecked")
    private static List<AnnotationNode>[] nonNull(List<AnnotationNode>[] parameters) {
        return parameters == null ? new List[0] : parameters;
    }

    private static void annotations(List<String> found, String where, List<AnnotationNode> visible,
            List<AnnotationNode> invisible) {
        for (List<AnnotationNode> annotations : new List[] {visible, invisible}) {
            if (annotations != null) {
                for (AnnotationNode annotation : annotations) {
                    if (annotation.desc.startsWith(OSGI)) {
                        found.add(where + ": " + text(annotation));
                    }
                }
            }
        }
    }

    private static String text(Object value) {
        if (value instanceof AnnotationNode annotation) {
            StringBuilder text = new StringBuilder("@").append(Type.getType(annotation.desc).getClassName())
                    .append('(');
            if (annotation.values != null) {
                for (int i = 0; i + 1 < annotation.values.size(); i += 2) {
                    text.append(i == 0 ? "" : ", ").append(annotation.values.get(i)).append('=')
                            .append(text(annotation.values.get(i + 1)));
                }
            }
            return text.append(')').toString();
        }
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(item -> items.add(text(item)));
            return items.toString();
        }
        if (value instanceof String[] enumValue) {
            return enumValue[0] + "." + enumValue[1];
        }
        return String.valueOf(value);
    }

    private static void descriptor(Set<String> types, String descriptor) {
        if (descriptor.startsWith("(")) {
            for (Type argument : Type.getArgumentTypes(descriptor)) {
                add(types, argument);
            }
            add(types, Type.getReturnType(descriptor));
        } else {
            add(types, Type.getType(descriptor));
        }
    }

    private static void add(Set<String> types, Type type) {
        Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
        if (element.getSort() == Type.OBJECT) {
            types.add(element.getClassName());
        }
    }
}
