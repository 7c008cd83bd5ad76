/*
 * The bench's Jetty 12 static file server over HTTP/2: a directory (args[0]) served by Jetty's
 * ResourceHandler on 127.0.0.1, h2c (and HTTP/1.1) on args[1], and h2 by ALPN on TLS on args[2]
 * with the PKCS#12 key store args[3] (password args[4]). Default settings otherwise. Runs until
 * killed. Not part of the build.
 */

import java.nio.file.Path;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

public final class JettyH2Static {
    public static void main(String[] args) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        ServerConnector clear = new ServerConnector(server, new HttpConnectionFactory(http),
                new HTTP2CServerConnectionFactory(http));
        clear.setHost("127.0.0.1");
        clear.setPort(Integer.parseInt(args[1]));
        server.addConnector(clear);

        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // h2load to 127.0.0.1 sends no SNI; the certificate says localhost
        https.addCustomizer(secure);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(args[3]);
        ssl.setKeyStorePassword(args[4]);
        ssl.setKeyStoreType("PKCS12");
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol("http/1.1");
        ServerConnector tls = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn,
                new HTTP2ServerConnectionFactory(https), new HttpConnectionFactory(https));
        tls.setHost("127.0.0.1");
        tls.setPort(Integer.parseInt(args[2]));
        server.addConnector(tls);

        ResourceHandler files = new ResourceHandler();
        files.setBaseResource(ResourceFactory.of(files).newResource(Path.of(args[0])));
        files.setWelcomeFiles("test.html");
        server.setHandler(files);
        server.start();
        System.out.println("ready jetty h2c " + clear.getLocalPort() + " h2 " + tls.getLocalPort());
        server.join();
    }
}
