package org.lws4j.core.http;

import org.lws4j.core.config.ContextConfig;

/** What the HTTP role needs of the context. */
public interface HttpHost {
    ContextConfig config();

    String serverString();
}
