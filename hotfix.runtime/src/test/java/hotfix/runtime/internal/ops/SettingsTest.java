package hotfix.runtime.internal.ops;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class SettingsTest {

    private final Settings framework = Settings.of(Map.of(
            Settings.DEPLOY_DIR, "from/framework",
            Settings.DRAIN_TIMEOUT, "750")::get);

    @Test
    public void aConfiguredValueWinsOverTheFrameworkPropertyWhichIsTheDefault() {
        Hashtable<String, Object> configured = new Hashtable<>();
        configured.put(Settings.DEPLOY_DIR, "from/config");
        configured.put(Settings.HISTORY_RETENTION, 20);
        configured.put("someone.elses.key", "ignored");

        Settings settings = framework.with(configured);

        assertEquals("from/config", settings.get(Settings.DEPLOY_DIR));
        assertEquals(20, settings.historyRetention());
        assertEquals(Duration.ofMillis(750), settings.hotfixOptions().drainTimeout());
        assertNull(settings.get("someone.elses.key"));
        assertTrue(settings.deployDiffers(framework));
        assertFalse(framework.with(null).deployDiffers(framework));
    }

    @Test
    public void unsetOrMalformedNumbersTakeTheBuiltInDefaults() {
        Settings settings = Settings.of(Map.of(Settings.HISTORY_RETENTION, "many")::get);

        assertEquals(1000, settings.historyRetention());
        assertEquals(Duration.ofSeconds(5), settings.hotfixOptions().drainTimeout());
        assertEquals(Duration.ofSeconds(10), settings.deployIncomplete(Duration.ofSeconds(10)));
    }

    @Test
    public void theMetatypeDescriptionListsEveryKeyInOrder() throws Exception {
        List<String> described = new ArrayList<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(
                "OSGI-INF/metatype/" + Settings.PID + ".xml")) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            NodeList attributes = factory.newDocumentBuilder().parse(in).getElementsByTagName("AD");
            for (int i = 0; i < attributes.getLength(); i++) {
                described.add(((Element) attributes.item(i)).getAttribute("id"));
            }
        }

        assertEquals(Settings.KEYS, described);
    }
}
