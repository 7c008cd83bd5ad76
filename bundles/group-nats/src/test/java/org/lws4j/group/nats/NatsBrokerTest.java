package org.lws4j.group.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.lws4j.group.relay.BrokerContractTest;
import org.lws4j.group.relay.BrokerSettings;
import org.lws4j.group.relay.ListLog;
import org.lws4j.group.relay.RelayBroker;
import org.lws4j.group.relay.ServerProcess;

/** The broker contract against a real nats-server, and what is NATS's own. */
class NatsBrokerTest extends BrokerContractTest {
    @Override
    protected ServerProcess startServer(Path dir) throws IOException {
        return ServerProcess.nats(dir);
    }

    @Override
    protected RelayBroker newBroker(BrokerSettings settings, ListLog log) {
        return new NatsRelay(settings, log);
    }

    @Override
    protected String url(int port) {
        return "nats://127.0.0.1:" + port;
    }

    @Override
    protected ServerProcess startTlsServer(Path dir, Path cert, Path key) throws IOException {
        return ServerProcess.natsTls(dir, cert, key);
    }

    @Override
    protected String tlsUrl(int port) {
        return "tls://127.0.0.1:" + port;
    }

    @Test
    void namesBecomeOneSubjectTokenEach() {
        assertEquals("localhost", NatsRelay.token("localhost"));
        assertEquals("example%2Ecom", NatsRelay.token("example.com"));
        assertEquals("%", NatsRelay.token(""));
        assertEquals("a%20b%2A%3E%25", NatsRelay.token("a b*>%"));
        assertEquals("%C3%A4", NatsRelay.token("ä"));
    }
}
