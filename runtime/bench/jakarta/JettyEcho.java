/*
 * The bench's Jetty 12 server (ee10 Jakarta WebSocket): the example's EchoEndpoint class, unchanged,
 * at ws://127.0.0.1:<port>/jakarta-echo. Runs until killed. Not part of the build.
 */

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public final class JettyEcho {
    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(Integer.parseInt(args[0]));
        server.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        server.setHandler(ctx);
        JakartaWebSocketServletContainerInitializer.configure(ctx,
                (servletContext, container) -> container.addEndpoint(org.lws4j.example.jakarta.EchoEndpoint.class));
        server.start();
        System.out.println("ready jetty " + c.getLocalPort());
        server.join();
    }
}
