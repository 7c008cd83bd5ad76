package org.lws4j.core.loop;

import java.nio.channels.SelectionKey;

/** What a selection key's attachment does when the selector reports it ready. */
public interface Selectable {
    /** Called on the owning service thread with the key's ready operations. */
    void onSelected(SelectionKey key);
}
