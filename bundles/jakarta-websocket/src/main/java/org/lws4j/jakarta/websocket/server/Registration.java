package org.lws4j.jakarta.websocket.server;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import org.lws4j.jakarta.websocket.endpoint.PathTemplate;
import org.lws4j.jakarta.websocket.endpoint.PojoEndpoint;
import org.lws4j.jakarta.websocket.endpoint.PojoModel;
import org.lws4j.jakarta.websocket.session.SessionHost;
import org.lws4j.jakarta.websocket.session.SessionImpl;

/**
 * One endpoint as deployed: its config, path template, the vhosts it serves (null: all), its
 * ranking, where its instances come from, and its open sessions. Made on the deploying thread;
 * read by service threads at each handshake; {@link #close} ends its sessions with 1001 on their
 * own threads and waits (bounded) until each has heard onClose, so that when it returns nothing
 * of the endpoint runs any more.
 */
public final class Registration implements SessionHost {
    private static final long CLOSE_WAIT_MILLIS = 5000;

    private final ServerEndpointConfig config;
    private final PathTemplate template;
    private final Set<String> vhosts;
    private final int ranking;
    private final long order;
    private final String source;
    private final InstanceSource instances;
    private final PojoModel model;
    private final ContainerImpl container;
    private final Set<SessionImpl> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param vhosts the vhost names to serve on, null for all
     * @param order lower first among equal rankings (the OSGi service id)
     * @param source a name for logs (the service and bundle, or the class)
     * @throws DeploymentException for a bad path or a bad annotated class
     */
    Registration(ServerEndpointConfig config, Set<String> vhosts, int ranking, long order, String source,
            InstanceSource instances, ContainerImpl container) throws DeploymentException {
        this.config = config;
        try {
            this.template = PathTemplate.parse(config.getPath());
        } catch (IllegalArgumentException e) {
            throw new DeploymentException(e.getMessage());
        }
        this.vhosts = vhosts == null ? null : Set.copyOf(vhosts);
        this.ranking = ranking;
        this.order = order;
        this.source = source;
        this.instances = instances;
        this.container = container;
        Class<?> c = config.getEndpointClass();
        this.model = Endpoint.class.isAssignableFrom(c) ? null : PojoModel.of(c, config.getDecoders());
    }

    public ServerEndpointConfig config() {
        return config;
    }

    public PathTemplate template() {
        return template;
    }

    public int ranking() {
        return ranking;
    }

    long order() {
        return order;
    }

    /** The vhost names, or null for all. */
    public Set<String> vhosts() {
        return vhosts;
    }

    public String source() {
        return source;
    }

    boolean serves(String vhost) {
        return vhosts == null || vhosts.contains(vhost);
    }

    /** True when both serve some vhost in common. */
    boolean overlaps(Registration o) {
        return vhosts == null || o.vhosts == null || vhosts.stream().anyMatch(o.vhosts::contains);
    }

    /** A new endpoint for a session configured by {@code cfg}. Service thread (the handshake). */
    Endpoint newEndpoint(ServerEndpointConfig cfg) throws Exception {
        Object o = instances.get(cfg);
        if (o == null) {
            throw new InstantiationException("no endpoint instance for " + describe());
        }
        return model == null ? (Endpoint) o : new PojoEndpoint(o, model);
    }

    /** Ends every session with 1001 and waits (bounded) until each has closed. Not from a service thread of a session it ends. */
    void close(String reason) {
        closed = true;
        List<SessionImpl> open = List.copyOf(sessions);
        CountDownLatch done = new CountDownLatch(open.size());
        boolean wait = !container.threads().contains(Thread.currentThread());
        for (SessionImpl s : open) {
            java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable countOnce = () -> {
                if (once.compareAndSet(false, true)) {
                    done.countDown();
                }
            };
            if (!s.events().goAwayLater(reason, countOnce)) {
                countOnce.run();
            }
        }
        if (wait) {
            try {
                done.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sessions open now. */
    public int sessionCount() {
        return sessions.size();
    }

    // ---- SessionHost ---------------------------------------------------------------------------

    @Override
    public WebSocketContainer container() {
        return container;
    }

    @Override
    public long sendQueueBytes() {
        return container.sendQueueBytes();
    }

    @Override
    public int sendQueueItems() {
        return container.sendQueueItems();
    }

    @Override
    public boolean opened(SessionImpl s) {
        sessions.add(s);
        return !closed;
    }

    @Override
    public void closed(SessionImpl s) {
        sessions.remove(s);
    }

    @Override
    public Set<Session> openSessions() {
        return Set.copyOf(sessions);
    }

    @Override
    public boolean isServiceThread(Thread t) {
        return container.threads().contains(t);
    }

    @Override
    public void serviceThread(Thread t) {
        container.threads().add(t);
    }

    @Override
    public void release(Object endpoint) {
        instances.release(endpoint instanceof PojoEndpoint ? ((PojoEndpoint) endpoint).instance() : endpoint);
    }

    @Override
    public String describe() {
        return template + " (" + source + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
