package org.lws4j.protocol.postdemo;

import java.lang.reflect.Proxy;
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

/**
 * Stands in for the core: a {@link Connection} that records what the protocol answers, for the
 * request it serves. Only the methods the POST demo calls are answered.
 */
final class FakeConnection {
    /** One answer: respond or respondStatus. */
    record Answer(int status, HttpResponse response, String body) {
    }

    final List<Answer> answers = new ArrayList<>();
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
                    case "respond" -> {
                        HttpResponse r = (HttpResponse) args[0];
                        ByteBuffer b = (ByteBuffer) args[1];
                        byte[] body = new byte[b.remaining()];
                        b.get(body);
                        answers.add(new Answer(r.status(), r, new String(body, java.nio.charset.StandardCharsets.UTF_8)));
                        yield null;
                    }
                    case "respondStatus" -> {
                        answers.add(new Answer((Integer) args[0], null, (String) args[1]));
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

    private HttpRequest request() {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        return new HttpRequest() {
            @Override public String method() { return method; }
            @Override public String target() { return target; }
            @Override public String path() { return path; }
            @Override public String query() { return q < 0 ? null : target.substring(q + 1); }
            @Override public String version() { return "HTTP/1.1"; }
            @Override public Mount mount() { return null; }
            @Override public String pathInMount() { return ""; }
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
