package hotfix.runtime.internal.inspect;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The Declarative Services components a jar declares, read from its descriptors without
 * installing it: what a dry run can say the new version will register.
 */
public final class Components {

    /**
     * One component that provides services.
     *
     * @param name           its {@code component.name}
     * @param interfaces     the interfaces it provides
     * @param implementation the binary name of its implementation class
     */
    public record Declared(String name, List<String> interfaces, String implementation) {
    }

    private Components() {
    }

    public static List<Declared> declared(InspectedJar jar) throws Refusal {
        String header = jar.header("Service-Component");
        List<Declared> declared = new ArrayList<>();
        if (header == null) {
            return declared;
        }
        for (String clause : header.split(",")) {
            String path = clause.split(";", 2)[0].trim();
            Pattern glob = Pattern.compile(Pattern.quote(path).replace("*", "\\E[^/]*\\Q"));
            for (String name : jar.names()) {
                if (glob.matcher(name).matches()) {
                    parse(name, jar.entry(name), declared);
                }
            }
        }
        return declared;
    }

    private static void parse(String path, byte[] xml, List<Declared> declared) throws Refusal {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
            NodeList components = document.getElementsByTagNameNS("*", "component");
            if (components.getLength() == 0 && "component".equals(document.getDocumentElement().getLocalName())) {
                components = document.getChildNodes();
            }
            for (int i = 0; i < components.getLength(); i++) {
                if (components.item(i) instanceof Element component) {
                    List<String> interfaces = new ArrayList<>();
                    NodeList provides = component.getElementsByTagNameNS("*", "provide");
                    for (int j = 0; j < provides.getLength(); j++) {
                        interfaces.add(((Element) provides.item(j)).getAttribute("interface"));
                    }
                    if (!interfaces.isEmpty()) {
                        NodeList implementations = component.getElementsByTagNameNS("*", "implementation");
                        String implementation = implementations.getLength() == 0 ? ""
                                : ((Element) implementations.item(0)).getAttribute("class");
                        String name = component.getAttribute("name");
                        if (name.isEmpty()) {
                            name = ((Element) implementations.item(0)).getAttribute("class");
                        }
                        declared.add(new Declared(name, interfaces, implementation));
                    }
                }
            }
        } catch (Exception e) {
            throw new Refusal(hotfix.runtime.api.Reason.NOT_A_BUNDLE,
                    "the component descriptor " + path + " is not valid XML: " + e.getMessage());
        }
    }
}
