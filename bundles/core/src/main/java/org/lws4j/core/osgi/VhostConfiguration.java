package org.lws4j.core.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The Metatype of factory PID {@value #PID}: the typed fields the Karaf web console and
 * {@code config:meta} show for a vhost configuration. Method names spell the keys of the JSON
 * config ({@code $_$} is '-', {@code __} is '_', a trailing {@code $} is dropped). Mounts,
 * protocol options and headers have dotted keys of their own ({@link FlatVhostConfig}), which
 * Metatype cannot list; the description says how to write them.
 */
@ObjectClassDefinition(id = VhostConfiguration.PID, name = "lws4j vhost",
        description = "A vhost of the lws4j server, with the keys of an lwsws JSON vhost entry."
                + " Mounts: mounts.ID.mountpoint, mounts.ID.origin, mounts.ID.default, mounts.ID.cache-max-age, ..."
                + " Protocol options: ws-protocols.PROTOCOL.OPTION. Headers: headers.NAME.")
@interface VhostConfiguration {
    /** The factory PID: files etc/org.lws4j.vhost-NAME.cfg. */
    String PID = "org.lws4j.vhost";

    @AttributeDefinition(name = "Name", required = false,
            description = "The host name the vhost answers to (Host header, SNI). Default: NAME of org.lws4j.vhost-NAME.cfg")
    String name();

    @AttributeDefinition(name = "Port", min = "0", max = "65535",
            description = "The TCP port to listen on; 0 for a vhost that only makes client connections")
    int port();

    @AttributeDefinition(name = "Interface", required = false,
            description = "Address or interface name to listen on; empty for all")
    String interface$();

    @AttributeDefinition(name = "Keep-alive timeout", required = false, min = "0",
            description = "Idle seconds between requests before the connection is closed (default 5)")
    int keepalive__timeout() default 5;

    @AttributeDefinition(name = "Protocols", required = false, cardinality = 100,
            description = "Protocols offered (lws.protocol.name), the first is the default; options as"
                    + " ws-protocols.PROTOCOL.OPTION keys")
    String[] ws$_$protocols();

    @AttributeDefinition(name = "TLS certificate", required = false,
            description = "PEM certificate chain: the vhost serves TLS (host-ssl-cert)")
    String host$_$ssl$_$cert();

    @AttributeDefinition(name = "TLS key", required = false, description = "PEM private key (host-ssl-key)")
    String host$_$ssl$_$key();

    @AttributeDefinition(name = "TLS key passphrase", required = false, type = AttributeType.PASSWORD,
            description = "Passphrase of an encrypted key (host-ssl-passphrase)")
    String host$_$ssl$_$passphrase();

    @AttributeDefinition(name = "Client CA", required = false,
            description = "PEM CAs to verify client certificates against (host-ssl-ca)")
    String host$_$ssl$_$ca();

    @AttributeDefinition(name = "Client certificate required", required = false)
    boolean client$_$cert$_$required() default false;

    @AttributeDefinition(name = "Generate self-signed", required = false,
            description = "Make a self-signed certificate and key at the two paths when neither exists")
    boolean generate$_$self$_$signed() default false;

    @AttributeDefinition(name = "Cipher list", required = false,
            description = "TLS 1.2 suites in OpenSSL syntax (ssl-cipher-list)")
    String ssl$_$cipher$_$list();

    @AttributeDefinition(name = "TLS 1.3 suites", required = false, description = "tls13-ciphers")
    String tls13$_$ciphers();

    @AttributeDefinition(name = "ECDH curves", required = false, description = "e.g. X25519:prime256v1 (ecdh-curve)")
    String ecdh$_$curve();

    @AttributeDefinition(name = "Redirect to TLS", required = false,
            description = "Answer plain requests with a 301 to the TLS vhost of the same name (redirect-http)")
    boolean redirect$_$http() default false;

    @AttributeDefinition(name = "Fallback to raw", required = false,
            description = "Connections that do not speak HTTP go to the protocol with pvo raw=1 (fallback-to-raw)")
    boolean fallback$_$to$_$raw() default false;

    @AttributeDefinition(name = "Raw fallback timeout (ms)", required = false, min = "0",
            description = "A silent peer is treated as raw after this long (raw-fallback-timeout-ms)")
    int raw$_$fallback$_$timeout$_$ms() default 2000;
}
