package org.lws4j.core.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connection limit's two counts read from /proc (the start-up path, which avoids creating the
 * platform MBean server) agree with what the JDK's OperatingSystem MXBean says, and the count of
 * open descriptors follows descriptors being opened.
 */
class AcceptorLimitTest {
    @Test
    void procCountsMatchTheOperatingSystemBean() throws Exception {
        long[] fds = Acceptor.procFileDescriptors();
        assertNotNull(fds, "/proc/self/limits and /proc/self/fd are readable on Linux");
        UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        assertEquals(os.getMaxFileDescriptorCount(), fds[0], "the soft limit of open files");
        assertTrue(fds[1] > 2 && fds[1] <= fds[0], "descriptors in use: " + fds[1]);

        List<ServerSocketChannel> opened = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                opened.add(ServerSocketChannel.open());
            }
            long[] more = Acceptor.procFileDescriptors();
            assertNotNull(more);
            // other threads of the test JVM may open or close a descriptor meanwhile: allow a little
            assertTrue(Math.abs(more[1] - fds[1] - 10) <= 2, fds[1] + " then " + more[1] + " with 10 more open");
        } finally {
            for (ServerSocketChannel c : opened) {
                c.close();
            }
        }
    }
}
