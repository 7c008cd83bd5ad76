package org.lws4j.protocol.fraggle;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.lws4j.api.Connection;
import org.lws4j.api.Context;
import org.lws4j.api.Log;
import org.lws4j.api.VhostProtocol;
import org.lws4j.api.WriteMode;

/**
 * Stands in for the core: a WebSocket {@link Connection} that records the frames written to it
 * and plays RECEIVE pieces with their first/final flags. Only what fraggle calls is answered.
 */
final class FakeWs {
    record Frame(byte[] data, WriteMode mode, boolean fin) {
    }

    final List<Frame> frames = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    Object session;
    Object bindingData;
    int writeableRequests;
    Boolean rxOn;
    boolean binary = true;
    boolean finalFragment;
    private final Connection proxy;

    FakeWs() {
        Log l = (Log) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Log.class}, (p, m, a) -> {
            if (m.getName().equals("enabled")) {
                return true;
            }
            log.add(m.getName() + ": " + String.format((String) a[0], (Object[]) a[1]));
            return null;
        });
        Context ctx = (Context) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Context.class},
                (p, m, a) -> m.getName().equals("log") ? l : null);
        VhostProtocol binding = (VhostProtocol) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {VhostProtocol.class}, (p, m, a) -> m.getName().equals("data") ? bindingData : null);
        proxy = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (p, m, a) -> switch (m.getName()) {
                    case "session" -> session;
                    case "context" -> ctx;
                    case "protocolBinding" -> binding;
                    case "peerAddress" -> new InetSocketAddress("127.0.0.1", 40000);
                    case "isBinary" -> binary;
                    case "isFinalFragment" -> finalFragment;
                    case "requestWriteable" -> {
                        writeableRequests++;
                        yield null;
                    }
                    case "rxFlowControl" -> {
                        rxOn = (Boolean) a[0];
                        yield null;
                    }
                    case "write" -> {
                        ByteBuffer b = (ByteBuffer) a[0];
                        byte[] d = new byte[b.remaining()];
                        b.get(d);
                        frames.add(new Frame(d, (WriteMode) a[1], a.length < 3 || (Boolean) a[2]));
                        yield true;
                    }
                    case "toString" -> "FakeWs";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    Connection wsi() {
        return proxy;
    }
}
