package org.lws4j.group.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.lws4j.api.Log;
import org.lws4j.group.relay.BrokerSettings;
import org.lws4j.group.relay.RelayBroker;

import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;

/**
 * Groups across nodes on Redis pub/sub, with Jedis. A session is two connections, since a Redis
 * connection that subscribes can do nothing else: one subscribed with {@code PSUBSCRIBE prefix:*}
 * (on the link thread, which Jedis's subscription loop blocks), one that publishes (on the
 * publisher thread; a batch goes as one pipeline). A message goes to channel
 * {@code prefix:vhost:group}; Redis channels are binary-safe, and the frame carries the names
 * anyway, so the channel is for people watching ({@code redis-cli psubscribe 'lws4j:*'}).
 */
public final class RedisRelay extends RelayBroker {
    private static final int CONNECT_TIMEOUT_MS = 2000;
    private static final int SOCKET_TIMEOUT_MS = 5000;

    public RedisRelay(BrokerSettings settings, Log log) {
        super(settings, log, "lws4j-group-redis");
    }

    @Override
    protected Session connect() throws Exception {
        HostAndPort at = new HostAndPort(settings.host(), settings.port());
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder();
        if (settings.tls()) {
            javax.net.ssl.SSLParameters verify = new javax.net.ssl.SSLParameters();
            verify.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            b.ssl(true).sslSocketFactory(settings.sslContext().getSocketFactory()).sslParameters(verify);
        }
        JedisClientConfig cfg = b
                .user(settings.user())
                .password(settings.password())
                .connectionTimeoutMillis(CONNECT_TIMEOUT_MS)
                .socketTimeoutMillis(SOCKET_TIMEOUT_MS)
                .clientName("lws4j-group-" + node().toString().substring(0, 8))
                .build();
        Jedis pub = new Jedis(at, cfg);
        Jedis sub = null;
        try {
            pub.ping(); // connected and authenticated, or an exception saying why
            sub = new Jedis(at, cfg);
            sub.ping();
            return new RedisSession(pub, sub);
        } catch (RuntimeException e) {
            pub.close();
            if (sub != null) {
                sub.close();
            }
            throw e;
        }
    }

    private final class RedisSession implements Session {
        private final Jedis pub;
        private final Jedis sub;
        private final String channelPrefix = settings.prefix() + ":";

        RedisSession(Jedis pub, Jedis sub) {
            this.pub = pub;
            this.sub = sub;
        }

        @Override
        public void run(Runnable ready) {
            sub.psubscribe(new BinaryJedisPubSub() {
                @Override
                public void onPSubscribe(byte[] pattern, int count) {
                    ready.run();
                }

                @Override
                public void onPMessage(byte[] pattern, byte[] channel, byte[] message) {
                    received(message);
                }
            }, (channelPrefix + "*").getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void send(List<Outgoing> batch) {
            if (batch.size() == 1) {
                Outgoing o = batch.get(0);
                pub.publish(channel(o), o.frame());
                return;
            }
            Pipeline p = pub.pipelined();
            for (Outgoing o : batch) {
                p.publish(channel(o), o.frame());
            }
            p.sync();
        }

        private byte[] channel(Outgoing o) {
            return (channelPrefix + o.vhost() + ":" + o.group()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            // closing the sockets ends the subscription loop (a read fails) and any send
            quietly(sub);
            quietly(pub);
        }

        private void quietly(Jedis j) {
            try {
                j.disconnect();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
    }
}
