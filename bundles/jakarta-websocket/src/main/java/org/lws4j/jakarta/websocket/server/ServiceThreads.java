package org.lws4j.jakarta.websocket.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service threads seen so far (each session records its own at ESTABLISHED), so that a send
 * made on any of them, for any session, is never allowed to wait. Thread-safe; owned by one
 * protocol instance and dropped with it.
 */
final class ServiceThreads {
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    void add(Thread t) {
        threads.add(t);
    }

    boolean contains(Thread t) {
        return threads.contains(t);
    }
}
