package hotfix.tool;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;

public class HeadersTest {

    @Test
    public void packagesAreReadWithoutAttributesAndRangesStayWhole() {
        assertEquals(List.of("example.webapp.api", "hotfix.runtime.api", "org.osgi.framework", "a.b", "c.d"),
                List.copyOf(Headers.packages("example.webapp.api;version=\"[1.0,2)\",hotfix.runtime.api;"
                        + "version=\"[1.0,1.1)\";resolution:=optional, org.osgi.framework;version=\"[1.10,2)\","
                        + "a.b;c.d;version=1.0")));
    }

    @Test
    public void noHeaderIsNoPackage() {
        assertEquals(List.of(), List.copyOf(Headers.packages(null)));
    }
}
