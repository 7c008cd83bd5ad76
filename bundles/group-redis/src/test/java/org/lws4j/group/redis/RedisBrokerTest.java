package org.lws4j.group.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lws4j.group.relay.BrokerContractTest;
import org.lws4j.group.relay.BrokerSettings;
import org.lws4j.group.relay.ListLog;
import org.lws4j.group.relay.RelayBroker;
import org.lws4j.group.relay.ServerProcess;

import redis.clients.jedis.Jedis;

/** The broker contract against a real redis-server, and what is Redis's own. */
class RedisBrokerTest extends BrokerContractTest {
    @Override
    protected ServerProcess startServer(Path dir) throws IOException {
        return ServerProcess.redis(dir);
    }

    @Override
    protected RelayBroker newBroker(BrokerSettings settings, ListLog log) {
        return new RedisRelay(settings, log);
    }

    @Override
    protected String url(int port) {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    protected ServerProcess startTlsServer(Path dir, Path cert, Path key) throws IOException {
        return ServerProcess.redisTls(dir, cert, key);
    }

    @Override
    protected String tlsUrl(int port) {
        return "rediss://127.0.0.1:" + port;
    }

    @Test
    void messagesOfOtherProgramsUnderThePrefixAreIgnoredAndCounted() throws Exception {
        Node a = connected();
        Node b = connected();
        try (Jedis other = new Jedis("127.0.0.1", server.port())) {
            other.publish("lws4j:localhost:mirror", "not a group message, but long enough to be read as one");
            other.publish("lws4j:localhost:mirror", "short");
            other.publish("lws4j-other:x", "another prefix: never seen");
        }
        a.publish("v", "g", "real");
        b.sink().awaitText("real", 20);
        assertEquals(2, b.broker().rejected());
        assertEquals(1, b.log().count("ignoring a message under prefix lws4j: not an lws4j group message"));
        assertEquals(1, b.sink().delivered().size());
    }

    @Test
    void aWrongPasswordKeepsRetryingAndSaysWhy() throws Exception {
        try (Jedis admin = new Jedis("127.0.0.1", server.port())) {
            admin.configSet("requirepass", "s3cret");
        }
        Node wrong = node(Map.of(BrokerSettings.PASSWORD, "nope"));
        long until = System.nanoTime() + 20_000_000_000L;
        while (wrong.log().count("cannot connect") == 0 && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        org.junit.jupiter.api.Assertions.assertTrue(wrong.log().lines().stream()
                .anyMatch(l -> l.startsWith("WARN") && l.contains("cannot connect") && l.contains("WRONGPASS")),
                wrong.log().lines().toString());
        Node right = node(Map.of(BrokerSettings.PASSWORD, "s3cret"));
        right.sink().awaitState(org.lws4j.spi.group.GroupBroker.State.CONNECTED, 20);
    }
}
