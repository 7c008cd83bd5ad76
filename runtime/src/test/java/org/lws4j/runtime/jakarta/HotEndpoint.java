package org.lws4j.runtime.jakarta;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/**
 * The endpoint of the test bundles {@link EndpointBundles} builds: answers each text message with
 * its bundle's name and version, so a client can tell which revision served it. Its path comes
 * from the service property the activator sets.
 */
@ServerEndpoint("/unused")
public class HotEndpoint {
    private final String tag;

    public HotEndpoint(String tag) {
        this.tag = tag;
    }

    @OnMessage
    public String echo(String m) {
        return tag + ":" + m;
    }
}
