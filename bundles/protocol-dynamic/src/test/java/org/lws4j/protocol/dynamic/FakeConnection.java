package org.lws4j.protocol.dynamic;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.lws4j.api.Connection;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Mount;
import org.lws4j.api.WriteMode;

/**
 * Stands in for the core: a {@link Connection} that records what the protocol does to it, and the
 * request it serves. Only the methods the dynamic protocol calls are answered.
 */
final class FakeConnection {
    /** One {@code write} call. */
    record Write(byte[] data, WriteMode mode, boolean fin) {
    }

    final List<Write> writes = new ArrayList<>();
    final List<HttpResponse> headers = new ArrayList<>();
    final List<String> statuses = new ArrayList<>();
    int writeableRequests;
    Object session;

    private final String method;
    private final String target;
    private final Map<String, List<String>> requestHeaders = new LinkedHashMap<>();
    private final Connection proxy;

    FakeConnection(String method, String target) {
        this.method = method;
        this.target = target;
        header("Host", "localhost:7681");
        proxy = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (p, m, args) -> switch (m.getName()) {
                    case "session" -> session;
                    case "request" -> request();
                    case "peerAddress" -> new InetSocketAddress("127.0.0.1", 40000);
                    case "writeHttpHeaders" -> {
                        headers.add((HttpResponse) args[0]);
                        yield null;
                    }
                    case "write" -> {
                        ByteBuffer b = (ByteBuffer) args[0];
                        byte[] data = new byte[b.remaining()];
                        b.get(data);
                        writes.add(new Write(data, (WriteMode) args[1], args.length < 3 || (Boolean) args[2]));
                        yield true;
                    }
                    case "requestWriteable" -> {
                        writeableRequests++;
                        yield null;
                    }
                    case "respondStatus" -> {
                        statuses.add(args[0] + " " + args[1]);
                        yield null;
                    }
                    case "toString" -> "FakeConnection";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    FakeConnection header(String name, String value) {
        requestHeaders.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
        return this;
    }

    Connection wsi() {
        return proxy;
    }

    /** All body bytes written so far. */
    byte[] body() {
        int n = writes.stream().mapToInt(w -> w.data().length).sum();
        byte[] all = new byte[n];
        int at = 0;
        for (Write w : writes) {
            System.arraycopy(w.data(), 0, all, at, w.data().length);
            at += w.data().length;
        }
        return all;
    }

    private HttpRequest request() {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        return new HttpRequest() {
            @Override public String method() { return method; }
            @Override public String target() { return target; }
            @Override public String path() { return path; }
            @Override public String query() { return query; }
            @Override public String version() { return "HTTP/1.1"; }
            @Override public Mount mount() { return null; }
            @Override public String pathInMount() { return path.startsWith("/dyn") ? path.substring(4) : path; }
            @Override public String header(String name) {
                List<String> v = headers(name);
                return v.isEmpty() ? null : v.get(0);
            }
            @Override public List<String> headers(String name) {
                return requestHeaders.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
            }
            @Override public Set<String> headerNames() { return new LinkedHashSet<>(requestHeaders.keySet()); }
            @Override public String urlArg(String name) { throw new UnsupportedOperationException(); }
            @Override public long contentLength() {
                String v = header("Content-Length");
                return v == null ? -1 : Long.parseLong(v);
            }
        };
    }
}
