package org.lws4j.jakarta.websocket.server;

import java.net.URI;
import java.util.Set;
import java.util.function.Consumer;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import org.lws4j.jakarta.websocket.endpoint.EndpointConfigs;

/**
 * The ServerContainer of one Jakarta protocol instance: the defaults new sessions start with, the
 * send queue bounds, and {@code addEndpoint}, which deploys at once (unlike a servlet
 * container's, it takes endpoints at any time: they serve from the next handshake). The settings
 * are volatile fields, readable from any thread; the client side is not offered here.
 */
public final class ContainerImpl implements ServerContainer {
    private final EndpointTable table;
    private final ServiceThreads threads = new ServiceThreads();
    private final Consumer<String> report;
    private volatile long idleTimeout;
    private volatile long asyncSendTimeout;
    private volatile int maxText = 1 << 20;
    private volatile int maxBinary = 1 << 20;
    private volatile long sendQueueBytes = 4L << 20;
    private volatile int sendQueueItems = 4096;

    ContainerImpl(EndpointTable table, Consumer<String> report) {
        this.table = table;
        this.report = report;
    }

    ServiceThreads threads() {
        return threads;
    }

    public long sendQueueBytes() {
        return sendQueueBytes;
    }

    public int sendQueueItems() {
        return sendQueueItems;
    }

    /** Bounds of each session's send queue: beyond them the basic remote waits and the async one fails. */
    public void setSendQueue(long bytes, int items) {
        this.sendQueueBytes = Math.max(1, bytes);
        this.sendQueueItems = Math.max(1, items);
    }

    /** Reports a line (the context's log once a vhost has bound the protocol, and the reporter given). */
    public void report(String line) {
        report.accept(line);
    }

    /** Deploys {@code r} now; the shadowing, if any, is reported. */
    public void deploy(Registration r) {
        Registration rival = table.add(r);
        if (rival == null) {
            report.accept("Jakarta endpoint " + r.describe() + " serves");
        } else if (table.isWinner(r)) {
            report.accept("Jakarta endpoint " + r.describe() + " serves; it shadows " + rival.describe()
                    + " (lower ranking), which waits for it to go");
        } else {
            report.accept("Jakarta endpoint " + r.describe() + " is shadowed by " + rival.describe()
                    + " (higher ranking); it takes over when that goes");
        }
    }

    /** Withdraws {@code r}: no new sessions, its open ones closed with 1001 before this returns. */
    public void withdraw(Registration r, String why) {
        Registration next = table.remove(r);
        r.close(why);
        report.accept("Jakarta endpoint " + r.describe() + " withdrawn (" + why + ")"
                + (next != null ? "; " + next.describe() + " takes over" : ""));
    }

    public EndpointTable table() {
        return table;
    }

    /** A registration of an annotated class or a ServerEndpointConfig, new instance per session. */
    public Registration registration(Object what, Set<String> vhosts, int ranking, long order, String source,
            InstanceSource instances, String path) throws DeploymentException {
        ServerEndpointConfig cfg;
        if (what instanceof ServerEndpointConfig) {
            cfg = (ServerEndpointConfig) what;
        } else {
            cfg = EndpointConfigs.annotated((Class<?>) what, path);
        }
        return new Registration(cfg, vhosts, ranking, order, source, instances, this);
    }

    @Override
    public void addEndpoint(Class<?> endpointClass) throws DeploymentException {
        deploy(registration(endpointClass, null, 0, 0, endpointClass.getName(), InstanceSource.perSession(), null));
    }

    @Override
    public void addEndpoint(ServerEndpointConfig config) throws DeploymentException {
        deploy(registration(config, null, 0, 0, config.getEndpointClass().getName(), InstanceSource.perSession(), null));
    }

    @Override
    public void upgradeHttpToWebSocket(Object request, Object response, ServerEndpointConfig sec,
            java.util.Map<String, String> pathParameters) throws DeploymentException {
        throw new DeploymentException("lws4j routes upgrades by path itself; there is no servlet request to upgrade");
    }

    @Override
    public long getDefaultAsyncSendTimeout() {
        return asyncSendTimeout;
    }

    @Override
    public void setAsyncSendTimeout(long millis) {
        this.asyncSendTimeout = millis;
    }

    @Override
    public Session connectToServer(Object endpoint, URI path) throws DeploymentException {
        throw clientSide();
    }

    @Override
    public Session connectToServer(Class<?> annotated, URI path) throws DeploymentException {
        throw clientSide();
    }

    @Override
    public Session connectToServer(Endpoint endpoint, ClientEndpointConfig cec, URI path) throws DeploymentException {
        throw clientSide();
    }

    @Override
    public Session connectToServer(Class<? extends Endpoint> endpoint, ClientEndpointConfig cec, URI path)
            throws DeploymentException {
        throw clientSide();
    }

    private static DeploymentException clientSide() {
        return new DeploymentException("this container serves; for a client use lws4j's Context.connect or a Jakarta client");
    }

    @Override
    public long getDefaultMaxSessionIdleTimeout() {
        return idleTimeout;
    }

    @Override
    public void setDefaultMaxSessionIdleTimeout(long millis) {
        this.idleTimeout = millis;
    }

    @Override
    public int getDefaultMaxBinaryMessageBufferSize() {
        return maxBinary;
    }

    @Override
    public void setDefaultMaxBinaryMessageBufferSize(int max) {
        this.maxBinary = max;
    }

    @Override
    public int getDefaultMaxTextMessageBufferSize() {
        return maxText;
    }

    @Override
    public void setDefaultMaxTextMessageBufferSize(int max) {
        this.maxText = max;
    }

    @Override
    public Set<Extension> getInstalledExtensions() {
        return Set.of(Handshake.extension("permessage-deflate", java.util.List.of()));
    }
}
