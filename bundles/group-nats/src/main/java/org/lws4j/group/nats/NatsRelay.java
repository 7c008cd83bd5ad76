package org.lws4j.group.nats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.lws4j.api.Log;
import org.lws4j.group.relay.BrokerSettings;
import org.lws4j.group.relay.RelayBroker;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;

/**
 * Groups across nodes on NATS core publish/subscribe, with jnats. A session is one connection:
 * subscribed to {@code prefix.>} through one dispatcher (one thread, so messages arrive in order),
 * publishing on the publisher thread (jnats writes its outgoing queue in order). jnats's own
 * reconnection is off ({@code maxReconnects(0)}): a lost connection closes, and the link thread
 * reconnects with its back-off, so both brokers behave alike and nothing published while down is
 * buffered for later. {@code noEcho()} keeps the server from sending a node its own messages (the
 * node id check stays, for a second connection of the same node).
 *
 * <p>A message goes to subject {@code prefix.vhost.group}, each name as one token ({@link #token}:
 * characters a subject cannot hold percent-escaped); the frame carries the names, the subject is
 * for people watching ({@code nats sub 'lws4j.>'}).
 */
public final class NatsRelay extends RelayBroker {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    public NatsRelay(BrokerSettings settings, Log log) {
        super(settings, log, "lws4j-group-nats");
    }

    @Override
    protected Session connect() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<Exception> cause = new AtomicReference<>();
        String url = (settings.tls() ? "tls://" : "nats://") + hostPort();
        Options.Builder o = new Options.Builder()
                .server(url)
                .maxReconnects(0)
                .noEcho()
                .noRandomize()
                .connectionTimeout(CONNECT_TIMEOUT)
                .connectionName("lws4j-group-" + node().toString().substring(0, 8))
                .connectionListener((conn, event) -> {
                    if (event == ConnectionListener.Events.CLOSED || event == ConnectionListener.Events.DISCONNECTED) {
                        ended.countDown();
                    }
                })
                .errorListener(new ErrorListener() {
                    // jnats's connect() says only "Unable to connect"; the reason (a refused
                    // certificate, an authorization error) comes here: kept for the exception
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        cause.set(new IOException(error));
                    }

                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        cause.set(exp);
                    }
                });
        if (settings.tls()) {
            o.sslContext(settings.sslContext());
        }
        if (settings.user() != null || settings.password() != null) {
            o.userInfo(settings.user() == null ? "" : settings.user(),
                    settings.password() == null ? "" : settings.password());
        }
        try {
            return new NatsSession(Nats.connect(o.build()), ended);
        } catch (IOException e) {
            Exception why = cause.get();
            if (why != null) {
                e.initCause(why);
            }
            throw e;
        }
    }

    private String hostPort() {
        String h = settings.host().indexOf(':') >= 0 ? "[" + settings.host() + "]" : settings.host();
        return h + ":" + settings.port();
    }

    /** A name as one subject token: letters, digits, '_' and '-' as they are, every other byte of its UTF-8 as %XX; "" as "%". */
    static String token(String name) {
        if (name.isEmpty()) {
            return "%";
        }
        StringBuilder b = new StringBuilder(name.length());
        for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                b.append(c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }

    private final class NatsSession implements Session {
        private final Connection connection;
        private final CountDownLatch ended;

        NatsSession(Connection connection, CountDownLatch ended) {
            this.connection = connection;
            this.ended = ended;
        }

        @Override
        public void run(Runnable ready) throws Exception {
            Dispatcher d = connection.createDispatcher(m -> received(m.getData()));
            d.subscribe(settings.prefix() + ".>");
            connection.flush(CONNECT_TIMEOUT); // the server has the subscription
            ready.run();
            ended.await();
            if (connection.getLastError() != null) {
                throw new IllegalStateException(connection.getLastError());
            }
        }

        @Override
        public void send(List<Outgoing> batch) {
            for (Outgoing o : batch) {
                connection.publish(settings.prefix() + "." + token(o.vhost()) + "." + token(o.group()), o.frame());
            }
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
            ended.countDown();
        }
    }
}
