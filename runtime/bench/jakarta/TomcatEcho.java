/*
 * The bench's Tomcat 11 embedded server: the example's EchoEndpoint class, unchanged, at
 * ws://127.0.0.1:<port>/jakarta-echo (found by Tomcat's WsSci). Runs until killed. Not part of the build.
 */

import java.io.File;
import java.nio.file.Files;
import java.util.Set;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

public final class TomcatEcho {
    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        File base = Files.createTempDirectory("tomcat-bench").toFile();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector c = new Connector();
        c.setPort(Integer.parseInt(args[0]));
        c.setProperty("address", "127.0.0.1");
        tomcat.setConnector(c);
        Context ctx = tomcat.addContext("", base.getAbsolutePath());
        ctx.addServletContainerInitializer(new WsSci(), Set.of(org.lws4j.example.jakarta.EchoEndpoint.class));
        // a servlet for "/": Tomcat runs its WebSocket filter only on requests that map to one
        Tomcat.addServlet(ctx, "default", new jakarta.servlet.http.HttpServlet() {
            private static final long serialVersionUID = 1L;
        });
        ctx.addServletMappingDecoded("/", "default");
        tomcat.start();
        System.out.println("ready tomcat " + c.getLocalPort());
        tomcat.getServer().await();
    }
}
