package org.lws4j.core.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lws4j.core.config.MountConfig;

/** Which mount takes a path, and what of the path is left for it. */
class MountTableTest {
    private static MountConfig mount(String mountpoint) {
        return new MountConfig(mountpoint, "file:///srv" + mountpoint, null, Map.of(), Map.of(), Map.of(), Map.of());
    }

    private static final MountConfig ROOT = mount("/");
    private static final MountConfig DYN = mount("/dyn");
    private static final MountConfig DYN_SUB = mount("/dyn/sub");
    private static final MountConfig STATIC = mount("/static/");

    private static String match(MountTable t, String path) {
        MountConfig m = t.match(path);
        return m == null ? null : m.mountpoint();
    }

    @Test
    void longestPrefixWinsWhateverTheOrder() {
        for (List<MountConfig> order : List.of(List.of(ROOT, DYN, DYN_SUB, STATIC), List.of(DYN_SUB, STATIC, DYN, ROOT),
                List.of(DYN, ROOT, STATIC, DYN_SUB))) {
            MountTable t = new MountTable(order);
            assertEquals("/dyn/sub", match(t, "/dyn/sub/x"), order.toString());
            assertEquals("/dyn/sub", match(t, "/dyn/sub"), order.toString());
            assertEquals("/dyn", match(t, "/dyn/subway"), order.toString());
            assertEquals("/dyn", match(t, "/dyn/x"), order.toString());
            assertEquals("/", match(t, "/other"), order.toString());
        }
    }

    @Test
    void wholeSegmentsOnly() {
        MountTable t = new MountTable(List.of(ROOT, DYN));
        assertEquals("/dyn", match(t, "/dyn"));
        assertEquals("/dyn", match(t, "/dyn/"));
        assertEquals("/dyn", match(t, "/dyn/x/y"));
        assertEquals("/", match(t, "/dynamo"));
        assertEquals("/", match(t, "/dyn.html"));
        assertEquals("/", match(t, "/dy"));
    }

    @Test
    void mountpointWithTrailingSlash() {
        MountTable t = new MountTable(List.of(STATIC));
        assertEquals("/static/", match(t, "/static"));
        assertEquals("/static/", match(t, "/static/"));
        assertEquals("/static/", match(t, "/static/a.css"));
        assertNull(match(t, "/statics"));
    }

    @Test
    void rootCatchesAll() {
        MountTable t = new MountTable(List.of(ROOT));
        assertEquals("/", match(t, "/"));
        assertEquals("/", match(t, "/anything/at/all"));
    }

    @Test
    void noMatchWithoutARootMount() {
        MountTable t = new MountTable(List.of(DYN, STATIC));
        assertNull(match(t, "/"));
        assertNull(match(t, "/other"));
        assertNull(match(t, "/dynamo"));
    }

    @Test
    void matchingIsCaseSensitive() {
        assertEquals("/", match(new MountTable(List.of(ROOT, DYN)), "/DYN/x"));
    }

    @Test
    void remainder() {
        assertEquals("/x/y", MountTable.remainder(DYN, "/dyn/x/y"));
        assertEquals("/", MountTable.remainder(DYN, "/dyn/"));
        assertEquals("", MountTable.remainder(DYN, "/dyn"));
        assertEquals("/a/b", MountTable.remainder(ROOT, "/a/b"));
        assertEquals("/", MountTable.remainder(ROOT, "/"));
        assertEquals("/a.css", MountTable.remainder(STATIC, "/static/a.css"));
        assertEquals("", MountTable.remainder(STATIC, "/static"));
    }

    @Test
    void segmentCount() {
        assertEquals(0, MountTable.segmentCount(ROOT));
        assertEquals(1, MountTable.segmentCount(DYN));
        assertEquals(2, MountTable.segmentCount(DYN_SUB));
        assertEquals(1, MountTable.segmentCount(STATIC));
    }
}
