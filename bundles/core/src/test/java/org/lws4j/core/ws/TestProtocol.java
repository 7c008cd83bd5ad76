package org.lws4j.core.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.lws4j.api.Connection;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;

/**
 * The protocol behind the WebSocket socket tests. Echoes every piece as a fragment of the echoed
 * message (so the echo has the message's shape), records every callback by the connection's
 * {@code ?tag=}, and: "close:N" makes it close with N (N = 0: return CLOSE without a code); FLOW
 * stops rx on the first RECEIVE until the test calls {@link #resume} (which resumes it through
 * {@link Connection#execute}, as another thread must); MISUSE writes from ESTABLISHED and RECEIVE
 * and answers with what happened.
 *
 * <p>Callbacks run on the service thread; the records are read by the test thread, so they are
 * kept in synchronized lists and {@link #events} hands out copies.
 */
final class TestProtocol implements Protocol {
    enum Mode { ECHO, FLOW, MISUSE }

    /** One callback as the protocol saw it. */
    record Event(String tag, Reason reason, byte[] data, boolean first, boolean last, long remaining, boolean binary,
                 boolean paused, long nanos) {
        @Override
        public String toString() {
            return reason + "(" + data.length + (first ? " first" : "") + (last ? " final" : "") + " rem=" + remaining
                    + (paused ? " PAUSED" : "") + ")";
        }
    }

    /** What the protocol keeps per connection. */
    private static final class Session {
        String tag = "";
        final ArrayDeque<Event> out = new ArrayDeque<>();
        final List<String> misuse = new ArrayList<>();
        volatile boolean paused;
        int receives;
    }

    final String name;
    final Mode mode;
    final int rx;
    final Map<String, List<Event>> events = new ConcurrentHashMap<>();
    final Map<String, Connection> connections = new ConcurrentHashMap<>();
    /** When {@link #resume} turned rx back on, by tag ({@link System#nanoTime}, on the service thread). */
    final Map<String, Long> resumed = new ConcurrentHashMap<>();

    TestProtocol(String name, Mode mode, int rx) {
        this.name = name;
        this.mode = mode;
        this.rx = rx;
    }

    @Override
    public int rxBufferSize() {
        return rx;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new Session();
    }

    @Override
    public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
        Session s = wsi.session();
        switch (reason) {
            case ESTABLISHED:
                String tag = wsi.request().urlArg("tag");
                s.tag = tag == null ? "" : tag;
                connections.put(s.tag, wsi);
                if (mode == Mode.MISUSE) {
                    s.misuse.add("ESTABLISHED:" + tryWrite(wsi));
                }
                record(s, wsi, reason, in, false);
                return Result.CONTINUE;
            case RECEIVE:
                return receive(wsi, s, in);
            case SERVER_WRITEABLE:
                while (!s.out.isEmpty() && !wsi.sendPipeChoked()) {
                    Event p = s.out.poll();
                    WriteMode m = !p.first() ? WriteMode.CONTINUATION : p.binary() ? WriteMode.BINARY : WriteMode.TEXT;
                    if (!wsi.write(ByteBuffer.wrap(p.data()), m, p.last())) {
                        return Result.CLOSE;
                    }
                }
                if (!s.out.isEmpty()) {
                    wsi.requestWriteable();
                }
                return Result.CONTINUE;
            default:
                if (s != null) {
                    record(s, wsi, reason, in, false);
                }
                return Result.CONTINUE;
        }
    }

    private Result receive(Connection wsi, Session s, ByteBuffer in) {
        Event e = record(s, wsi, Reason.RECEIVE, in, s.paused);
        s.receives++;
        String text = new String(e.data(), StandardCharsets.ISO_8859_1);
        if (e.first() && e.last() && text.startsWith("close:")) {
            int code = Integer.parseInt(text.substring(6));
            if (code == 0) {
                return Result.CLOSE;
            }
            wsi.close(code, "bye");
            return Result.CLOSE;
        }
        if (mode == Mode.FLOW && s.receives == 1) {
            s.paused = true;
            wsi.rxFlowControl(false);
        }
        if (mode == Mode.MISUSE) {
            s.misuse.add("RECEIVE:" + tryWrite(wsi));
            if (e.last()) {
                byte[] reply = String.join(" ", s.misuse).getBytes(StandardCharsets.UTF_8);
                s.out.add(new Event(s.tag, Reason.RECEIVE, reply, true, true, 0, false, false, 0));
                wsi.requestWriteable();
            }
            return Result.CONTINUE;
        }
        s.out.add(e);
        wsi.requestWriteable();
        return Result.CONTINUE;
    }

    /** FLOW: turns rx back on for the connection tagged {@code tag}, from the test's thread. */
    void resume(String tag) {
        Connection wsi = connections.get(tag);
        if (wsi == null || !wsi.execute(() -> {
            Session s = wsi.session();
            s.paused = false;
            resumed.put(tag, System.nanoTime());
            wsi.rxFlowControl(true);
        })) {
            throw new AssertionError("no open connection tagged " + tag);
        }
    }

    private static String tryWrite(Connection wsi) {
        try {
            wsi.write(ByteBuffer.wrap("misplaced".getBytes(StandardCharsets.UTF_8)), WriteMode.TEXT);
            return "no exception";
        } catch (IllegalStateException e) {
            return "IllegalStateException";
        }
    }

    private Event record(Session s, Connection wsi, Reason reason, ByteBuffer in, boolean paused) {
        byte[] d = new byte[in.remaining()];
        in.duplicate().get(d);
        boolean data = reason == Reason.RECEIVE;
        Event e = new Event(s.tag, reason, d, data && wsi.isFirstFragment(), data && wsi.isFinalFragment(),
                data ? wsi.remainingPacketPayload() : 0, data && wsi.isBinary(), paused, System.nanoTime());
        events.computeIfAbsent(s.tag, k -> Collections.synchronizedList(new ArrayList<>())).add(e);
        return e;
    }

    /** Every callback so far on the connection tagged {@code tag}, in order. */
    List<Event> events(String tag) {
        List<Event> l = events.get(tag);
        if (l == null) {
            return List.of();
        }
        synchronized (l) {
            return new ArrayList<>(l);
        }
    }

    List<Event> events(String tag, Reason reason) {
        List<Event> r = new ArrayList<>();
        for (Event e : events(tag)) {
            if (e.reason() == reason) {
                r.add(e);
            }
        }
        return r;
    }

    /** Waits up to 5 s for {@code n} events of {@code reason}; returns what there is then. */
    List<Event> await(String tag, Reason reason, int n) {
        long end = System.nanoTime() + 5_000_000_000L;
        List<Event> l = events(tag, reason);
        while (l.size() < n && System.nanoTime() < end) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            l = events(tag, reason);
        }
        return l;
    }
}
