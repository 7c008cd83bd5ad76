package ${package};

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lws4j.testkit.TestContext;
import org.lws4j.testkit.TestVhost;
import org.lws4j.testkit.TestWebSocket;

/**
 * ${className} on the lws4j test kit: a vhost binds it with its pvo, a WebSocket client sends,
 * the socket drains (the only time SERVER_WRITEABLE comes), the client reads. No server, no
 * sockets, no threads.
 */
class ${className}Test {
    private final TestContext ctx = new TestContext();
    private final TestVhost vhost = ctx.addVhost("localhost");

    @Test
    void textComesBackAfterThePrefix() {
        vhost.bind(${className}.NAME, new ${className}(), Map.of("prefix", "echo: "));
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.sendText("hello").sendText("again");
        assertTrue(ws.texts().isEmpty(), "nothing is written before the socket drains");
        ws.drain();
        assertEquals(List.of("echo: hello", "echo: again"), ws.texts());
    }

    @Test
    void aFragmentedMessageIsAnsweredWholeAndBinaryAsItCame() {
        vhost.bind(${className}.NAME, new ${className}());
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.sendTextFragments("frag", "ment", "ed");
        ws.sendBinary(new byte[] {1, 2, 3});
        ws.drain();
        assertEquals("fragmented", ws.nextText());
        assertArrayEquals(new byte[] {1, 2, 3}, ws.nextMessage().data());
    }

    @Test
    void aMessageOverTheLimitCloses1009() {
        vhost.bind(${className}.NAME, new ${className}());
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.sendBinary(new byte[${className}.MAX_MESSAGE + 1]);
        assertEquals(1009, ws.closeCode());
        assertTrue(ws.isClosed());
    }
}
