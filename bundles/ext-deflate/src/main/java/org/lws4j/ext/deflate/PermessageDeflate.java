package org.lws4j.ext.deflate;

import java.util.List;

import org.lws4j.api.Context;
import org.lws4j.spi.extension.Extension;
import org.lws4j.spi.extension.ExtensionOffer;
import org.lws4j.spi.extension.ExtensionSession;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The permessage-deflate extension service (RFC 7692). The core offers it every handshake whose
 * client offers {@code permessage-deflate}; it takes the first offer it can honour (see
 * {@link DeflateNegotiation}) and returns a {@link DeflateSession} for the connection.
 *
 * <p>Configured (optionally) by the PID {@value #PID}; a change applies to the next handshakes and
 * leaves connections and the service registration alone.
 */
@Component(service = Extension.class, configurationPid = PermessageDeflate.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Extension.NAME + "=" + DeflateNegotiation.NAME)
@Designate(ocd = PermessageDeflate.Config.class)
public final class PermessageDeflate implements Extension {
    static final String PID = "org.lws4j.ext.deflate";

    /** The configuration: server-side choices and the defaults of the lws options. */
    @ObjectClassDefinition(name = "lws4j permessage-deflate",
            description = "RFC 7692 negotiation choices and per-connection defaults")
    public @interface Config {
        @AttributeDefinition(description = "Largest LZ77 window the server compresses with, 9..15 bits")
        int server_max_window_bits() default 15;

        @AttributeDefinition(description = "Window the server asks clients to compress with (when they allow it), 8..15 bits")
        int client_max_window_bits() default 15;

        @AttributeDefinition(description = "Compress every message on its own, even if the client did not ask")
        boolean server_no_context_takeover() default false;

        @AttributeDefinition(description = "Ask clients to compress every message on its own")
        boolean client_no_context_takeover() default false;

        @AttributeDefinition(description = "zlib compression level 0..9 (lws compression_level)")
        int compression_level() default 1;

        @AttributeDefinition(description = "zlib memory level 1..9 (lws mem_level)")
        int mem_level() default 8;

        @AttributeDefinition(description = "Inflate output chunk as a power of two, 7..16 (lws rx_buf_size)")
        int rx_buf_size() default 10;

        @AttributeDefinition(description = "Deflate output step as a power of two, 7..16 (lws tx_buf_size)")
        int tx_buf_size() default 10;
    }

    private volatile Preferences prefs = Preferences.DEFAULTS;

    /** Only to report a bad configuration through the context's log. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Context context;

    /** For DS. */
    public PermessageDeflate() {
    }

    /** With fixed preferences, outside a framework (tests). */
    PermessageDeflate(Preferences prefs) {
        this.prefs = prefs;
    }

    @Activate
    @Modified
    void configure(Config c) {
        try {
            prefs = new Preferences(c.server_max_window_bits(), c.client_max_window_bits(), c.server_no_context_takeover(),
                    c.client_no_context_takeover(), c.compression_level(), c.mem_level(), c.rx_buf_size(), c.tx_buf_size());
        } catch (IllegalArgumentException bad) {
            // a bad value must not take the extension away: keep what was in force
            String line = "permessage-deflate: configuration " + PID + ": " + bad.getMessage() + "; keeping the previous settings";
            Context ctx = context;
            if (ctx != null) {
                ctx.log().warn("%s", line);
            } else {
                System.err.println(line);
            }
        }
    }

    @Override
    public ExtensionSession accept(List<ExtensionOffer> offers, ExtensionSession.Limits limits) {
        if (limits.rxPieceSize() < MIN_RX_PIECE) {
            // lws's rule: a protocol that takes tiny pieces (dumb-increment's 10 bytes) gets no
            // compression; lws's own clients cannot run it on such connections
            return null;
        }
        Preferences p = prefs;
        Agreement a = DeflateNegotiation.accept(offers, p);
        return a == null ? null : DeflateSession.server(a, limits, p);
    }

    /** The smallest receive piece a connection may have for the extension to be agreed (lws: 128). */
    static final int MIN_RX_PIECE = 128;

    @Override
    public ExtensionOffer clientOffer() {
        return DeflateNegotiation.clientOffer();
    }

    @Override
    public ExtensionSession clientAccept(ExtensionOffer response, ExtensionSession.Limits limits) {
        Agreement a = DeflateNegotiation.clientAccept(response);
        return a == null ? null : DeflateSession.client(a, limits, prefs);
    }
}
