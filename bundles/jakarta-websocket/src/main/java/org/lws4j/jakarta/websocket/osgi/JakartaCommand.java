package org.lws4j.jakarta.websocket.osgi;

import java.util.Map;

import org.lws4j.jakarta.websocket.server.JakartaProtocol;
import org.lws4j.jakarta.websocket.server.Registration;
import org.osgi.framework.ServiceReference;

/**
 * {@code lws:jakarta}, a Gogo command function: every endpoint the whiteboard knows, serving or
 * shadowed (with the one that shadows it), its vhosts, ranking and open sessions, then the
 * services that could not be served and why. Called on the shell's thread; reads thread-safe state.
 */
public final class JakartaCommand {
    private final JakartaProtocol protocol;
    private final Map<ServiceReference<?>, String> failed;

    JakartaCommand(JakartaProtocol protocol, Map<ServiceReference<?>, String> failed) {
        this.protocol = protocol;
        this.failed = failed;
    }

    /**
     * Prints the table on the session's output, as core's {@code lws:} commands do: a returned value
     * is shown by Felix's interactive Gogo console but not by Karaf's batch client.
     */
    public void jakarta() {
        System.out.print(table());
    }

    /** The table, as text. */
    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-28s %-10s %-8s %-8s %-12s %s%n", "PATH", "STATE", "RANKING", "SESSIONS", "VHOSTS", "SOURCE"));
        for (Registration r : protocol.container().table().all()) {
            b.append(String.format("%-28s %-10s %-8d %-8d %-12s %s%n", r.template(),
                    protocol.container().table().isWinner(r) ? "serving" : "shadowed", r.ranking(), r.sessionCount(),
                    r.vhosts() == null ? "all" : String.join(",", r.vhosts()), r.source()));
        }
        failed.forEach((ref, why) -> b.append(String.format("failed: service %s of %s: %s%n", ref.getProperty("service.id"),
                ref.getBundle() == null ? "?" : ref.getBundle().getSymbolicName(), why)));
        return b.toString();
    }
}
