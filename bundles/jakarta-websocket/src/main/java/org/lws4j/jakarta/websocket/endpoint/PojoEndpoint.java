package org.lws4j.jakarta.websocket.endpoint;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

/**
 * An annotated endpoint instance seen as a programmatic {@link Endpoint}: at onOpen it adds one
 * message handler per {@code @OnMessage} method to the session (through the standard Session
 * API, so conversion and decoding are the session's), sets the session's buffer size from
 * {@code maxMessageSize}, then calls {@code @OnOpen}. A value an {@code @OnMessage} method
 * returns is sent back with {@code sendObject}. Every call runs on the session's service thread;
 * one PojoEndpoint per session, over an instance that may be shared (a singleton service).
 */
public final class PojoEndpoint extends Endpoint {
    private final Object instance;
    private final PojoModel model;
    private EndpointConfig config;

    public PojoEndpoint(Object instance, PojoModel model) {
        this.instance = instance;
        this.model = model;
    }

    /** The annotated object (given back to its source when the session ends). */
    public Object instance() {
        return instance;
    }

    /** True when the class has {@code @OnError}: otherwise an exception closes the session with 1011. */
    public boolean handlesErrors() {
        return model.handlesErrors();
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void onOpen(Session session, EndpointConfig cfg) {
        this.config = cfg;
        for (PojoModel.MessageMethod mm : model.onMessage) {
            PojoMethod m = mm.method();
            if (mm.maxSize() > 0) {
                int max = (int) Math.min(Integer.MAX_VALUE, mm.maxSize());
                if (mm.kind() == PojoModel.Kind.TEXT) {
                    session.setMaxTextMessageBufferSize(max);
                } else if (mm.kind() == PojoModel.Kind.BINARY) {
                    session.setMaxBinaryMessageBufferSize(max);
                }
            }
            Class type = Conversions.boxed(m.messageType);
            if (m.partial) {
                session.addMessageHandler(type, (MessageHandler.Partial<Object>) (msg, last) -> message(session, m, msg, last));
            } else {
                session.addMessageHandler(type, (MessageHandler.Whole<Object>) msg -> message(session, m, msg, true));
            }
        }
        if (model.onOpen != null) {
            PojoMethod.Call c = new PojoMethod.Call();
            c.session = session;
            c.config = cfg;
            call(model.onOpen, c);
        }
    }

    private void message(Session session, PojoMethod m, Object msg, boolean last) {
        PojoMethod.Call c = new PojoMethod.Call();
        c.session = session;
        c.config = config;
        c.message = msg;
        c.last = last;
        Object result = call(m, c);
        if (result != null) {
            try {
                session.getBasicRemote().sendObject(result);
            } catch (Exception e) {
                throw PojoEndpoint.<RuntimeException>sneaky(e);
            }
        }
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        if (model.onClose != null) {
            PojoMethod.Call c = new PojoMethod.Call();
            c.session = session;
            c.config = config;
            c.reason = reason;
            call(model.onClose, c);
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        if (model.onError != null) {
            PojoMethod.Call c = new PojoMethod.Call();
            c.session = session;
            c.config = config;
            c.error = error;
            call(model.onError, c);
        }
    }

    private Object call(PojoMethod m, PojoMethod.Call c) {
        try {
            return m.invoke(instance, c);
        } catch (Throwable t) {
            throw PojoEndpoint.<RuntimeException>sneaky(t);
        }
    }

    /** Lets a checked exception of the endpoint's through the handler interfaces, unwrapped. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }

    @Override
    public String toString() {
        return instance.getClass().getName();
    }
}
