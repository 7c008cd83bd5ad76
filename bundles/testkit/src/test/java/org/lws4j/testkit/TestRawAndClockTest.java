package org.lws4j.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.Connection;
import org.lws4j.api.ConnectionInfo;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Role;
import org.lws4j.api.Scheduled;
import org.lws4j.api.VhostProtocol;
import org.lws4j.api.WriteMode;
import org.lws4j.spi.fileops.FileHandle;

class TestRawAndClockTest {
    final TestContext ctx = new TestContext();
    final TestVhost vhost = ctx.addVhost("localhost");

    /** Echoes raw bytes from RAW_WRITEABLE; pauses reading after each RAW_RX when asked to. */
    static final class RawEcho extends ProtocolAdapter {
        final List<String> rx = new ArrayList<>();
        final StringBuilder out = new StringBuilder();
        boolean pause;

        @Override
        protected Result onRawRx(Connection wsi, ByteBuffer in) {
            String s = UTF_8.decode(in).toString();
            rx.add(s);
            out.append(s);
            wsi.requestWriteable();
            if (pause) {
                wsi.rxFlowControl(false);
            }
            return Result.CONTINUE;
        }

        @Override
        protected Result onRawWriteable(Connection wsi, ByteBuffer in) {
            wsi.write(ByteBuffer.wrap(out.toString().getBytes(UTF_8)), WriteMode.RAW);
            out.setLength(0);
            return Result.CONTINUE;
        }
    }

    @Test
    void rawSocketsOnTheFallbackProtocolEchoAndHeldBytesArriveTogether() {
        RawEcho p = new RawEcho();
        vhost.bind("raw", p, Map.of("raw", "1"));
        TestRaw r = vhost.openRaw();
        assertEquals(Role.RAW_SOCKET, r.role());
        r.send("hello\n");
        r.drain();
        assertEquals("hello\n", r.receivedText());
        p.pause = true;
        r.send("a");
        r.send("b");
        r.send("c");
        assertEquals(List.of("hello\n", "a"), p.rx);
        p.pause = false;
        r.execute(() -> r.rxFlowControl(true));
        assertEquals(List.of("hello\n", "a", "bc"), p.rx, "what was held comes in one RAW_RX");
        r.disconnect();
        assertEquals(List.of(Reason.RAW_ADOPT, Reason.RAW_RX, Reason.RAW_WRITEABLE, Reason.RAW_RX, Reason.RAW_RX,
                Reason.RAW_CLOSE), r.reasons());
    }

    @Test
    void noRawProtocolNoFallback() {
        vhost.bind("raw", new RawEcho());
        assertThrows(IllegalStateException.class, vhost::openRaw);
    }

    @Test
    void adoptedFilesUseTheFileReasons() {
        TestBinding b = vhost.bind("raw", new RawEcho());
        TestRaw f = (TestRaw) ctx.adoptStream(null, null, "localhost", "raw");
        assertEquals(Role.RAW_FILE, f.role());
        assertEquals(List.of(Reason.RAW_ADOPT_FILE), f.reasons());
        assertEquals(1, b.connections().size());
    }

    /** Counts ticks of a timed callback every 50 ms, and TIMERs of a connection. */
    static final class Ticker extends ProtocolAdapter {
        int ticks;
        int timers;
        Scheduled next;

        @Override
        protected Result onProtocolInit(VhostProtocol binding) {
            next = binding.timedCallback("tick", 50, TimeUnit.MILLISECONDS);
            return Result.CONTINUE;
        }

        @Override
        protected void onTimedCallback(VhostProtocol binding, Object tag) {
            ticks++;
            next = binding.timedCallback(tag, 50, TimeUnit.MILLISECONDS);
        }

        @Override
        protected Result onEstablished(Connection wsi, ByteBuffer in) {
            wsi.setTimer(30, TimeUnit.MILLISECONDS);
            return Result.CONTINUE;
        }

        @Override
        protected Result onTimer(Connection wsi, ByteBuffer in) {
            timers++;
            return timers == 2 ? Result.CLOSE : Result.CONTINUE;
        }

        @Override
        protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
            wsi.setTimer(30, TimeUnit.MILLISECONDS);
            return Result.CONTINUE;
        }
    }

    @Test
    void timersRunOnTheVirtualClockOnly() {
        Ticker t = new Ticker();
        TestBinding b = vhost.bind("tick", t);
        TestWebSocket ws = vhost.openWebSocket("/");
        ctx.advance(49, TimeUnit.MILLISECONDS);
        assertEquals(0, t.ticks);
        assertEquals(1, t.timers);
        ctx.advance(1, TimeUnit.MILLISECONDS);
        assertEquals(1, t.ticks);
        ctx.advance(1, TimeUnit.SECONDS);
        assertEquals(21, t.ticks);
        assertEquals(1, t.timers, "a TIMER is once per setTimer");
        ws.forceWriteable();
        ctx.advance(30, TimeUnit.MILLISECONDS);
        assertEquals(1000, ws.closeCode(), "CLOSE from TIMER closes with 1000");
        assertTrue(t.next.cancel());
        assertFalse(t.next.cancel());
        vhost.unbind("tick");
        int before = t.ticks;
        ctx.advance(1, TimeUnit.SECONDS);
        assertEquals(before, t.ticks, "a binding's timed callbacks end with it");
        assertEquals(Reason.PROTOCOL_DESTROY, b.reasons().get(b.reasons().size() - 1));
    }

    @Test
    void requestWriteableAllFromAnotherThreadWaitsForRunTasks() throws Exception {
        List<String> got = new ArrayList<>();
        ProtocolAdapter p = new ProtocolAdapter() {
            @Override
            protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
                got.add("w" + wsi.id());
                return Result.CONTINUE;
            }
        };
        TestBinding b = vhost.bind("p", p);
        vhost.openWebSocket("/");
        vhost.openWebSocket("/");
        Thread t = new Thread(b::requestWriteableAll);
        t.start();
        t.join(10_000);
        assertEquals(0, ctx.drainAll());
        assertEquals(1, ctx.pendingTasks());
        ctx.runTasks();
        assertEquals(2, ctx.drainAll());
        assertEquals(2, got.size());
    }

    @Test
    void theContextListsConnectionsAndClosesThem() {
        vhost.bind("tick", new Ticker());
        TestWebSocket ws = vhost.openWebSocket("/");
        ws.sendText("12345");
        List<ConnectionInfo> infos = ctx.connections();
        assertEquals(1, infos.size());
        assertEquals("tick", infos.get(0).protocol());
        assertEquals(1, infos.get(0).messagesIn());
        assertTrue(ctx.closeConnection(ws.id(), 4000, "kicked"));
        assertEquals(4000, ws.closeCode());
        assertTrue(ctx.connections().isEmpty());
    }

    @Test
    void plainFileOpsCountWhatTheyDo(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.txt");
        Files.writeString(f, "0123456789");
        PlainFileOps ops = new PlainFileOps();
        try (FileHandle h = ops.open(f.toString(), EnumSet.noneOf(org.lws4j.spi.fileops.FileFlag.class), null)) {
            assertEquals(10, h.length());
            h.seek(4, FileHandle.Whence.START);
            ByteBuffer b = ByteBuffer.allocate(3);
            assertEquals(3, h.read(b));
            assertEquals("456", new String(b.array(), UTF_8));
        }
        assertEquals(1, ops.opens());
        assertEquals(1, ops.closes());
        assertEquals(3, ops.bytesRead());
        assertTrue(vhost.fileOps() instanceof PlainFileOps);
    }
}
